"""Synthetic CVs through extraction and parsing: sidebar PDFs (fpdf2) in both orientations,
two equal columns, and DOCX files (python-docx) in several languages and name orders."""

import io

import docx
import pytest
from fpdf import FPDF

from reviewapp.importing.extract import extract_text
from reviewapp.importing.limits import Limits
from reviewapp.importing.parse import parse_cv
from reviewapp.importing.pdf import find_gutter, pdf_to_text

pytestmark = pytest.mark.unit

SIDEBAR = [
    "CONTACT",
    "maria.keller@uni-example.de",
    "+49 30 1234 5678",
    "Berlin, Germany",
    "",
    "SKILLS",
    "Python, R, Stan",
    "Bayesian statistics",
    "Survey design",
    "",
    "LANGUAGES",
    "German (native)",
    "English (fluent)",
]
MAIN = [
    ("B", 16, "Maria Keller"),
    ("", 9, "Postdoctoral Researcher, Institute of Data Science"),
    ("", 9, ""),
    ("B", 12, "EDUCATION"),
    ("", 9, "PhD in Statistics, Technical University of Munich, 2016 - 2020"),
    ("", 9, "MSc in Mathematics, Universität Bonn, 2014 - 2016"),
    ("", 9, ""),
    ("B", 12, "EXPERIENCE"),
    ("", 9, "Postdoctoral Researcher, Institute of Data Science, 2020 - present"),
    ("", 9, "Research assistant, Universität Bonn, 2015 - 2016"),
    ("", 9, ""),
    ("B", 12, "PUBLICATIONS"),
    ("", 9, "1. M. Keller, T. Braun. Priors for sparse survey data. J. Stat., 2021."),
    ("", 9, "2. M. Keller. Hierarchical models of voter turnout. Annals, 2019."),
]


def sidebar_pdf(*, sidebar_left: bool, same_pitch: bool = False) -> bytes:
    """A 55 mm sidebar (contact, skills, languages) beside a 125 mm main column; the two are
    written row by row across the page, each in its own line pitch, or (`same_pitch`, as a
    word-processor table sets them) on shared baselines."""
    pdf = FPDF()
    pdf.set_auto_page_break(False)
    pdf.add_page()
    side_x, main_x = (10, 75) if sidebar_left else (145, 10)
    y_main, y_side = 15.0, 15.0 if same_pitch else 17.0
    for row in range(max(len(SIDEBAR), len(MAIN))):
        if row < len(MAIN):
            style, size, text = MAIN[row]
            pdf.set_font("Helvetica", style, size)
            pdf.set_xy(main_x, y_main)
            pdf.cell(125, 5, text)
        if row < len(SIDEBAR):
            pdf.set_font("Helvetica", "", 9)
            pdf.set_xy(side_x, y_side)
            pdf.cell(55, 5, SIDEBAR[row])
        y_main += 8
        y_side += 8 if same_pitch else 6.5
    return bytes(pdf.output())


def _block(lines: list[str], text_lines: list[str]) -> list[int]:
    return [text_lines.index(line) for line in lines if line]


SIDEBAR_CASES = pytest.mark.parametrize(
    ("sidebar_left", "same_pitch"),
    [(True, False), (False, False), (True, True), (False, True)],
    ids=["left", "right", "left-shared-baselines", "right-shared-baselines"],
)


@SIDEBAR_CASES
def test_sidebar_pdf_columns_come_out_whole_and_in_order(sidebar_left, same_pitch):
    result = extract_text(sidebar_pdf(sidebar_left=sidebar_left, same_pitch=same_pitch), "cv.pdf")
    lines = result.text.split("\n")
    side = _block(SIDEBAR, lines)
    main = _block([text for _, _, text in MAIN], lines)
    assert side == sorted(side) and main == sorted(main)
    assert side == list(range(side[0], side[0] + len(side)))
    assert main == list(range(main[0], main[0] + len(main)))
    assert (max(side) < min(main)) is sidebar_left


