"""Degree mentions and their normal forms.

Normal forms: Habilitation, PhD, MD, MBA, MEng, MSc, MS, MA, BEng, BSc, BS, BA. The rule for
science degrees follows how the degree is abbreviated where it was earned: forms written with
"Sc" (B.Sc., BSc, M.Sc., MSc) give BSc/MSc, as do continental degrees with no English
abbreviation (Diplom, Licence, Laurea, Grado, a bare "Master"/"Bachelor"); US forms
(B.S., BS, M.S., MS, and the spelled-out "Bachelor/Master of Science") give BS/MS. `level`
(doctorate, master, bachelor, habilitation) is the comparable part.
"""

import re
from dataclasses import dataclass

from reviewapp.importing.dates import find_dates
from reviewapp.importing.parse_orgs import institution_rank

LEVELS = {
    "Habilitation": "habilitation",
    "PhD": "doctorate",
    "MD": "doctorate",
    "MBA": "master",
    "MEng": "master",
    "MSc": "master",
    "MS": "master",
    "MA": "master",
    "BEng": "bachelor",
    "BSc": "bachelor",
    "BS": "bachelor",
    "BA": "bachelor",
}
_I = re.IGNORECASE
# (normal form, pattern, flags); earlier entries win at the same position.
_PATTERNS = [
    ("Habilitation", r"habilitation|habil\.", _I),
    (
        "PhD",
        r"ph\.?\s?d\b\.?|d\.?\s?phil\b\.?|doctor of philosophy|doctor of science|sc\.d\.|"
        r"doctorate|doctoral (?:degree|studies|student|candidate|researcher|program(?:me)?)|"
        r"dr\.[\s-]*(?:rer\.\s*nat|rer\.\s*pol|ing|phil|sc|iur|jur|techn|oec|sc\.\s*nat)\b\.?|"
        r"doctorat|doctorado|dottorato(?: di ricerca)?|doutorado|doktorand(?:in)?|"
        r"thèse de doctorat|doctorante?",
        _I,
    ),
    ("PhD", r"Promotion\b", 0),
    ("BA", r"A\.\s?B\.(?!\w)", 0),
    ("BS", r"S\.\s?B\.(?!\w)", 0),
    ("MA", r"A\.\s?M\.(?!\w)", 0),
    ("MS", r"S\.\s?M\.(?!\w)", 0),
    ("BSc", r"Licence\b|LICENCE\b", 0),
    ("MD", r"m\.\s?d\.|doctor of medicine|dr\.\s*med\.(?:\s*dent\.)?", _I),
    ("MBA", r"m\.?b\.?a\b\.?|master of business administration", _I),
    (
        "MEng",
        r"m\.\s?eng\b\.?|meng\b|master of engineering|dipl\.?-ing\b\.?|diplom-?ingenieur(?:in)?|"
        r"diplôme d['’]ingénieur|diplome d['’]ingenieur|ingeniero|ingegnere|m\.?\s?tech\b\.?",
        _I,
    ),
    ("MS", r"master of science|m\.\s?s\.(?!\w)|m\.s\.e\.", _I),
    (
        "MSc",
        r"m\.?\s?sc\b\.?|m\.?a\.?sc\b\.?|diplom\b(?:-\w+)?|dipl\.-(?:phys|math|inf|chem|biol|"
        r"geol|psych|kfm)\b\.?|laurea (?:magistrale|specialistica)|master of research|mres\b|"
        r"m\.?\s?phil\b\.?|m(?:chem|phys|math|sci)\b|m\.(?:chem|phys|math)\.?",
        _I,
    ),
    ("MA", r"master of arts|m\.\s?a\.(?!\w)|magister\b", _I),
    ("MSc", r"master['’]?s?(?: degree)?\b|máster|mestrado|maestría|maestria", _I),
    ("BEng", r"b\.\s?eng\b\.?|beng\b|bachelor of engineering|b\.\s?e\.(?!\w)|b\.?\s?tech\b\.?", _I),
    ("BS", r"bachelor of science|b\.\s?s\.(?!\w)", _I),
    (
        "BSc",
        r"b\.?\s?sc\b\.?|licenciatura|laurea(?: triennale)?\b|grado(?= en\b)|"
        r"diploma di laurea",
        _I,
    ),
    ("BA", r"bachelor of arts|b\.\s?a\.(?!\w)", _I),
    ("BSc", r"bachelor['’]?s?(?: degree)?\b|bakkalaureus|licenciado", _I),
]
# Chinese, Japanese and Korean degree words, matched without word boundaries ("计算机博士").
_CJK_PATTERNS = [
    ("PhD", r"博士(?!后|後|生导师|生導師)|박사(?!후)"),
    ("MSc", r"硕士|碩士|修士|석사"),
    ("BSc", r"学士|學士|本科|학사"),
]
_CJK_CURRENT_RE = re.compile(r"^(?:研究生|生|候选人|在读|课程)|^[^，,;；]{0,12}(?:在读|至今|現在)")
# Bare two-letter capitals need degree context (MA is also Massachusetts, MS a company).
_BARE_RE = re.compile(r"(?<![\w.])(MS|MA|BS|BA|MD|MSC|BSC)(?![\w.])")
_BARE_BEFORE_RE = re.compile(r"^[\s\-•*#>|\d./–—:()~,]*$")
_BARE_MID_RE = re.compile(r"(?:^|[—–|;:(\t]|\s-|\d{4}\)?)\s*$")
_BARE_AFTER_RE = re.compile(r"^\s*(?:,|\bin\b|\bof\b|\ben\b|\bdegree\b|\(|$|\t| {2,}|[-–—]\s)")
_COMPILED = [
    (form, re.compile(rf"(?<![^\W\d_]){pattern}", flags)) for form, pattern, flags in _PATTERNS
]
# Every pattern as one alternative (a group each): at a position, the first alternative to
# match is the earliest-listed pattern matching there. Each alternative of each pattern starts
# with one of _INITIALS, which the leading lookahead tests cheaply before trying them all.
_INITIALS = "abdghilmpst"
_ANY_RE = re.compile(
    f"(?i:(?=[{_INITIALS}]))(?:"
    + "|".join(
        f"((?i:{regex.pattern}))" if regex.flags & re.IGNORECASE else f"({regex.pattern})"
        for _, regex in _COMPILED
    )
    + ")"
)
_CJK_COMPILED = [(form, re.compile(pattern)) for form, pattern in _CJK_PATTERNS]
_REJECT_AFTER = re.compile(
    r"^[\s.,]*(?:resident|researcher|research|intern|internship|fellow|fellowship|scholarship|"
    r"thesis|dissertation|advisor|adviser|supervisor|committee|defen[cs]e|level|course|"
    r"courses|coursework|seminar|students|applicants|positions?|award|prize|mentor|holder|"
    r"arbeit|abschluss\w* ?note|in progress of)\b",
    re.IGNORECASE,
)
_REJECT_BEFORE = re.compile(
    r"(?:supervis\w*|co-?supervis\w*|mentor\w*|advis\w*|several|taught|my|his|her|during)"
    r"\s+(?:of\s+)?$",
    re.IGNORECASE,
)
_CURRENT_AFTER = re.compile(
    r"^[\s.,]*\(?(?:student|candidate|program(?:me)?|studies|studien|kandidat\w*|en cours|"
    r"\(ongoing\)|in progress|\(in progress\))",
    re.IGNORECASE,
)
_ARTS_FIELDS = re.compile(
    r"\b(?:history|philosophy|literature|linguistics|languages?|arts?|music|theology|law|"
    r"sociology|anthropology|political|politics|classics|english|french|german|spanish|"
    r"education|journalism|communication|geschichte|philosophie|lettres|filosof)",
    re.IGNORECASE,
)


