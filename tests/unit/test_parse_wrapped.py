"""Hard-wrapped publication lists without numbers or bullets: entries spanning 2-4 lines."""

import pytest

from reviewapp.importing.parse import parse_cv
from reviewapp.importing.parse_text import split_lines
from reviewapp.importing.parse_wrapped import split_wrapped
from reviewapp.importing.publications import author_start

pytestmark = pytest.mark.unit

HEAD = "Maria Keller\nmaria.keller@example.org\n\n"
TAIL = "\nEducation\nPhD in Statistics, University of Bonn, 2016 - 2020\n"


def _titles(text: str) -> list[str]:
    profile = parse_cv(HEAD + text + TAIL)
    items = profile.publications["items"]
    assert profile.publications["count"] == len(items)
    return [item["title"] for item in items]


def test_wrapped_initials_first_entries_split_at_year_endings():
    text = """Publications
J. Novak, T. Berg, and P. Holm. Sparse coding of auditory
scenes in songbirds. Journal of Neural Systems, 12(3):45-67,
2021.
P. Holm and J. Novak. A second paper about the dynamics of
recurrent circuits under noise. In Proceedings of the Annual
Meeting, pages 1-9, 2020.
J. Novak. Third title on cortical maps and their plasticity.
Neural Letters, 2019.
T. Berg, J. Novak. Fourth title: memory traces in zebra finches. Preprint, 2021.
"""
    assert _titles(text) == [
        "Sparse coding of auditory scenes in songbirds",
        "A second paper about the dynamics of recurrent circuits under noise",
        "Third title on cortical maps and their plasticity",
        "Fourth title: memory traces in zebra finches",
    ]


def test_wrapped_hanging_indent_entries_split_at_outer_lines():
    text = """Publications
Keller, M., & Braun, T. (2021). Priors for sparse survey data: a
    Bayesian view. Journal of Applied Statistics, 48(2), 112-130.
Braun, T., Keller, M., & Roth, A. (2019). Hierarchical models of voter
    turnout in federal elections. Annals of Data Science, 7, 1-22.
"""
    assert _titles(text) == [
        "Priors for sparse survey data: a Bayesian view",
        "Hierarchical models of voter turnout in federal elections",
    ]


def test_wrapped_apa_entries_without_indent_split_at_author_starts():
    text = """Selected Publications
Keller, M., & Braun, T. (2021). Priors for sparse survey data: a
Bayesian view. Journal of Applied Statistics, 48(2), 112-130.
Braun, T., Keller, M., & Roth, A. (2019). Hierarchical models of voter
turnout in federal elections. Annals of Data Science, 7, 1-22.
Roth, A. and Keller, M. (2018). Small area estimation with
missing covariates. Survey Methodology, 44, 9-30.
"""
    assert _titles(text) == [
        "Priors for sparse survey data: a Bayesian view",
        "Hierarchical models of voter turnout in federal elections",
        "Small area estimation with missing covariates",
    ]


def test_wrapped_entries_between_blank_lines_stay_whole():
    text = """Publikationen

M. Keller, T. Braun: Priors for sparse survey data. Journal of
Applied Statistics 48 (2021), S. 112-130.

T. Braun, M. Keller, A. Roth: Hierarchical models of voter
turnout. Annals of Data Science 7 (2019).
"""
    assert _titles(text) == [
        "Priors for sparse survey data",
        "Hierarchical models of voter turnout",
    ]


def test_wrapped_french_list_with_family_name_first_authors():
    text = """Publications sélectionnées
Keller M., Braun T. Modèles hiérarchiques pour la participation
électorale. Revue de Statistique Appliquée, 2020.
Braun T., Keller M. Estimation sur petits domaines avec covariables
manquantes. Journal de la Société Française de Statistique, 2018.
"""
    assert _titles(text) == [
        "Modèles hiérarchiques pour la participation électorale",
        "Estimation sur petits domaines avec covariables manquantes",
    ]


def test_wrapped_hyphenated_line_break_joins_the_word():
    text = """Publications
M. Keller and T. Braun. Priors for sparse survey data in small-area esti-
mation. Journal of Applied Statistics, 2021.
T. Braun. Hierarchical models of voter turnout. Annals of Data Science, 2019.
"""
    assert _titles(text) == [
        "Priors for sparse survey data in small-area estimation",
        "Hierarchical models of voter turnout",
    ]


def test_one_entry_per_line_list_keeps_one_item_per_line():
    text = """Publications
M. Keller, T. Braun. Priors for sparse survey data. JASA, 2021.
T. Braun, M. Keller. Hierarchical models of voter turnout. Annals, 2019.
M. Keller. Small area estimation with missing covariates. Survey Methodology, 2018.
"""
    assert _titles(text) == [
        "Priors for sparse survey data",
        "Hierarchical models of voter turnout",
        "Small area estimation with missing covariates",
    ]


def test_split_wrapped_per_line_list_without_signs_of_wrapping_is_unchanged():
    lines = split_lines("Alpha Study of Things\nBeta Study of Others\nGamma Study of Rest")
    assert split_wrapped(lines, author_start, whole=False) == [[line] for line in lines]


