"""Rules that generalise across languages: headings, degree forms, dates, obfuscated e-mails,
phone numbers, and the current position from a section or the header."""

import pytest

from reviewapp.importing.dates import find_span
from reviewapp.importing.degrees import find_degree
from reviewapp.importing.parse import parse_cv
from reviewapp.importing.parse_orgs import institution_rank
from reviewapp.importing.parse_text import split_lines
from reviewapp.importing.sections import heading_of

pytestmark = pytest.mark.unit


@pytest.mark.parametrize(
    ("heading", "kind"),
    [
        ("Publications sélectionnées", "publications"),
        ("Pubblicazioni scelte", "publications"),
        ("Working papers", "publications"),
        ("Articles de revues", "publications"),
        ("Tesis doctoral", "publications"),
        ("Esperienza lavorativa", "experience"),
        ("Cargo actual", "experience"),
        ("Position actuelle", "experience"),
        ("Aktuelle Position", "experience"),
        ("Present position", "experience"),
        ("Kontakt", "personal"),
        ("Datos de contacto", "personal"),
        ("Schulbildung", "education"),
        ("Lehrerfahrung", "teaching"),
        ("教育背景", "education"),
        ("工作经历", "experience"),
        ("发表论文（部分）", "publications"),
        ("代表性论文", "publications"),
        ("获奖与荣誉", "awards"),
        ("个人信息", "personal"),
        ("学歴", "education"),
        ("학력", "education"),
    ],
)
def test_heading_in_other_languages_is_recognised(heading, kind):
    found = heading_of(split_lines(heading)[0])
    assert found is not None and found.kind == kind


@pytest.mark.parametrize("line", ["清华大学教育学院", "北京大学计算机学院博士", "Präsentation"])
def test_heading_cjk_institution_containing_a_term_is_not_a_heading(line):
    assert heading_of(split_lines(line)[0]) is None


@pytest.mark.parametrize(
    ("text", "degree", "current"),
    [
        ("Dr. rer. nat. in Physik", "PhD", False),
        ("Doctorat en informatique", "PhD", False),
        ("Laurea magistrale in Fisica", "MSc", False),
        ("Laurea in Matematica", "BSc", False),
        ("M.Eng. in Electrical Engineering", "MEng", False),
        ("Dipl.-Ing. Maschinenbau", "MEng", False),
        ("PhD candidate in Economics", "PhD", True),
        ("Doctor of Philosophy (Candidate)", "PhD", True),
        ("博士，计算机科学", "PhD", False),
        ("博士研究生，北京大学", "PhD", True),
        ("硕士在读，浙江大学", "MSc", True),
        ("学士，数学", "BSc", False),
        ("修士（工学）", "MSc", False),
    ],
)
def test_find_degree_forms(text, degree, current):
    mention = find_degree(text)
    assert mention is not None and (mention.degree, mention.current) == (degree, current)


def test_find_degree_postdoc_in_chinese_is_no_degree():
    assert find_degree("博士后研究员，清华大学") is None


@pytest.mark.parametrize(
    ("text", "span"),
    [
        ("09/2019 – present", ("2019-09", None, True, False)),
        ("2019–heute", ("2019", None, True, False)),
        ("Sept. 2019 -", ("2019-09", None, True, False)),
        ("since Oct. 2021", ("2021-10", None, True, False)),
        ("2019 (expected 2020)", ("2019", "2020", False, True)),
        ("2016年9月–2021年7月", ("2016-09", "2021-07", False, False)),
        ("2021年9月至今", ("2021-09", None, True, False)),
        ("2018 - 2022", ("2018", "2022", False, False)),
        ("Sept. 2019 - Lecturer", (None, "2019-09", False, False)),
    ],
)
def test_find_span_date_forms(text, span):
    found = find_span(text)
    assert found is not None
    assert (found.start, found.end, found.current, found.expected) == span


def _edu(text: str) -> list[tuple]:
    profile = parse_cv(f"Anna Berg\n\nEducation\n{text}\n")
    return [
        (e["degree"], e["start"], e["end"], e["expected"], e["current"]) for e in profile.education
    ]


@pytest.mark.parametrize(
    ("line", "entry"),
    [
        (
            "PhD in Economics, University of Chicago, expected 2027",
            ("PhD", None, "2027", True, True),
        ),
        ("PhD candidate, ETH Zurich, 2022 – 2026", ("PhD", "2022", "2026", True, True)),
        ("PhD candidate, ETH Zurich, 2022 – present", ("PhD", "2022", None, False, True)),
        ("Ph.D. student, Stanford University, Sept. 2019 -", ("PhD", "2019-09", None, False, True)),
        ("PhD, Stanford University, 2015 – 2019", ("PhD", "2015", "2019", False, False)),
    ],
)
def test_education_expected_and_current_flags(line, entry):
    assert _edu(line) == [entry]


