"""The CV parser's helpers one by one: dates, degrees, headings, e-mails, phones, names, links,
list items and the publication merge."""

import pytest

from reviewapp.importing.dates import DateSpan, find_dates, find_span
from reviewapp.importing.degrees import field_after, find_degree
from reviewapp.importing.fields import find_emails, find_links, find_phone, normalise_phone
from reviewapp.importing.parse_blocks import split_items
from reviewapp.importing.parse_names import find_name
from reviewapp.importing.parse_orgs import best_institution
from reviewapp.importing.parse_text import make_line, split_lines
from reviewapp.importing.publications import merge_publications, parse_item
from reviewapp.importing.sections import find_headings, heading_of

pytestmark = pytest.mark.unit


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Jan. 2021 - Jan. 2025 (expected)", ("2021-01", "2025-01", False, True)),
        ("2017.09 - 2021.06", ("2017-09", "2021-06", False, False)),
        ("09/2021 – Present", ("2021-09", None, True, False)),
        ("Expected 07/2023", (None, "2023-07", False, True)),
        ("since 2020", ("2020", None, True, False)),
        ("2019–now", ("2019", None, True, False)),
        ("Sept. 2013 - June 2017", ("2013-09", "2017-06", False, False)),
        ("seit 2020", ("2020", None, True, False)),
        ("depuis 2019", ("2019", None, True, False)),
        ("desde 2018", ("2018", None, True, False)),
        ("Oktober 2015 bis März 2020", ("2015-10", "2020-03", False, False)),
        ("15.09.2019 – 30.06.2023", ("2019-09", "2023-06", False, False)),
        ("Mai 2019 – heute", ("2019-05", None, True, False)),
        ("*Sep. 2016–Present*", ("2016-09", None, True, False)),
        ("anticipated May 2026", (None, "2026-05", False, True)),
    ],
)
def test_find_span_reads_written_periods(text, expected):
    span = find_span(text)
    assert (span.start, span.end, span.current, span.expected) == expected


def test_find_span_without_dates_is_none():
    assert find_span("Advisor: Prof. Jane Roe") is None


def test_find_dates_ignores_arxiv_ids_and_gpa():
    assert [t.iso for t in find_dates("arXiv:1907.02057, GPA 3.94/4.00, 2019")] == ["2019"]


def test_find_span_single_date_is_an_end():
    assert find_span("MSc, University of Graz, 2018") == DateSpan(None, "2018", False, False, 25)


@pytest.mark.parametrize(
    ("text", "degree", "written"),
    [
        ("Ph.D. in Applied Mathematics", "PhD", "Ph.D."),
        ("Dr. rer. nat. Physik", "PhD", "Dr. rer. nat."),
        ("Dr.-Ing. Maschinenbau", "PhD", "Dr.-Ing."),
        ("Dr. phil. Philosophie", "PhD", "Dr. phil."),
        ("Doctorat en informatique", "PhD", "Doctorat"),
        ("Doctorado en Física", "PhD", "Doctorado"),
        ("Dottorato di ricerca in Fisica", "PhD", "Dottorato di ricerca"),
        ("Habilitation in Mathematik", "Habilitation", "Habilitation"),
        ("Master of Science in Physics", "MS", "Master of Science"),
        ("M.Sc. in Computer Science", "MSc", "M.Sc."),
        ("Diplom-Physiker", "MSc", "Diplom-Physiker"),
        ("Licence de mathématiques", "BSc", "Licence"),
        ("Bachelor of Science, Pure Mathematics", "BS", "Bachelor of Science"),
        ("B.S. in Applied Mathematics", "BS", "B.S."),
        ("B.Sc. in Mathematics", "BSc", "B.Sc."),
        ("B.Eng. in Software Engineering", "BEng", "B.Eng."),
        ("MBA, INSEAD", "MBA", "MBA"),
        ("Bachelor in History", "BA", "Bachelor"),
        ("BS, Institute for Information Sciences", "BS", "BS"),
        ("M.Tech (Computer Science)", "MEng", "M.Tech"),
        ("MChem, University of Oxford", "MSc", "MChem"),
        ("A.B. in Economics", "BA", "A.B."),
    ],
)
def test_find_degree_normalises(text, degree, written):
    mention = find_degree(text)
    assert (mention.degree, mention.as_written) == (degree, written)