def test_split_wrapped_paragraph_that_is_one_entry_stays_one():
    lines = split_lines("M. Keller. Priors for sparse\nsurvey data. JASA, 2021.")
    assert split_wrapped(lines, author_start, whole=True) == [lines]


def test_split_wrapped_paragraph_of_two_dated_entries_is_cut():
    lines = split_lines(
        "M. Keller. Priors for sparse\nsurvey data. JASA, 2021.\n"
        "T. Braun, M. Keller. Voter\nturnout models. Annals, 2019."
    )
    assert split_wrapped(lines, author_start, whole=True) == [lines[:2], lines[2:]]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("J. Novak, T. Berg, and P. Holm. Sparse coding", True),
        ("Novak, J. (2021). A title", True),
        ("Keller M., Braun T. Modèles hiérarchiques", True),
        ("Neural Letters, 2019.", False),
        ("In Proceedings of the Annual Meeting", False),
        ("scenes in songbirds. Journal", False),
        ("Deep Learning for Graphs. Journal", False),
    ],
)
def test_author_start_recognises_author_lists_only(text, expected):
    assert author_start(text) is expected


def test_wrapped_entries_ending_in_pages_split_at_next_author_list():
    text = """Publikationen
Weber K, Schulz M, Braun T (2022) Regulation of root growth by auxin
transport. Plant Cell 34:1123–1140
Weber K, Braun T (2020) A screen for drought tolerance genes in
Arabidopsis. New Phytologist 228:45–60
"""
    assert _titles(text) == [
        "Regulation of root growth by auxin transport",
        "A screen for drought tolerance genes in Arabidopsis",
    ]


def test_wrapped_apa_venue_line_stays_with_its_entry_and_spanish_y_joins_authors():
    text = """Publicaciones
Moreno, J. y García, L. (2023). Desigualdad regional y política fiscal.
Revista de Economía Aplicada, 31(2), 45–70.
Moreno, J. (2022). Migración interna en España. Papeles de Economía, 12, 1–20.
"""
    items = parse_cv(HEAD + text).publications["items"]
    assert [(i["title"], i["authors"], i["venue"]) for i in items] == [
        (
            "Desigualdad regional y política fiscal",
            ["Moreno, J.", "García, L."],
            "Revista de Economía Aplicada, 31(2), 45–70",
        ),
        ("Migración interna en España", ["Moreno, J."], "Papeles de Economía, 12, 1–20"),
    ]


@pytest.mark.parametrize(
    ("line", "authors"),
    [
        ("Keller, M. und Braun, T. (2021). Ein Titel über Daten. Zeitschrift, 2021.", 2),
        ("M. Keller et T. Braun. Un titre sur les données. Revue, 2021.", 2),
        ("M. Keller et al. A title about data. Journal, 2021.", 1),
    ],
)
def test_author_list_conjunctions_in_other_languages(line, authors):
    items = parse_cv(HEAD + "Publications\n1. " + line + "\n").publications["items"]
    assert len(items) == 1 and len(items[0]["authors"]) == authors


def test_title_first_entries_keep_the_author_line_that_follows():
    text = """Publications
Sparse coding of auditory scenes in songbirds.
J. Novak, T. Berg. Journal of Neural Systems, 2021.
A second paper about the dynamics of recurrent circuits.
P. Holm, J. Novak. Proceedings of the Annual Meeting, 2020.
"""
    items = parse_cv(HEAD + text).publications["items"]
    assert [(i["title"], i["authors"], i["venue"], i["year"]) for i in items] == [
        (
            "Sparse coding of auditory scenes in songbirds",
            ["J. Novak", "T. Berg"],
            "Journal of Neural Systems, 2021",
            2021,
        ),
        (
            "A second paper about the dynamics of recurrent circuits",
            ["P. Holm", "J. Novak"],
            "Proceedings of the Annual Meeting, 2020",
            2020,
        ),
    ]


def test_status_subheadings_inside_a_wrapped_list_start_new_groups():
    text = """Publications
J. Doe, A. Roe. A first paper on wrapped
entries. Journal of Things, 2021.
Under review
J. Doe. A second paper that is still being
reviewed somewhere. Preprint, 2024.
In preparation:
J. Doe, B. Poe. A third paper about
preparation. Manuscript, 2025.
"""
    assert _titles(text) == [
        "A first paper on wrapped entries",
        "A second paper that is still being reviewed somewhere",
        "A third paper about preparation",
    ]


def test_awards_plainly_continued_lines_are_joined_others_stay_apart():
    text = """Awards
Best Paper Award, International Conference on
Machine Learning, 2020
Dean's List
Phi Beta Kappa
Fellowship of the German Academic Scholarship Foundation (Studienstiftung des
deutschen Volkes), 2012-2016
2011 Deutschlandstipendium
"""
    assert parse_cv(HEAD + text).awards == [
        "Best Paper Award, International Conference on Machine Learning, 2020",
        "Dean's List",
        "Phi Beta Kappa",
        "Fellowship of the German Academic Scholarship Foundation (Studienstiftung des "
        "deutschen Volkes), 2012-2016",
        "2011 Deutschlandstipendium",
    ]