@SIDEBAR_CASES
def test_sidebar_pdf_profile_has_name_contact_and_education(sidebar_left, same_pitch):
    data = sidebar_pdf(sidebar_left=sidebar_left, same_pitch=same_pitch)
    profile = parse_cv(extract_text(data, "cv.pdf").text)
    assert profile.name == "Maria Keller"
    assert profile.emails == ["maria.keller@uni-example.de"]
    assert profile.phone == "+49 30 12345678"
    assert [(e["degree"], e["institution"], e["start"], e["end"]) for e in profile.education] == [
        ("PhD", "Technical University of Munich", "2016", "2020"),
        ("MSc", "Universität Bonn", "2014", "2016"),
    ]
    assert profile.current_position == {
        "title": "Postdoctoral Researcher",
        "institution": "Institute of Data Science",
    }
    assert profile.publications["count"] == 2


def test_sidebar_pdf_uses_layout_analysis():
    result = pdf_to_text(sidebar_pdf(sidebar_left=True), Limits())
    assert (result.layout_pages, result.pages) == (1, 1)


def french_two_column_pdf() -> bytes:
    """Two equal columns in French, each with its own headings, written across the page."""
    left = [
        "FORMATION",
        "Doctorat en informatique, Université de Lille,",
        "2015 - 2019",
        "Master 2, Université de Nantes, 2013 - 2015",
        "",
        "EXPÉRIENCE",
        "Maître de conférences, Université de Lille,",
        "depuis 2020",
    ]
    right = [
        "PUBLICATIONS",
        "1. C. Dupré, A. Martin. Graphes et réseaux",
        "    dynamiques. Revue d'IA, 2021.",
        "2. C. Dupré. Apprentissage de structures.",
        "    Actes de conférence, 2019.",
        "",
        "PRIX ET DISTINCTIONS",
        "Prix de thèse, 2020",
    ]
    pdf = FPDF()
    pdf.set_auto_page_break(False)
    pdf.add_page()
    pdf.set_font("Helvetica", "B", 15)
    pdf.set_xy(10, 10)
    pdf.cell(190, 7, "Claire Dupré - claire.dupre@univ-exemple.fr", align="C")
    pdf.set_font("Helvetica", size=9)
    for row, (a, b) in enumerate(zip(left, right, strict=True)):
        pdf.set_xy(10, 25 + 6 * row)
        pdf.cell(88, 5, a)
        pdf.set_xy(108, 25 + 6 * row)
        pdf.cell(92, 5, b)
    return bytes(pdf.output())


def test_french_two_column_pdf_profile():
    text = extract_text(french_two_column_pdf(), "cv.pdf").text
    profile = parse_cv(text)
    assert text.index("Master 2") < text.index("EXPÉRIENCE") < text.index("PUBLICATIONS")
    assert (profile.name, profile.emails) == ("Claire Dupré", ["claire.dupre@univ-exemple.fr"])
    assert [(e["degree"], e["institution"]) for e in profile.education] == [
        ("PhD", "Université de Lille"),
        ("MSc", "Université de Nantes"),
    ]
    assert profile.current_position == {
        "title": "Maître de conférences",
        "institution": "Université de Lille",
    }
    assert [item["title"] for item in profile.publications["items"]] == [
        "Graphes et réseaux dynamiques",
        "Apprentissage de structures",
    ]
    assert profile.awards == ["Prix de thèse, 2020"]


def _rows(top: float, left: tuple[float, float], right: tuple[float, float], pitch: float):
    return [(left[0], top - pitch * n, left[1], top - pitch * n + 8) for n in range(12)], [
        (right[0], top - 12 * n, right[1], top - 12 * n + 8) for n in range(12)
    ]


def test_find_gutter_narrow_sidebar_on_its_own_baselines_is_a_column():
    side, main = _rows(760, (30, 140), (210, 560), pitch=17)
    assert find_gutter(side + main, 595) is not None


def test_find_gutter_narrow_column_sharing_baselines_is_not_a_column():
    side, main = _rows(760, (30, 140), (210, 560), pitch=12)
    assert find_gutter(side + main, 595) is None


def test_find_gutter_very_narrow_column_is_never_a_column():
    side, main = _rows(760, (30, 80), (210, 560), pitch=17)
    assert find_gutter(side + main, 595) is None


# --- DOCX in several languages ----------------------------------------------------------------