@pytest.mark.parametrize(
    "text",
    [
        "Ph.D. Resident, Google X",
        "Supervised three PhD students",
        "Cambridge, MA, USA",
        "Boston, MA",
        "MS Word, Excel",
        "PhD thesis: Learning things",
        "Driving licence",
    ],
)
def test_find_degree_rejects_non_degrees(text):
    assert find_degree(text) is None


def test_find_degree_marks_students_as_current():
    assert find_degree("PhD candidate in Chemistry").current is True
    assert find_degree("PhD in Chemistry").current is False


def test_field_after_reads_field_until_advisor():
    text = "Ph.D in Computer Science Advisor: A. Person"
    assert field_after(text, find_degree(text)) == "Computer Science"


@pytest.mark.parametrize(
    ("line", "kind"),
    [
        ("## EDUCATION", "education"),
        ("E DUCATION", "education"),
        ("P UBLICATIONS", "publications"),
        ("Education & Training", "education"),
        ("EDUCATION AND INDUSTRY EXPERIENCE", "education"),
        ("Selected Awards & Honours", "awards"),
        ("Ausbildung", "education"),
        ("Berufserfahrung:", "experience"),
        ("Formación académica", "education"),
        ("Expérience professionnelle", "experience"),
        ("Publications et communications", "publications"),
        ("Publikationen", "publications"),
        ("**Research Experience**", "experience"),
        ("Curriculum Vitae", "title"),
    ],
)
def test_heading_of_classifies_headings(line, kind):
    assert heading_of(make_line(1, line)).kind == kind


@pytest.mark.parametrize(
    "line",
    [
        "# Peking University",
        "Research Internship at Google",
        "I studied education policy.",
        "Teaching assistant: Calculus (A)",
    ],
)
def test_heading_of_ignores_content_lines(line):
    assert heading_of(make_line(1, line)) is None


def test_unknown_heading_counts_only_in_the_form_of_known_ones():
    lines = split_lines("EDUCATION\nPhD\nOPEN SOURCE\nx\n### Research Internship at Google\n")
    assert [(i, h.kind) for i, h in sorted(find_headings(lines).items())] == [
        (0, "education"),
        (2, "unknown"),
    ]


@pytest.mark.parametrize(
    ("text", "emails"),
    [
        ("name [at] dept.univ.edu", ["name@dept.univ.edu"]),
        ("john (at) cs (dot) mit (dot) edu", ["john@cs.mit.edu"]),
        ("jane AT uni DOT edu", ["jane@uni.edu"]),
        ("mail: Bob.Smith @ Foo.edu", ["bob.smith@foo.edu"]),
        ("[a@b.org](mailto:a@b.org) and A@B.org", ["a@b.org"]),
        ("meet me at the lab at noon.", []),
        ("see @handle on twitter", []),
    ],
)
def test_find_emails_reads_plain_and_obfuscated_forms(text, emails):
    assert [email for email, _ in find_emails(split_lines(text))] == emails


@pytest.mark.parametrize(
    ("text", "written", "normalised"),
    [
        ("(86) 13670156595", "(86) 13670156595", "+86 136 7015 6595"),
        ("+49 30 1234567", "+49 30 1234567", "+49 30 1234567"),
        ("Tel.: 030/1234567", "030/1234567", None),
        ("Phone: 0049 30 1234567", "0049 30 1234567", "+49 30 1234567"),
    ],
)
def test_find_phone_reads_and_normalises(text, written, normalised):
    found = find_phone(split_lines(text), header_end=5)
    assert (found[0], found[1]) == (written, normalised)