@pytest.mark.parametrize(
    ("line", "emails"),
    [
        ("jdoe (at) cs (dot) example (dot) edu", ["jdoe@cs.example.edu"]),
        ("jdoe at cs dot example dot edu", ["jdoe@cs.example.edu"]),
        ("Email: jdoe at example.org", ["jdoe@example.org"]),
        ("jdoe [at] cs.example.edu", ["jdoe@cs.example.edu"]),
        ("j-doe(at)uni-bonn(dot)de", ["j-doe@uni-bonn.de"]),
        ("jdoe (ät) example (punkt) de", ["jdoe@example.de"]),
        ("jdoe＠example.cn", ["jdoe@example.cn"]),
        ("I worked at home dot com startups for years", []),
        ("We met at Berkeley dot the end", []),
        ("Visiting student at cs.example.edu in 2019", []),
    ],
)
def test_obfuscated_email_only_when_clearly_an_address(line, emails):
    assert parse_cv(f"Jane Doe\n{line}\n").emails == emails


@pytest.mark.parametrize(
    ("line", "phone"),
    [
        ("Tel.: +49 (0)30 1234 5678", "+49 30 12345678"),
        ("Phone: +1 (617) 555-0134", "+1 617-555-0134"),
        ("+33 6 12 34 56 78", "+33 6 12 34 56 78"),
        ("Teléfono: +34 612 345 678", "+34 612 34 56 78"),
        ("电话：+86-10-6278-1234", "+86 10 6278 1234"),
        ("(+39) 347 123 4567", "+39 347 123 4567"),
        ("Tél : 01 23 45 67 89", "01 23 45 67 89"),
    ],
)
def test_phone_with_country_code_is_normalised(line, phone):
    assert parse_cv(f"Jane Doe\n{line}\n").phone == phone


def test_phone_in_contact_section_below_first_heading_is_found():
    text = "Jane Doe\n\nSkills\nPython\n\nContact\njane@example.org\n+44 20 7946 0321\n"
    assert parse_cv(text).phone == "+44 20 7946 0321"


@pytest.mark.parametrize(
    ("body", "position"),
    [
        (
            "Current Position\nAssistant Professor of Economics, University of Vienna\n",
            {"title": "Assistant Professor", "institution": "University of Vienna"},
        ),
        (
            "Employment\n2021 – present  Assistant Professor, University of Vienna\n"
            "2019 – 2021  Postdoctoral Fellow, Max Planck Institute for Economics\n",
            {"title": "Assistant Professor", "institution": "University of Vienna"},
        ),
        (
            "Position actuelle\nMaître de conférences, Université de Lille (depuis 2020)\n",
            {"title": "Maître de conférences", "institution": "Université de Lille"},
        ),
        (
            "Appointments\nSept. 2022 -\tLecturer in Statistics, University of Leeds\n",
            {"title": "Lecturer", "institution": "University of Leeds"},
        ),
        (
            "工作经历\n2021年9月至今  博士后研究员，北京大学\n",
            {"title": "博士后研究员", "institution": "北京大学"},
        ),
    ],
)
def test_current_position_from_section(body, position):
    assert parse_cv(f"Jane Doe\njane@example.org\n\n{body}").current_position == position


def test_current_position_from_header_line():
    text = "Jane Doe\nPostdoctoral researcher at the Institute of Physics, Prague\njane@x.org\n"
    assert parse_cv(text).current_position == {
        "title": "Postdoctoral researcher",
        "institution": "Institute of Physics",
    }


@pytest.mark.parametrize(("text", "rank"), [("清华大学", 3.0), ("中国科学院", 2.0), ("北京", 0.0)])
def test_institution_rank_cjk(text, rank):
    assert institution_rank(text) == rank


def test_name_two_family_names_split_by_email():
    profile = parse_cv("Lucía Ramírez Ortega\nlucia.ramirez@example.es\n")
    assert (profile.given_name, profile.family_name) == ("Lucía", "Ramírez Ortega")


def test_name_three_words_without_email_keep_western_order():
    profile = parse_cv("John Michael Smith\njsmith@example.org\n")
    assert (profile.given_name, profile.family_name) == ("John Michael", "Smith")


