"""Section headings, found generically: vocabulary in several languages plus heading form.

A line is a heading when every word of it is heading vocabulary ("Selected Awards & Honours",
"Publications et communications", "Berufserfahrung") and it is short. Heading-looking lines with
other words ("OPEN SOURCE") end a section only when they share the form (markdown level, capitals,
bold, colon) of a recognised heading in the same text, so entry titles set as headings do not.
"""

import re
from dataclasses import dataclass

from reviewapp.importing.parse_orgs import institution_rank
from reviewapp.importing.parse_text import Line, cells, wordset
from reviewapp.textutil import fold

# kind -> words that name it; the first such word in a heading decides its kind.
_KIND_WORDS = {
    "education": "education educational ausbildung bildungsweg bildung studium studies study "
    "formation formacion educacion istruzione formazione qualifications degrees schooling "
    "scolarite cursus estudios titulaciones",
    "experience": "experience experiences employment work positions position appointments "
    "appointment career berufserfahrung berufliche beruflicher werdegang taetigkeiten "
    "tatigkeiten erfahrung experiencia experiencias esperienza esperienze lavorative empleo "
    "postes parcours trayectoria jobs internships internship history",
    "publications": "publications publication papers paper preprints preprint articles article "
    "proceedings manuscripts workshop chapter book patent publikationen veroffentlichungen "
    "veroeffentlichungen publicaciones pubblicazioni communications bibliography chapters "
    "books journals journal conferences conference workshops patents theses thesis dissertation",
    "awards": "awards award honors honours honor honour prizes prize scholarships scholarship "
    "fellowships fellowship distinctions achievements recognition recognitions preise "
    "auszeichnungen stipendien ehrungen prix bourses premios becas reconocimientos premi "
    "riconoscimenti borse",
    "grants": "grants grant funding drittmittel financements financiacion finanziamenti",
    "teaching": "teaching lehre lehrtatigkeit lehrtaetigkeit enseignement enseignements "
    "docencia didattica tutoring",
    "talks": "talks talk presentations presentation invited vortrage vortraege ponencias "
    "seminars lectures",
    "service": "service services reviewing reviewer memberships membership affiliations "
    "committees outreach leadership volunteer volunteering engagement gutachtertatigkeit",
    "skills": "skills skill competences competencies kenntnisse fahigkeiten faehigkeiten "
    "competencias competenze tools technologies software programming",
    "languages": "languages sprachen langues idiomas lingue sprachkenntnisse",
    "projects": "projects project projekte projets proyectos progetti",
    "supervision": "supervision mentoring betreuung encadrement students",
    "references": "references referees referenzen references referencias referenze",
    "personal": "personal contact persoenliche personliche angaben daten coordonnees "
    "datos personales informations information details",
    "summary": "summary profile about bio biography objective overview kurzprofil profil "
    "perfil statement",
    "research": "research interests forschung forschungsinteressen forschungsschwerpunkte "
    "recherche investigacion ricerca",
    "other": "others other miscellaneous misc additional hobbies activities extracurricular "
    "sonstiges divers varios altro",
    "title": "curriculum vitae cv resume lebenslauf",
}
KIND_BY_WORD = {word: kind for kind, words in _KIND_WORDS.items() for word in words.split()}
_WEAK = {
    "research",
    "interests",
    "information",
    "details",
    "work",
    "study",
    "students",
    "tools",
    "software",
    "statement",
    "history",
    "journal",
    "journals",
    "conference",
    "conferences",
    "activities",
    "professional",
    "project",
    "position",
}
_FILLER = wordset(
    "and & of the a an in on for with to my selected select recent list full complete other "
    "additional und et y e de des du la le les del di della der die das en el los las al "
    "academic academique academica academico akademische akademischer scientific "
    "wissenschaftliche wissenschaftlicher scientifique professional professionnelle "
    "professionnel profesional professionale key major main relevant international national "
    "peer reviewed refereed sonstige weitere autres otras altre held background record "
    "training highlights industry industrial technical computer invited chosen main some "
    "short brief long honorary selezionate ausgewahlte choisies seleccionadas and/or continued "
    "cont d year years relevantes pertinentes current previous prior past ongoing "
    "undergraduate graduate postgraduate doctoral teaching research"
)
_WORD_RE = re.compile(r"[^\W\d_]+")
_SMALL_CAPS_RE = re.compile(r"\b([A-Z]) ([A-Z]{2,})\b")
_NUMBERING_RE = re.compile(r"^(?:\d{1,2}|[IVX]{1,4}|[A-H])[.)]\s+")