def _docx(paragraphs: list[str], table: list[list[str]] | None = None) -> bytes:
    document = docx.Document()
    for text in paragraphs:
        document.add_paragraph(text)
    if table:
        grid = document.add_table(rows=1, cols=len(table))
        for cell, lines in zip(grid.rows[0].cells, table, strict=True):
            cell.text = "\n".join(lines)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def _profile(data: bytes):
    result = extract_text(data, "cv.docx")
    assert result.status == "ok"
    return parse_cv(result.text)


def test_spanish_docx_reads_formacion_and_publicaciones():
    profile = _profile(
        _docx(
            [
                "Lucía Ramírez Ortega",
                "Correo: lucia.ramirez (at) ugr (dot) es · Tel. +34 958 24 30 00",
                "Formación académica",
                "Doctorado en Química, Universidad de Granada, 2016–2020",
                "Grado en Química, Universidad de Málaga, 2012–2016",
                "Experiencia profesional",
                "2020–actualidad  Investigadora postdoctoral, Universidad de Granada",
                "Publicaciones seleccionadas",
                "L. Ramírez, P. Gómez. Catalizadores de hierro para la síntesis",
                "verde. Revista de Química, 2022.",
                "L. Ramírez. Reacciones en flujo continuo a baja temperatura.",
                "Anales de Química, 2020.",
            ]
        )
    )
    assert (profile.given_name, profile.family_name) == ("Lucía", "Ramírez Ortega")
    assert profile.emails == ["lucia.ramirez@ugr.es"]
    assert profile.phone == "+34 958 24 30 00"
    assert [(e["degree"], e["institution"]) for e in profile.education] == [
        ("PhD", "Universidad de Granada"),
        ("BSc", "Universidad de Málaga"),
    ]
    assert profile.current_position == {
        "title": "Investigadora postdoctoral",
        "institution": "Universidad de Granada",
    }
    assert [item["title"] for item in profile.publications["items"]] == [
        "Catalizadores de hierro para la síntesis verde",
        "Reacciones en flujo continuo a baja temperatura",
    ]


def test_chinese_docx_with_latin_name_in_brackets():
    profile = _profile(
        _docx(
            [
                "王小明 (Xiaoming Wang)",
                "邮箱：xmwang@pku.edu.cn  电话：+86 136 7015 6595",
                "教育背景",
                "博士，计算机科学，北京大学，2016年9月–2021年7月",
                "学士，数学，浙江大学，2012年9月–2016年6月",
                "工作经历",
                "2021年9月至今  博士后研究员，清华大学",
                "发表论文",
                "1. X. Wang, L. Zhang. Graph sparsification in linear time. SODA, 2021.",
                "2. X. Wang. Fast spectral clustering. NeurIPS, 2020.",
                "获奖情况",
                "国家奖学金，2019",
            ]
        )
    )
    assert (profile.name, profile.name_native) == ("Xiaoming Wang", "王小明")
    assert profile.phone == "+86 136 7015 6595"
    assert [(e["degree"], e["institution"], e["start"], e["end"]) for e in profile.education] == [
        ("PhD", "北京大学", "2016-09", "2021-07"),
        ("BSc", "浙江大学", "2012-09", "2016-06"),
    ]
    assert profile.current_position == {"title": "博士后研究员", "institution": "清华大学"}
    assert profile.publications["count"] == 2
    assert profile.awards == ["国家奖学金,2019"]  # NFKC: full-width comma


def test_german_docx_family_name_first_in_a_sidebar_table():
    profile = _profile(
        _docx(
            ["MÜLLER Hans-Peter", "Lebenslauf"],
            table=[
                ["Kontakt", "hp.mueller@tu-example.de", "Tel.: +49 (0)89 289 12345"],
                [
                    "Ausbildung",
                    "Dr. rer. nat. in Physik, Universität Heidelberg, 10/2015 – 09/2019",
                    "Dipl.-Phys., Universität Göttingen, 2009 – 2015",
                    "Berufserfahrung",
                    "seit 10/2019 Wissenschaftlicher Mitarbeiter, TU München",
                ],
            ],
        )
    )
    assert (profile.given_name, profile.family_name) == ("Hans-Peter", "Müller")
    assert profile.emails == ["hp.mueller@tu-example.de"]
    assert profile.phone == "+49 89 28912345"
    assert [(e["degree"], e["institution"], e["start"], e["end"]) for e in profile.education] == [
        ("PhD", "Universität Heidelberg", "2015-10", "2019-09"),
        ("MSc", "Universität Göttingen", "2009", "2015"),
    ]
    assert profile.current_position == {
        "title": "Wissenschaftlicher Mitarbeiter",
        "institution": "TU München",
    }