def test_name_below_sidebar_headings_found_through_email():
    text = (
        "Skills\nPython, R\n\nLanguages\nGerman, English\n\nMaria Keller\n"
        "Research Scientist\n\nContact\nmaria.keller@example.org\n"
    )
    assert parse_cv(text).name == "Maria Keller"


def test_name_in_references_is_never_the_candidate():
    text = "Skills\nPython\n\nReferences\nJohn Smith\njohn.smith@example.org\n"
    assert parse_cv(text).name is None


def test_degree_written_in_brackets_is_not_the_field():
    profile = parse_cv(
        "Anna Berg\n\nAusbildung\n10/2016 – 02/2021  Promotion (Dr. rer. nat.) in Biologie, "
        "Universität Freiburg\n"
    )
    assert [(e["degree"], e["field"], e["institution"]) for e in profile.education] == [
        ("PhD", "Biologie", "Universität Freiburg")
    ]


def test_letterspaced_name_and_heading_are_read():
    profile = parse_cv(
        "A N N A   B E R G\nanna@example.se\n\nE D U C A T I O N\nPhD, Lund University, 2010-2014\n"
    )
    assert profile.name == "Anna Berg"
    assert [e["institution"] for e in profile.education] == ["Lund University"]


@pytest.mark.parametrize(
    ("name", "given", "family"),
    [
        ("Pierre-Yves Le Gall", "Pierre-Yves", "Le Gall"),
        ("Anna De Luca", "Anna", "De Luca"),
        ("Jan Van Der Berg", "Jan", "Van Der Berg"),
        ("An Van Nguyen", "An Van", "Nguyen"),
    ],
)
def test_name_capitalised_particle_goes_with_family_name(name, given, family):
    profile = parse_cv(f"{name}\nx@example.org\n")
    assert (profile.given_name, profile.family_name) == (given, family)


def test_name_from_nom_and_prenom_labels():
    profile = parse_cv("Nom : DUPONT\nPrénom : Marie\nmarie.dupont@example.fr\n")
    assert (profile.name, profile.given_name, profile.family_name) == (
        "Marie Dupont",
        "Marie",
        "Dupont",
    )


@pytest.mark.parametrize(
    ("written", "given", "family"),
    [
        ("Tanaka Hiroshi (田中 博)", "Hiroshi", "Tanaka"),
        ("Sato Yuki", "Yuki", "Sato"),
        ("Yuki Sato", "Yuki", "Sato"),
        ("Paolo Mori", "Paolo", "Mori"),
        ("Kim Min-jun", "Min-jun", "Kim"),
        ("Min-jun Kim", "Min-jun", "Kim"),
        ("Park Seung-Hoon", "Seung-Hoon", "Park"),
        ("Hans-Peter Park", "Hans-Peter", "Park"),
    ],
)
def test_name_japanese_or_korean_family_name_found_in_either_order(written, given, family):
    profile = parse_cv(f"{written}\nx@example.org\n")
    assert (profile.given_name, profile.family_name) == (given, family)


@pytest.mark.parametrize(
    "heading", ["Under review", "In preparation:", "Manuscripts submitted", "In Vorbereitung"]
)
def test_publication_status_heading_is_a_publications_heading(heading):
    found = heading_of(split_lines(heading)[0])
    assert found is not None and found.kind == "publications"


FRENCH_MD = """# Élise Moreau

**Doctorante en physique** · Laboratoire Kastler Brossel, Sorbonne Université
elise.moreau [at] lkb.upmc.fr · +33 1 44 27 00 00 · [GitHub](https://github.com/emoreau)

## Formation

- **Doctorat en physique** (en cours), Sorbonne Université, 2022 – aujourd'hui
- **Master 2 Physique quantique**, École normale supérieure, 2020 – 2022
- **Licence de physique**, Université Paris Cité, 2017 – 2020

## Publications

1. É. Moreau, P. Bernard, « Refroidissement laser d'atomes de strontium », *Phys. Rev. A* 105, 2022.
2. É. Moreau, « Pièges optiques à grande échelle », *Optics Letters* 47, 2021.

## Prix et distinctions

- Prix de la meilleure affiche, Congrès SFP, 2023
"""