@dataclass(frozen=True, slots=True)
class Heading:
    """A recognised section heading."""

    kind: str  # one of the _KIND_WORDS keys, or "unknown"
    title: str
    form: tuple  # (markdown level, all capitals, bold line, ends with colon)


@dataclass(frozen=True, slots=True)
class Section:
    """A run of lines under one heading: lines[start:end] of the whole text."""

    kind: str
    title: str
    heading_index: int | None
    start: int
    end: int


def _heading_text(line: Line) -> str:
    text = line.text.strip()
    if _SMALL_CAPS_RE.search(text) and not any(ch.islower() for ch in text):
        text = _SMALL_CAPS_RE.sub(r"\1\2", text)
    text = _NUMBERING_RE.sub("", text)
    return text.rstrip(":：").strip()


def _form(line: Line, text: str) -> tuple:
    letters = [ch for ch in text if ch.isalpha()]
    caps = bool(letters) and all(ch.isupper() for ch in letters)
    md = line.md.strip()
    bold = md.startswith(("**", "__")) and md.rstrip(":").endswith(("**", "__"))
    return (line.heading, caps, bold, line.text.rstrip().endswith((":", "：")))


def classify_heading(words: list[str]) -> str | None:
    """The section kind named by a heading's folded words, or None when any word is foreign."""
    kinds = []
    for word in words:
        kind = KIND_BY_WORD.get(word)
        if kind is None:
            if word not in _FILLER:
                return None
            continue
        kinds.append((word in _WEAK, kind))
    if not kinds:
        return "research" if "research" in words else None
    strong = [kind for weak, kind in kinds if not weak]
    return strong[0] if strong else kinds[0][1]


def heading_of(line: Line) -> Heading | None:
    """The heading a line is, known vocabulary only; None for content lines."""
    text = _heading_text(line)
    if not text or len(text) > 60 or any(ch.isdigit() for ch in text) or "@" in text:
        if line.text and "\t" in line.raw:
            return _first_cell_heading(line)
        return None
    words = _WORD_RE.findall(fold(text))
    if not words or len(words) > 7:
        return None
    kind = classify_heading(words)
    if kind is None:
        return _first_cell_heading(line) if "\t" in line.raw else None
    if len(words) > 1 and text[0].islower():
        return None
    return Heading(kind, text, _form(line, text))


def _first_cell_heading(line: Line) -> Heading | None:
    """Two-column layouts: "EDUCATION<tab>SKILLS" heads the left column's section."""
    parts = cells(line)
    if len(parts) < 2:
        return None
    kinds = []
    for part in parts:
        text = _heading_text(Line(line.no, part, part, part, part, 0, "", 0))
        words = _WORD_RE.findall(fold(text))
        kind = classify_heading(words) if 0 < len(words) <= 5 else None
        if kind is None or any(ch.isdigit() for ch in text):
            return None
        kinds.append((kind, text))
    kind, text = kinds[0]
    return Heading(kind, text, _form(line, text))


def _unknown_heading(line: Line, forms: set) -> Heading | None:
    text = _heading_text(line)
    if not text or len(text) > 40 or any(ch.isdigit() for ch in text):
        return None
    if any(ch in text for ch in ",;|@()/") or text.endswith("."):
        return None
    words = text.split()
    if len(words) > 5 or institution_rank(text) > 0:
        return None
    form = _form(line, text)
    if form not in forms or not (form[0] or form[1] or form[2]):
        return None
    return Heading("unknown", text, form)


def find_headings(lines: list[Line]) -> dict[int, Heading]:
    """Index of every heading line -> its Heading."""
    known = {}
    for i, line in enumerate(lines):
        if line.text and len(line.text) <= 120:
            heading = heading_of(line)
            if heading:
                known[i] = heading
    forms = {h.form for h in known.values() if h.kind != "title"}
    if forms:
        for i, line in enumerate(lines):
            if i not in known and line.text and len(line.text) <= 40:
                heading = _unknown_heading(line, forms)
                if heading:
                    known[i] = heading
    return known


def split_sections(lines: list[Line], headings: dict[int, Heading] | None = None) -> list[Section]:
    """Sections in order; text before the first heading is the "header" section."""
    if headings is None:
        headings = find_headings(lines)
    sections = []
    starts = sorted(headings)
    first = starts[0] if starts else len(lines)
    sections.append(Section("header", "", None, 0, first))
    for n, index in enumerate(starts):
        end = starts[n + 1] if n + 1 < len(starts) else len(lines)
        heading = headings[index]
        sections.append(Section(heading.kind, heading.title, index, index + 1, end))
    return sections


def sections_of(sections: list[Section], kind: str) -> list[Section]:
    """All sections of one kind (a kind may occur several times, e.g. in two columns)."""
    return [section for section in sections if section.kind == kind]