def wrapped_main_column_pdf() -> bytes:
    """Main column on the left with justified, wrapped (multi_cell) unnumbered references;
    a contact sidebar on the right in its own line pitch."""
    pdf = FPDF()
    pdf.set_auto_page_break(False)
    pdf.add_page()
    pdf.set_font("Helvetica", "B", 18)
    pdf.set_xy(10, 10)
    pdf.cell(120, 8, "Tomás Ferreira")
    main = [
        ("B", "EDUCATION"),
        ("", "PhD in Physics, University of Porto, 2015 - 2019"),
        ("", "MSc in Physics, University of Lisbon, 2013 - 2015"),
        ("B", "PUBLICATIONS"),
        (
            "",
            "T. Ferreira, A. Costa, and R. Silva. Quantum transport in disordered graphene "
            "nanoribbons at low temperature. Physical Review B, 99:115-130, 2019.",
        ),
        (
            "",
            "T. Ferreira and R. Silva. Spin relaxation in bilayer systems with strong "
            "spin-orbit coupling. Nano Letters, 18:45-51, 2018.",
        ),
        (
            "",
            "A. Costa and T. Ferreira. Edge states in topological insulators under strain. "
            "Journal of Physics, 2017.",
        ),
    ]
    y = 25.0
    for style, text in main:
        pdf.set_font("Helvetica", style, 11 if style else 9)
        pdf.set_xy(10, y)
        pdf.multi_cell(120, 4.5, text, align="J")
        y = pdf.get_y() + 2
    side = ["Contact", "tomas.ferreira@example.pt", "+351 22 123 4567", "Porto, Portugal"]
    side += ["Skills", "Python, C++", "Languages", "Portuguese, English"]
    for row, text in enumerate(side):
        pdf.set_font("Helvetica", "", 9)
        pdf.set_xy(145, 25 + 6.3 * row)
        pdf.cell(55, 5, text)
    return bytes(pdf.output())


def test_wrapped_references_in_main_column_pdf_are_split_by_entry():
    profile = parse_cv(extract_text(wrapped_main_column_pdf(), "cv.pdf").text)
    assert (profile.name, profile.emails) == ("Tomás Ferreira", ["tomas.ferreira@example.pt"])
    assert profile.phone == "+351 22 123 4567"
    assert [item["title"] for item in profile.publications["items"]] == [
        "Quantum transport in disordered graphene nanoribbons at low temperature",
        "Spin relaxation in bilayer systems with strong spin-orbit coupling",
        "Edge states in topological insulators under strain",
    ]
    assert [item["year"] for item in profile.publications["items"]] == [2019, 2018, 2017]


def label_column_pdf() -> bytes:
    """Europass-like rows: labels set flush right against their values, on shared baselines."""
    rows = [
        ("Name:", "Ingrid Solberg"),
        ("Email:", "ingrid.solberg@example.no"),
        ("Nationality:", "Norwegian"),
        ("Occupation held:", "Research scientist, Norwegian Institute of Public Health"),
        ("Employer:", "Norwegian Institute of Public Health, Oslo"),
        ("Main activities:", "Register-based epidemiology of chronic disease"),
    ]
    pdf = FPDF()
    pdf.set_auto_page_break(False)
    pdf.add_page()
    pdf.set_font("Helvetica", size=10)
    for row, (label, value) in enumerate(rows):
        pdf.set_xy(10, 20 + 7 * row)
        pdf.cell(50, 5, label, align="R")
        pdf.set_xy(72, 20 + 7 * row)
        pdf.cell(128, 5, value)
    return bytes(pdf.output())


def test_label_column_pdf_keeps_each_label_with_its_value():
    result = pdf_to_text(label_column_pdf(), Limits())
    lines = [line.strip() for line in result.text.splitlines()]
    assert result.layout_pages == 0
    assert "Email: ingrid.solberg@example.no" in lines
    assert "Occupation held: Research scientist, Norwegian Institute of Public Health" in lines


def _ragged(side: list) -> list:
    return [(x0, y0, x1 - 7 * (n % 4), y1) for n, (x0, y0, x1, y1) in enumerate(side)]


