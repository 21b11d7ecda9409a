"""Generated CVs: random names, heading languages, date styles, degree forms and publication
layouts (numbered, bulleted, one per line, hard-wrapped); every field the generator wrote must
come back."""

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from reviewapp.importing.parse import parse_cv
from reviewapp.textutil import fold

pytestmark = pytest.mark.unit

GIVEN = ["Anna", "Jörg", "Łucja", "María José", "Océane", "Rahul", "Ingrid", "Tomás", "Chiara"]
FAMILY = ["Berg", "Müller", "Wiśniewska", "Fernández", "Dubois", "Sharma", "Nilsen", "Costa"]
HEADINGS = {
    "en": ("Education", "Publications", "Experience"),
    "de": ("Ausbildung", "Publikationen", "Berufserfahrung"),
    "fr": ("Formation", "Publications sélectionnées", "Expérience professionnelle"),
    "es": ("Formación académica", "Publicaciones", "Experiencia profesional"),
    "it": ("Istruzione e formazione", "Pubblicazioni", "Esperienza lavorativa"),
}
DEGREES = [
    ("PhD in Physics", "PhD"),
    ("Dr. rer. nat. in Chemie", "PhD"),
    ("Doctorat en informatique", "PhD"),
    ("Doctorado en Economía", "PhD"),
    ("M.Sc. in Mathematics", "MSc"),
    ("Laurea magistrale in Fisica", "MSc"),
    ("Dipl.-Ing. Maschinenbau", "MEng"),
    ("B.Sc. in Biology", "BSc"),
    ("Licence de physique", "BSc"),
]
INSTITUTIONS = [
    "University of Bergen",
    "Universität Heidelberg",
    "Université de Lille",
    "Universidad de Sevilla",
    "Politecnico di Torino",
    "Technical University of Denmark",
]
SPANS = ["{a} – {b}", "{a}-{b}", "09/{a} – 06/{b}", "Sept. {a} – June {b}", "{a}.09–{b}.06"]
TITLES = [
    "Sparse priors for hierarchical survey models",
    "Quantum transport in disordered nanoribbons",
    "Graph sparsification in nearly linear time",
    "Causal queries over probabilistic programs",
    "Drought tolerance genes in a model plant",
]


def _reference(n: int, title: str, style: str) -> list[str]:
    authors = "A. Berg, T. Roe" if n % 2 else "A. Berg"
    year = 2023 - n
    if style.startswith("apa"):
        apa = "Berg, A., & Roe, T." if n % 2 else "Berg, A."
        if style == "apa":
            return [f"{apa} ({year}). {title}. Journal of Studies, 12(3), 45–67."]
        head, tail = title.rsplit(" ", 2)[0], " ".join(title.rsplit(" ", 2)[1:])
        return [f"{apa} ({year}). {head}", f"{tail}. Journal of Studies, 12(3), 45–67."]
    if style == "wrapped":
        head, tail = title.rsplit(" ", 2)[0], " ".join(title.rsplit(" ", 2)[1:])
        return [f"{authors}. {head}", f"{tail}. Journal of Studies, {year}."]
    line = f"{authors}. {title}. Journal of Studies, {year}."
    if style == "numbered":
        return [f"[{n + 1}] {line}"]
    if style == "bulleted":
        return [f"- {line}"]
    return [line]


@st.composite
def generated_cv(draw):
    given = draw(st.sampled_from(GIVEN))
    family = draw(st.sampled_from(FAMILY))
    lang = draw(st.sampled_from(sorted(HEADINGS)))
    education_heading, publications_heading, experience_heading = HEADINGS[lang]
    degrees = draw(st.lists(st.sampled_from(DEGREES), min_size=1, max_size=3, unique=True))
    span = draw(st.sampled_from(SPANS))
    titles = draw(st.lists(st.sampled_from(TITLES), min_size=1, max_size=5, unique=True))
    style = draw(st.sampled_from(["numbered", "bulleted", "plain", "wrapped", "apa", "apa-wrap"]))
    caps = draw(st.booleans())
    written_name = draw(
        st.sampled_from([f"{given} {family}", f"{family.upper()} {given}", f"{family}, {given}"])
    )
    layout = draw(st.sampled_from(["one-line", "dates-first", "two-lines"]))
    email = f"{fold(given.split()[0])}.{fold(family).lower()}@example.org"
    opening = draw(st.sampled_from(["name-first", "title-first", "sidebar-first"]))
    if opening == "sidebar-first":  # a left sidebar read before the main column
        lines = ["Skills", "Python, R", "", "Contact", email, "", written_name, ""]
    else:
        lines = ["Curriculum Vitae"] if opening == "title-first" else []
        lines += [written_name, email, ""]
    lines += [education_heading.upper() if caps else education_heading]
    for n, (written, _) in enumerate(degrees):
        when = span.format(a=2010 - 3 * n, b=2013 - 3 * n)
        institution = draw(st.sampled_from(INSTITUTIONS))
        if layout == "one-line":
            lines.append(f"{written}, {institution}, {when}")
        elif layout == "dates-first":
            lines.append(f"{when}   {written}, {institution}")
        else:
            lines += [f"{written}", f"{institution}, {when}"]
    lines += ["", experience_heading, "2021 – present  Researcher, University of Bergen", ""]
    lines += [publications_heading.upper() if caps else publications_heading]
    for n, title in enumerate(titles):
        lines += _reference(n, title, style)
    text = "\n".join(lines) + "\n"
    return text, f"{given} {family}", [form for _, form in degrees], titles


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(case=generated_cv())
def test_generated_cv_fields_come_back(case):
    text, name, degrees, titles = case
    profile = parse_cv(text)
    assert profile.name == name, text
    assert len(profile.emails) == 1, text
    assert [entry["degree"] for entry in profile.education] == degrees, text
    assert all(entry["institution"] and entry["start"] for entry in profile.education), text
    assert [item["title"] for item in profile.publications["items"]] == titles, text
    assert profile.current_position == {
        "title": "Researcher",
        "institution": "University of Bergen",
    }