def test_french_markdown_cv_profile():
    profile = parse_cv(FRENCH_MD)
    assert (profile.name, profile.emails) == ("Élise Moreau", ["elise.moreau@lkb.upmc.fr"])
    assert (profile.phone, profile.links["github"]) == (
        "+33 1 44 27 00 00",
        "https://github.com/emoreau",
    )
    assert profile.current_position == {"title": "Doctorante", "institution": "Sorbonne Université"}
    assert [(e["degree"], e["institution"], e["current"]) for e in profile.education] == [
        ("PhD", "Sorbonne Université", True),
        ("MSc", "École normale supérieure", False),
        ("BSc", "Université Paris Cité", False),
    ]
    assert [(i["title"], i["venue"]) for i in profile.publications["items"]] == [
        ("Refroidissement laser d'atomes de strontium", "Phys. Rev. A 105, 2022"),
        ("Pièges optiques à grande échelle", "Optics Letters 47, 2021"),
    ]
    assert profile.awards == ["Prix de la meilleure affiche, Congrès SFP, 2023"]


ITALIAN_TXT = """CURRICULUM VITAE

Marco Bianchi
Via Roma 10, 20121 Milano, Italia
Tel: +39 02 1234 5678
E-mail: marco.bianchi@polimi.it

ISTRUZIONE E FORMAZIONE
2018 - 2022   Dottorato di ricerca in Ingegneria Informatica, Politecnico di Milano
2016 - 2018   Laurea Magistrale in Ingegneria Informatica, Politecnico di Milano
2013 - 2016   Laurea Triennale in Ingegneria Informatica, Università di Pavia

ESPERIENZA LAVORATIVA
2022 - oggi   Assegnista di ricerca, Politecnico di Milano

PUBBLICAZIONI
[1] M. Bianchi, L. Verdi. Scheduling energetico nei data center. IEEE Trans. Cloud, 2023.
[2] M. Bianchi. Ottimizzazione di reti neurali su FPGA. Proc. DATE, 2021.
"""


def test_italian_text_cv_profile():
    profile = parse_cv(ITALIAN_TXT)
    assert (profile.name, profile.phone) == ("Marco Bianchi", "+39 02 1234 5678")
    assert profile.current_position == {
        "title": "Assegnista di ricerca",
        "institution": "Politecnico di Milano",
    }
    assert [(e["degree"], e["start"], e["end"]) for e in profile.education] == [
        ("PhD", "2018", "2022"),
        ("MSc", "2016", "2018"),
        ("BSc", "2013", "2016"),
    ]
    assert profile.publications["count"] == 2


def test_email_not_made_up_by_removing_markup_between_words():
    assert parse_cv("Jane Doe\njane[](http://x.org)doe@example.org\n").emails == ["doe@example.org"]


def test_homepage_in_a_contact_section_below_the_first_heading():
    text = (
        "Skills\nPython\n\nContact\nanna@example.org\nhttps://anna-berg.example.org\n\n"
        "Anna Berg\n\nPublications\n1. A. Berg. A title here. Journal, 2020. "
        "https://papers.example.org/10.1/x\n"
    )
    links = parse_cv(text).links
    assert links == {
        "other": ["https://papers.example.org/10.1/x"],
        "homepage": "https://anna-berg.example.org",
    }


EUROPASS_TXT = """Europass Curriculum Vitae

Personal information
Surname(s) / First name(s) Rossi Giulia
Address Via Po 1, 10100 Torino, Italy
Telephone(s) +39 011 123 4567
E-mail giulia.rossi@unito.it

Work experience
Dates 2021 - present
Occupation or position held Research fellow
Name and address of employer Università di Torino

Education and training
Dates 2016 - 2020
Title of qualification awarded PhD in Physics
Name and type of organisation providing education and training Università di Torino
Dates 2014 - 2016
Title of qualification awarded Laurea magistrale in Fisica
Name and type of organisation providing education and training Università di Pisa
"""


def test_europass_labels_glued_to_values_are_read_past():
    profile = parse_cv(EUROPASS_TXT)
    assert (profile.given_name, profile.family_name) == ("Giulia", "Rossi")
    assert profile.current_position == {
        "title": "Research fellow",
        "institution": "Università di Torino",
    }
    assert [
        (e["degree"], e["field"], e["institution"], e["start"], e["end"]) for e in profile.education
    ] == [
        ("PhD", "Physics", "Università di Torino", "2016", "2020"),
        ("MSc", "Fisica", "Università di Pisa", "2014", "2016"),
    ]


@pytest.mark.parametrize(
    ("label", "value"),
    [
        ("Name and address of employer", "Università di Torino"),
        ("Name und Adresse des Arbeitgebers", "Universität Wien"),
        ("Nom et adresse de l'employeur", "Université de Lille"),
        ("Nombre y dirección del empleador", "Universidad de Sevilla"),
        ("Nome e indirizzo del datore di lavoro", "Politecnico di Milano"),
    ],
)
def test_europass_label_is_dropped_from_the_line_text(label, value):
    assert split_lines(f"{label} {value}")[0].text == value