def test_find_gutter_shared_baselines_with_sidebar_text_is_a_column():
    side, main = _rows(760, (30, 140), (210, 560), pitch=12)
    side = _ragged(side)
    words = {box: f"Skill number {n}" for n, box in enumerate(side)}
    assert find_gutter(side + main, 595, lambda box: words.get(box, "Body text")) is not None


def test_find_gutter_shared_baselines_with_dates_is_not_a_column():
    side, main = _rows(760, (30, 140), (210, 560), pitch=12)
    side = _ragged(side)
    dates = {box: f"09/2019 - 20{n + 10}" for n, box in enumerate(side)}
    assert find_gutter(side + main, 595, lambda box: dates.get(box, "Body text")) is None


def test_find_gutter_shared_baselines_flush_right_labels_are_not_a_column():
    side, main = _rows(760, (30, 140), (210, 560), pitch=12)
    side = [(x0 + 9 * (n % 4), y0, x1, y1) for n, (x0, y0, x1, y1) in enumerate(side)]
    labels = {box: f"Label {n}" for n, box in enumerate(side)}
    assert find_gutter(side + main, 595, lambda box: labels.get(box, "Body text")) is None


def test_find_gutter_shared_baselines_with_field_names_is_not_a_column():
    side, main = _rows(760, (30, 140), (210, 560), pitch=12)
    side = _ragged(side)
    names = ["Address", "Phone", "E-mail", "Nationality", "Date of birth", "Website"] * 2
    fields = {box: names[n] for n, box in enumerate(side)}
    assert find_gutter(side + main, 595, lambda box: fields.get(box, "Body text")) is None


def test_find_gutter_shared_baselines_labels_over_values_is_a_column():
    side, main = _rows(760, (30, 140), (210, 560), pitch=12)
    side = _ragged(side)
    names = ["Phone", "+49 30 1234", "E-mail", "a@b.de", "Address", "Hauptstr. 5"] * 2
    fields = {box: names[n] for n, box in enumerate(side)}
    assert find_gutter(side + main, 595, lambda box: fields.get(box, "Body text")) is not None


BANNER = [
    "Nora Lindberg - nora.lindberg@example.se - +46 8 555 123 45",
    "Summary: statistician working on register data, survey methods and small-area estimation",
    "for public health agencies; ten years of experience with mixed models and Bayesian tools,",
    "teaching at graduate level, and supervision of doctoral students in epidemiology and",
    "biostatistics at two universities in Sweden and Norway; fluent in Swedish and English.",
]
LEFT_COLUMN = ["EDUCATION"] + [f"Course {n}: applied statistics module" for n in range(1, 9)]
RIGHT_COLUMN = ["EXPERIENCE"] + [f"Project {n}: register linkage study" for n in range(1, 9)]


def banner_two_column_pdf() -> bytes:
    """Five full-width banner lines (more than the crossing lines a gutter tolerates), then
    two equal columns written across the page row by row."""
    pdf = FPDF()
    pdf.set_auto_page_break(False)
    pdf.add_page()
    pdf.set_font("Helvetica", size=9)
    for row, text in enumerate(BANNER):
        pdf.set_xy(10, 10 + 5 * row)
        pdf.cell(190, 5, text)
    for row, (left, right) in enumerate(zip(LEFT_COLUMN, RIGHT_COLUMN, strict=True)):
        pdf.set_xy(10, 45 + 6 * row)
        pdf.cell(85, 5, left)
        pdf.set_xy(110, 45 + 6 * row)
        pdf.cell(90, 5, right)
    return bytes(pdf.output())


def test_banner_above_two_columns_does_not_hide_the_gutter():
    result = pdf_to_text(banner_two_column_pdf(), Limits())
    lines = [line.strip() for line in result.text.splitlines() if line.strip()]
    order = [lines.index(text) for text in BANNER + LEFT_COLUMN + RIGHT_COLUMN]
    assert result.layout_pages == 1
    assert order == sorted(order)


def test_find_gutter_single_column_page_with_short_lines_is_not_split():
    wide = [(40, 760 - 12 * n, 560, 768 - 12 * n) for n in range(20)]
    short = [(40, 500 - 12 * n, 120, 508 - 12 * n) for n in range(4)]
    assert find_gutter(wide + short, 595) is None