@dataclass(frozen=True, slots=True)
class DegreeMention:
    """A degree named in a line, with whether the wording says it is still under way."""

    degree: str
    as_written: str
    start: int
    end: int
    current: bool


def _accept(text: str, start: int, end: int) -> bool:
    return not _REJECT_AFTER.match(text[end : end + 40]) and not _REJECT_BEFORE.search(
        text[max(0, start - 30) : start]
    )


def _first_form(text: str) -> tuple[str, int, int] | None:
    """(form, start, end): the earliest accepted match of the patterns; at the same position
    the earlier-listed pattern wins."""
    leftmost = _ANY_RE.search(text)
    if leftmost is None:
        return None
    start, end = leftmost.span()
    if _accept(text, start, end):
        # no pattern matches further left and none listed earlier matches here, so the walk
        # below would end with this match
        return _COMPILED[leftmost.lastindex - 1][0], start, end
    best = None
    for form, regex in _COMPILED:
        for match in regex.finditer(text):
            if best is not None and match.start() >= best[1]:
                break
            if _accept(text, match.start(), match.end()):
                best = (form, match.start(), match.end())
                break
    return best


def find_degree(text: str) -> DegreeMention | None:
    """The first degree mention in a line, or None."""
    best = _first_form(text)
    for match in _BARE_RE.finditer(text):
        if best is not None and match.start() >= best[1]:
            break
        before, after = text[: match.start()], text[match.end() :]
        start_ok = _BARE_BEFORE_RE.match(before) or _BARE_MID_RE.search(before)
        if start_ok and _BARE_AFTER_RE.match(after):
            form = _bare_form(match.group(1))
            if _accept(text, match.start(), match.end()):
                best = (form, match.start(), match.end())
                break
    if best is None and not text.isascii():
        return _cjk_degree(text)
    if best is None:
        return None
    form, start, end = best
    written = text[start:end].strip()
    generic = re.match(r"(?i)master|bachelor|máster|mestrado|maestr|licenci", written)
    if form in ("MSc", "BSc") and generic and _ARTS_FIELDS.search(text[end : end + 60]):
        form = "MA" if form == "MSc" else "BA"
    current = bool(_CURRENT_AFTER.match(text[end : end + 30])) or bool(
        re.match(r"(?i)doktorand|doctoral (?:student|candidate|researcher)|doctorante?", written)
    )
    return DegreeMention(form, written, start, end, current)