@pytest.mark.parametrize(
    "text",
    [
        "2017.09 - 2021.06",
        "Beijing, China, 100084",
        "DOI 10.1145/3292500.3330701",
        "arXiv preprint 2410.11474, 2024",
        "2019 - 2023",
    ],
)
def test_find_phone_ignores_dates_postcodes_and_identifiers(text):
    assert find_phone(split_lines(text), header_end=5) is None


def test_normalise_phone_uses_region_named_in_header():
    assert normalise_phone("030 1234567", "DE") == "+49 30 1234567"


def test_find_links_classifies_profiles():
    text = (
        "Homepage: https://example.org/~me\n"
        "https://github.com/someone | github.com/someone/repo\n"
        "https://www.linkedin.com/in/some-one | ORCID 0000-0002-1825-0097\n"
    )
    links, evidence = find_links(split_lines(text), header_end=3)
    assert links == {
        "other": ["https://github.com/someone/repo"],
        "homepage": "https://example.org/~me",
        "github": "https://github.com/someone",
        "linkedin": "https://www.linkedin.com/in/some-one",
        "orcid": "https://orcid.org/0000-0002-1825-0097",
    }
    assert evidence["github"] == {
        "line": 2,
        "text": "https://github.com/someone | github.com/someone/repo",
    }


@pytest.mark.parametrize(
    ("text", "emails", "name", "given"),
    [
        ("Wen Kaiyue\nkaiyuewen3@example.com", ["kaiyuewen3@example.com"], "Kaiyue Wen", "Kaiyue"),
        ("Lin Yuhang\nyuhang.lin@example.com", ["yuhang.lin@example.com"], "Yuhang Lin", "Yuhang"),
        ("Hans Müller", [], "Hans Müller", "Hans"),
        ("MÜLLER Hans", [], "Hans Müller", "Hans"),
        ("Prof. Dr. Ludwig van Beethoven", [], "Ludwig van Beethoven", "Ludwig"),
        ("Jane Doe | Curriculum Vitae", [], "Jane Doe", "Jane"),
        ("Curriculum Vitae\n\nEducation\nJane Doe", [], None, None),
        ("Name: Maria García", [], "Maria García", "Maria"),
        ("王小明 (Xiaoming Wang)", [], "Xiaoming Wang", "Xiaoming"),
        ("Nguyễn Văn An", [], "Văn An Nguyễn", "Văn An"),
        ("Ludwig van Beethoven", [], "Ludwig van Beethoven", "Ludwig"),
        ("Jo Ma", [], "Jo Ma", "Jo"),
        ("Alex Kim (they/them)", [], "Alex Kim", "Alex"),
    ],
)
def test_find_name_orders_and_cleans_names(text, emails, name, given):
    lines = split_lines(text)
    headings = find_headings(lines)
    header_end = min([i for i, h in headings.items() if h.kind != "title"], default=len(lines))
    found = find_name(lines, header_end, emails)
    assert (found.name if found else None, found.given if found else None) == (name, given)


def test_find_name_never_takes_address_or_heading():
    lines = split_lines("RESUME\nBeijing, China\nTsinghua University\nAssistant Professor\n")
    assert find_name(lines, 4, []) is None


def test_best_institution_prefers_university_over_department():
    text = "Department of Physics, School of Science, Example University"
    assert best_institution(text) == (3.0, "Example University")


def test_best_institution_keeps_campus_of_state_systems():
    assert best_institution("University of California, Berkeley, PhD")[1] == (
        "University of California, Berkeley"
    )


def test_split_items_numbered_with_sub_bullets():
    text = "x\n- note\n- 2. First paper.\n  - Venue A, 2020.\n- 1. Second paper, 2019.\n"
    lines = split_lines(text)
    items = split_items(lines, 1, len(lines))
    assert [[line.no for line in item] for item in items] == [[3, 4], [5]]


def test_split_items_paragraphs():
    lines = split_lines("A. One. Title one. Venue, 2020.\n\nB. Two. Title two.\nVenue, 2019.\n")
    assert [[line.no for line in item] for item in split_items(lines, 0, len(lines))] == [
        [1],
        [3, 4],
    ]


