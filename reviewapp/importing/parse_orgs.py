"""Institutions and job titles inside CV lines, by keyword (no list of named institutions).

Rank 3: a university or equivalent; 2: an institute, college, academy; 1: a school;
0.5: a department, faculty, lab or centre (only used when nothing better is on hand).
"""

import re

from reviewapp.importing.dates import find_dates
from reviewapp.importing.parse_text import wordset
from reviewapp.textutil import fold, squash_spaces

_RANKED = (
    (
        3.0,
        r"universit\w*|univ\.|institute of technology|polytechnic\w*|politecnico|polytechnique|"
        r"hochschule|technion|école normale|ecole normale|école centrale|grande école|"
        r"universidad\w*|universidade|uniwersytet|egyetem|yliopisto|daigaku",
    ),
    (
        2.0,
        r"institut\w*|istituto|college|collège|academy|akademie|académie|academia|conservatoire|"
        r"conservatory|école|ecole|escuela|scuola|seminary|max planck|fraunhofer|cnrs|inria|"
        r"national laborator\w*|research cent(?:er|re)",
    ),
    (1.0, r"school|schule|faculté|facultad|facoltà"),
    (
        0.5,
        r"department|dept\.|fakultät|faculty|laborator\w*|lab\b|cent(?:er|re)|centro|"
        r"zentrum|departamento|dipartimento|division",
    ),
)
_RANK_RES = [
    (rank, re.compile(rf"(?<![^\W_])(?:{pattern})", re.IGNORECASE)) for rank, pattern in _RANKED
]
# CJK names end in their keyword ("清华大学", "中国科学院"): no word boundary to look for.
_CJK_RANKED = (
    (3.0, re.compile(r"大学|大學|대학교|대학원")),
    (2.0, re.compile(r"学院|學院|研究院|研究所|科学院|科學院|연구소|연구원")),
)
# Short names that stand for universities without any keyword.
_ACRONYMS = re.compile(
    r"\b(?:MIT|ETH(?: Z[uü]rich)?|EPFL|Caltech|KAIST|UCLA|UCL|CMU|NYU|UIUC|UCSD|KTH|TUM|LMU|"
    r"RWTH(?: Aachen)?|KIT|IIT \w+|IISc|HKUST|NTU|NUS|UC \w+|UT \w+|TU \w+)\b"
)
_SPLIT_RE = re.compile(r"\s*(?:[,;|•·\t，；、]|\s-\s|\s–\s|\s—\s| {2,}|\(|\))\s*")
_AT_RE = re.compile(r"(?:^|\s)(?:at|@|bei|à|au|en|presso)\s+", re.IGNORECASE)
_STATES = wordset(
    "alabama alaska arizona arkansas california colorado connecticut delaware florida georgia "
    "hawaii idaho illinois indiana iowa kansas kentucky louisiana maine maryland massachusetts "
    "michigan minnesota mississippi missouri montana nebraska nevada new hampshire jersey mexico "
    "york carolina dakota ohio oklahoma oregon pennsylvania rhode island tennessee texas utah "
    "vermont virginia washington wisconsin wyoming"
)
# (the lookahead: every mark starts with "*" or "_", a cheap test before the alternatives)
_EMPHASIS_MARK_RE = re.compile(r"(?=[*_])(?:\*\*|__|(?<![\w*])\*(?=\S)|(?<=\S)\*(?![\w*]))")
_EMPHASIS_SPAN_RE = re.compile(r"\*\*(.+?)\*\*|(?<!\*)\*(?!\*)(.+?)(?<!\*)\*(?!\*)")

_TITLE_CORE = (
    r"(?:(?:full|associate|assistant|adjunct|visiting|research|senior|junior|principal|staff|"
    r"lead|tenure[- ]track|teaching|honorary|distinguished|postdoctoral|graduate|"
    r"undergraduate|doctoral|chair|W[123]|university|titular|data|applied|software|machine "
    r"learning|ml|ai|clinical|computational|quantitative|chief|systems|hardware|"
    r"research and development)\s+)*"
    r"(?:investigador[a]? (?:postdoctoral|posdoctoral|predoctoral)|"
    r"professor(?:in)?|lecturer|reader|post-?docs?|postdoctoral (?:researcher|fellow|scholar|"
    r"associate|research (?:fellow|associate|scientist))|scientist|engineer|researcher|fellow|"
    r"group leader|team lead(?:er)?|director|head of [\w ]{3,40}?|"
    r"research (?:assistant|associate)|teaching assistant|instructor|analyst|consultant|"
    r"developer|intern|dozent(?:in)?|privatdozent(?:in)?|juniorprofessor(?:in)?|"
    r"wissenschaftliche[rs]? mitarbeiter(?:in)?|maître de conférences|maitre de conferences|"
    r"chargée? de recherche|directeur de recherche|professeure?|profesora?|investigador[a]?|"
    r"ricercat(?:ore|rice)|professore(?:ssa)?|ph\.?\s?d\.?\s?(?:student|candidate|researcher)|"
    r"doctoral (?:student|candidate|researcher)|doktorand(?:in)?|doctorante?|"
    r"post-?doctorante?|postdoktorand(?:in)?|akademische[rs]? (?:rat|rätin|oberrat)|"
    r"assegnista di ricerca|dottorand[oa]|professore (?:associato|ordinario)|"
    r"ingénieure? de recherche|catedrátic[oa]|profesor(?:a)? (?:titular|asociad[oa])|"
    r"manager|architect)"
)
TITLE_RE = re.compile(rf"(?<![^\W_]){_TITLE_CORE}(?![^\W_])", re.IGNORECASE)
# CJK titles are found without word boundaries; longer forms first.
CJK_TITLE_RE = re.compile(
    r"博士后研究员|博士後研究員|博士后|博士後|特任教授|助理教授|副教授|准教授|教授|讲师|講師|"
    r"助理研究员|副研究员|研究员|研究員|工程师|工程師|研究科学家|연구원|조교수|부교수|교수"
)