def _cjk_degree(text: str) -> DegreeMention | None:
    """The first CJK degree word; "博士研究生", "硕士在读" say it is under way."""
    found = [
        (m.start(), m.end(), form) for form, regex in _CJK_COMPILED for m in regex.finditer(text)
    ]
    if not found:
        return None
    start, end, form = min(found)
    current = bool(_CJK_CURRENT_RE.match(text[end : end + 20]))
    return DegreeMention(form, text[start:end], start, end, current)


def _bare_form(token: str) -> str:
    return {"MSC": "MSc", "BSC": "BSc"}.get(token, token)


def level_of(degree: str | None) -> str | None:
    """doctorate / master / bachelor / habilitation for a normal form."""
    return LEVELS.get(degree or "")


_FIELD_RE = re.compile(
    r"^\s*(?:\([^)]*\)\s*)?(?:degree\s+)?(?:in|en|of|on|im fach|in der|in den|di|em|de|des|du|,)\s+"
    r"(?:the\s+)?([^\W\d_][^,;|\t()]{2,80})",
    re.IGNORECASE,
)
_BARE_FIELD_RE = re.compile(r"^ {1,2}([^\W\d_][^,;|\t()]{2,80})")
_FIELD_STOP = re.compile(
    r"\s+(?:advisor|adviser|supervisor|betreuer|directeur|director|thesis|gpa|cumulative|"
    r"overall|grade|note|mention|with|at|from|an der|à|au|en la|presso)\b.*$|\s{2,}.*$|"
    r"\s+[—–-]\s.*$",
    re.IGNORECASE,
)


def field_after(text: str, mention: DegreeMention) -> str | None:
    """The field of study written after a degree ("Ph.D. in Computer Science, ...")."""
    rest = text[mention.end :]
    rest = re.sub(r"^\s*(?:student|candidate|program(?:me)?|studies)\b", "", rest, flags=_I)
    paren = re.match(r"^\s*\(([^)]{3,60})\)", rest)
    if paren and find_degree(paren.group(1)):
        rest = rest[paren.end() :]  # "Promotion (Dr. rer. nat.) in Biologie"
    elif paren and not re.search(r"(?i)hons|honou?rs|\d", paren.group(1)):
        return paren.group(1).strip()
    match = _FIELD_RE.match(rest) or _BARE_FIELD_RE.match(rest)
    if not match:
        return None
    field = _FIELD_STOP.sub("", match.group(1)).strip(" .:-–*")
    if not field or institution_rank(field) > 0 or find_dates(field) or len(field.split()) > 8:
        return None
    return field
