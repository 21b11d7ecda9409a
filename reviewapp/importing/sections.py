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
    "scolarite cursus estudios titulaciones schulbildung hochschulbildung promotion",
    "experience": "experience experiences employment work positions position appointments "
    "appointment career berufserfahrung berufliche beruflicher werdegang taetigkeiten "
    "tatigkeiten erfahrung experiencia experiencias esperienza esperienze lavorative lavorativa "
    "empleo puesto puestos cargo cargos emploi emplois poste situation "
    "postes parcours trayectoria jobs internships internship history",
    "publications": "publications publication papers paper preprints preprint articles article "
    "proceedings manuscripts workshop chapter book patent publikationen veroffentlichungen "
    "veroeffentlichungen publicaciones pubblicazioni communications bibliography chapters "
    "books journals journal conferences conference workshops patents theses thesis dissertation "
    "tesis tesi",
    "awards": "awards award honors honours honor honour prizes prize scholarships scholarship "
    "fellowships fellowship distinctions achievements recognition recognitions preise "
    "auszeichnungen stipendien ehrungen prix bourses premios becas reconocimientos premi "
    "riconoscimenti borse",
    "grants": "grants grant funding drittmittel financements financiacion finanziamenti",
    "teaching": "teaching lehre lehrtatigkeit lehrtaetigkeit lehrerfahrung enseignement "
    "enseignements docente "
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
    "personal": "personal contact kontakt contacto contatti persoenliche personliche angaben "
    "daten coordonnees "
    "datos personales informations information details",
    "summary": "summary profile about bio biography objective overview kurzprofil profil "
    "perfil statement",
    "research": "research interests forschung forschungsinteressen forschungsschwerpunkte "
    "recherche investigacion ricerca",
    "other": "others other miscellaneous misc additional hobbies activities extracurricular "
    "sonstiges divers varios altro",
    "title": "curriculum vitae cv resume lebenslauf",
}
# Chinese, Japanese and Korean headings are not split into words: known terms are looked up
# in the heading text (which may join several, "获奖与荣誉").
_CJK_TERMS = {
    "education": "教育背景 教育经历 教育 学历 学歴 学位 학력 교육",
    "experience": "工作经历 工作经验 科研经历 研究经历 任职 职歴 職歴 经历 經歷 경력",
    "publications": "发表论文 论文发表 学术论文 论文 論文 出版物 著作 業績 研究業績 논문 출판",
    "awards": "获奖情况 获奖 荣誉 奖励 奖项 受賞歴 受賞 수상",
    "personal": "个人信息 基本信息 联系方式 個人情報 연락처 인적사항",
    "skills": "专业技能 技能 スキル 기술",
    "research": "研究兴趣 研究方向 研究興味 연구",
    "projects": "项目经历 科研项目 项目 프로젝트",
    "teaching": "教学经历 教学 교육경력",
    "languages": "语言 語学 언어",
}
_CJK_HEADING_RE = re.compile(r"^[\u3040-\u30ff\u3400-\u9fff\uac00-\ud7af与和及、・ （）()]{1,14}$")
CJK_KIND_BY_TERM = sorted(
    ((term, kind) for kind, terms in _CJK_TERMS.items() for term in terms.split()),
    key=lambda item: -len(item[0]),
)
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
    "cont d year years relevantes pertinentes current previous prior past ongoing present "
    "actual actuel actuelle actuelles aktuelle derzeitige derzeitig jetzige attuale "
    "selectionnees selectionnes selection seleccionados seleccionadas scelte scelti "
    "revue revues revistas riviste zeitschriften orales orale working linguistiques "
    "undergraduate graduate postgraduate doctoral teaching research"
)
_WORD_RE = re.compile(r"[^\W\d_]+")
_SMALL_CAPS_RE = re.compile(r"\b([A-Z]) ([A-Z]{2,})\b")
_NUMBERING_RE = re.compile(r"^(?:\d{1,2}|[IVX]{1,4}|[A-H])[.)]\s+")


# Status groups inside a publication list ("Under review", "In Vorbereitung"): their own
# publication sections, so the entries under them are not glued to the heading.
_STATUS_HEADING_RE = re.compile(
    r"(?i)^(?:(?:manuscripts?|papers?|articles?|preprints?|work(?:ing papers?)?)\s+)?"
    r"(?:under review|under submission|in preparation|in prep\.?|submitted|forthcoming|"
    r"in press|in revision|under revision|accepted|in vorbereitung|eingereicht|"
    r"en préparation|soumis|en preparación|enviados?)$"
)


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
    if not any(map(str.islower, text)) and _SMALL_CAPS_RE.search(text):
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


def _cjk_kind(text: str) -> str | None:
    """The kind of a CJK heading made only of known terms (longest first) and connectors, so
    "清华大学教育学院" (an institution containing 教育) is no heading."""
    if not _CJK_HEADING_RE.match(text):
        return None
    found, rest = None, text
    for term, kind in CJK_KIND_BY_TERM:
        if term in rest:
            found = found or kind
            rest = rest.replace(term, "")
    rest = re.sub(
        r"[与和及、・ （）()]|情况|背景|信息|列表|成果|概况|主要|代表性|部分|精选", "", rest
    )
    return found if found and not rest else None


def heading_of(line: Line) -> Heading | None:
    """The heading a line is, known vocabulary only; None for content lines."""
    text = _heading_text(line)
    kind = _cjk_kind(text) if text and not text.isascii() else None
    if kind or _STATUS_HEADING_RE.match(text):
        return Heading(kind or "publications", text, _form(line, text))
    if not text or len(text) > 60 or any(map(str.isdigit, text)) or "@" in text:
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
        if kind is None or any(map(str.isdigit, text)):
            return None
        kinds.append((kind, text))
    kind, text = kinds[0]
    return Heading(kind, text, _form(line, text))


def _unknown_heading(line: Line, forms: set) -> Heading | None:
    text = _heading_text(line)
    if not text or len(text) > 40 or any(map(str.isdigit, text)):
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