@pytest.mark.parametrize(
    ("md", "expected"),
    [
        (
            "**A. Author**, B. Author. *A Title About Things*. Venue, 2020.",
            {
                "title": "A Title About Things",
                "authors": ["A. Author", "B. Author"],
                "venue": "Venue, 2020",
                "year": 2020,
            },
        ),
        (
            "Ann Lee, Bo Chen, How Models Learn?, under review of ICLR 2023",
            {
                "title": "How Models Learn?",
                "authors": ["Ann Lee", "Bo Chen"],
                "venue": "under review of ICLR 2023",
                "year": 2023,
            },
        ),
        (
            "Smith, J., & Doe, A. (2021). Deep things. Journal of Stuff, 3.",
            {
                "title": "Deep things",
                "authors": ["Smith, J.", "Doe, A."],
                "venue": "Journal of Stuff, 3",
                "year": 2021,
            },
        ),
        (
            'J. Doe and K. Roe, "Fast solvers for graphs," in Proc. X, 2020.',
            {
                "title": "Fast solvers for graphs",
                "authors": ["J. Doe", "K. Roe"],
                "venue": "in Proc. X, 2020",
                "year": 2020,
            },
        ),
        (
            "Mingze Wang et al., A Framework for Training. (In preparation)",
            {
                "title": "A Framework for Training",
                "authors": ["Mingze Wang"],
                "venue": "(In preparation)",
                "year": None,
            },
        ),
    ],
)
def test_parse_item_reads_reference_styles(md, expected):
    assert parse_item(md) == expected


def test_merge_publications_dedupes_fuzzy_titles_keeping_richer():
    first = [
        {"title": "On Transferability of Prompt Tuning", "authors": [], "venue": "", "year": 2021},
        {"title": "Only Here", "authors": ["A"], "venue": "V", "year": 2020},
    ]
    second = [
        {
            "title": "On transferability of prompt-tuning.",
            "authors": ["A", "B"],
            "venue": "NAACL",
            "year": 2022,
        },
        {"title": "Another Paper", "authors": [], "venue": "", "year": None},
    ]
    merged = merge_publications([first, second])
    assert [item["title"] for item in merged] == [
        "On transferability of prompt-tuning.",
        "Only Here",
        "Another Paper",
    ]


def test_merge_publications_keeps_distinct_titles():
    items = [
        {"title": "Finding Skill Neurons via Prompt Tuning"},
        {"title": "Finding Skill Neurons in Language Models"},
    ]
    assert len(merge_publications([items[:1], items[1:]])) == 2


def test_merge_publications_keeps_numbered_parts_apart():
    parts = [
        [{"title": "Learning Theory of Deep Networks, Part I"}],
        [{"title": "Learning Theory of Deep Networks, Part II"}],
    ]
    assert len(merge_publications(parts)) == 2


def _top_level_alternatives(pattern: str) -> list[str]:
    """The alternatives of a regex source at its top level (not inside parentheses)."""
    parts, depth, start, escaped = [], 0, 0, False
    for at, char in enumerate(pattern):
        if escaped:
            escaped = False
        elif char == "\\":
            escaped = True
        elif char in "([":
            depth += 1
        elif char in ")]":
            depth -= 1
        elif char == "|" and depth == 0:
            parts.append(pattern[start:at])
            start = at + 1
    return [*parts, pattern[start:]]


def test_every_degree_pattern_starts_with_a_letter_the_fast_search_looks_for():
    """degrees._ANY_RE only tries positions starting with one of _INITIALS: a new pattern
    starting with another letter (or a class, a group) must extend _INITIALS, or it is never
    found."""
    from reviewapp.importing.degrees import _INITIALS, _PATTERNS

    for _form, pattern, _flags in _PATTERNS:
        for alternative in _top_level_alternatives(pattern):
            assert alternative[:1].lower() in _INITIALS, (pattern, alternative)