def institution_rank(text: str) -> float:
    """How strongly a text names an institution (0 when it does not)."""
    best = 3.0 if _ACRONYMS.search(text) else 0.0
    for rank, regex in _RANK_RES:
        if rank > best and regex.search(text):
            best = rank
    if not text.isascii():
        for rank, regex in _CJK_RANKED:
            if rank > best and regex.search(text):
                best = rank
    return best


def _trim(segment: str) -> str:
    segment = squash_spaces(segment.replace("*", " ").replace("_", " "))
    at = list(_AT_RE.finditer(segment))
    if at:
        head = segment[: at[0].start()]
        if TITLE_RE.search(head) or head.strip().lower() in {"", "student", "studies"}:
            segment = segment[at[0].end() :]
    segment = re.sub(r"^(?:the|at|in|from)\s+", "", segment, flags=re.IGNORECASE)
    dates = find_dates(segment)
    if dates and dates[0].start > 0:
        segment = segment[: dates[0].start].rstrip(" ([,;-–—")
    return segment.strip(" .:-–,")


def _with_campus(parts: list[str], index: int) -> str:
    """'University of Texas' + 'Austin' -> 'University of Texas, Austin' (multi-campus systems)."""
    part = parts[index]
    match = re.search(r"\bof\s+([\w ]+)$", part)
    if match and index + 1 < len(parts) and fold(match.group(1)).split()[-1] in _STATES:
        nxt = parts[index + 1].strip()
        words = nxt.split()
        if (
            0 < len(words) <= 2
            and all(w[:1].isupper() for w in words)
            and not re.search(r"\d", nxt)
        ):
            return f"{part}, {nxt}"
    return part


def _has_degree(text: str) -> bool:
    from reviewapp.importing.degrees import find_degree

    return find_degree(text) is not None


def _usable_span(span: str, md: str) -> bool:
    """An emphasised span names an institution on its own (no title, year or degree in it)."""
    if institution_rank(span) < 2 or len(span) >= 0.9 * len(md.strip("* ")):
        return False
    return not (TITLE_RE.search(span) or re.search(r"\d{4}", span) or _has_degree(span))


def best_institution(text: str, md: str | None = None) -> tuple[float, str | None]:
    """The best-ranked institution segment of a line, preferring emphasised spans."""
    if md:
        for match in _EMPHASIS_SPAN_RE.finditer(md):
            span = match.group(1) or match.group(2) or ""
            if _usable_span(span, md):
                return institution_rank(span), _trim(span)
    columns = _EMPHASIS_MARK_RE.sub("", md) if md else text
    parts = [p for p in _SPLIT_RE.split(columns) if p and p.strip()]
    best, best_text = 0.0, None
    for i, part in enumerate(parts):
        rank = institution_rank(part)
        if rank > best:
            best, best_text = rank, _trim(_with_campus(parts, i))
    if best_text and len(best_text) > 120:
        best_text = best_text[:120].rsplit(" ", 1)[0]
    return best, best_text or None


def find_title(text: str) -> str | None:
    """The job title a line states ("Assistant Professor", "Wissenschaftlicher Mitarbeiter")."""
    match = TITLE_RE.search(text)
    if match is None and not text.isascii():
        match = CJK_TITLE_RE.search(text)
    return squash_spaces(match.group(0)) if match else None


def after_at(text: str) -> str | None:
    """The organisation in "Title at Organisation" forms."""
    match = _AT_RE.search(text)
    if not match:
        return None
    rest = _SPLIT_RE.split(text[match.end() :])[0]
    rest = squash_spaces(rest.replace("*", ""))
    return rest.strip(" .:-") or None
