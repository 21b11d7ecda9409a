"""Reading the context of a name found in CV text: the relation keywords around it
("advised by", "co-author", "TA for"), whether it sits in an author list, which CV section it is
in, and institution names compared loosely. Pure: no Flask, no database.

Split out of `detect.py`, which finds the names and decides the kind from these helpers.
"""

from __future__ import annotations

import re

from rapidfuzz import fuzz

from reviewapp.names import looks_like_name
from reviewapp.textutil import fold

_NON_ASCII_RE = re.compile(r"[^\x00-\x7f]+")
_DIGIT_RE = re.compile(r"\d")


def _fold_line(line: str) -> str:
    """`textutil.fold`, applied only to the non-ASCII runs (CV text is mostly ASCII)."""
    return line.lower() if line.isascii() else _NON_ASCII_RE.sub(_fold_match, line.lower())


def _fold_match(m: re.Match[str]) -> str:
    return fold(m.group(0))


_SUPERVISOR = (
    r"advis(?:or|ors|er|ers|ed by)|co-?advis(?:or|ors|ed by)|supervis(?:or|ors|ed by)"
    r"|co-?supervis(?:or|ors|ed by)|doktorvater|doktormutter|betreuer(?:in)?|betreut (?:von|durch)"
    r"|directeur de these|directrice de these|sous la direction de|dirigee? par"
    r"|encadr(?:ant|ante|ee? par)|directora? de tesis|dirigid[oa] por|relatore|promotor"
    r"|mentor(?:s|ed by)?|host(?:s|ed by)?|under the (?:guidance|supervision|direction) of"
    r"|guided by|(?:phd|postdoc|postdoctoral)(?: student| researcher| fellow)? (?:with|under)"
    r"|work(?:ed|ing)? under|referees?|thesis committee"
)
_TEACHING = (
    r"taught by|teaching assistant|teaching fellow|ta for|course (?:by|of)|lectures? (?:by|of)"
    r"|lecturer|instructor|tutor(?:ed by)?|class of|ubungsleiter|vorlesung von|cours de"
)
_COLLEAGUE = (
    r"work(?:ed|ing)? with|collaborat(?:or|ors|ion with|ed with|ing with)|colleagues?"
    r"|co-?workers?|interned|intern(?:ship)? with|in the (?:group|lab|team) of|joint work"
    r"|together with|visiting (?:the )?(?:group|lab) of"
)
_KEYWORD_RE = re.compile(
    rf"\b(?:(?P<supervisor>{_SUPERVISOR})|(?P<teaching>{_TEACHING})|(?P<colleague>{_COLLEAGUE}))\b"
)
_SCOPE_NOISE_RE = re.compile(r"\b(?:prof|dr|mr|mrs|ms|professor|assoc|asst|e\.g|i\.e|et al|\w)\.")
_SENTENCE_BREAK_RE = re.compile(r"[.;!?](?:\s|$)")
_INTRODUCES_RE = re.compile(r"\s*(?::|by\b|of\b)")
_LABEL_NOISE_RE = re.compile(r"[#*_<>/\[\]()|:\-–•○]|</?b>")
_NOISE_RE = re.compile(r"<sup>.*?</sup>|<[^>]*>|\]\([^)]*\)|\\.|[*_\[\]#†‡§¶•○◦▪∗]|\(\s*\)")
_LEAD_RE = re.compile(r"^\s*(?:[-–]\s*)?(?:\[?\d{1,3}[.)\]]\s*)?(?:and\s+|&\s*)?")
_SEGMENT_SPLIT_RE = re.compile(r"(?:\s*(?:[,;|&]|\b(?:and|und|et)\b(?!\s+al\b))\s*)+")
# Where a list item ends and a title starts: "Lei Wu. The Sharpness…", "Lei Wu. *Flipout*".
_SEGMENT_END_RE = re.compile(r"(?<=[^\W\d_]{2})\.(?:\s|$)|\s\(|:")
_SECTION_PATTERNS = {
    "publications": r"(?:selected |recent |peer[- ]reviewed |refereed )?(?:publications?|papers"
    r"|preprints|articles|bibliography|manuscripts|publikationen|veroffentlichungen|publicaciones)",
    "teaching": r"teaching|lehre|lehrtatigkeit|enseignement|docencia",
    "supervisor": r"(?:academic |phd |thesis )?(?:advisors?|supervisors?|mentors?|references"
    r"|referees|referenzen|betreuer)",
    "other": r"education|experience|research|employment|awards?|honou?rs|skills|service|talks"
    r"|presentations|projects|interests|summary|profile|positions?|grants|funding|languages"
    r"|activities|others?|contact|personal|biography|about|short bio",
}
_SECTION_RE = re.compile(
    "(?:" + "|".join(f"(?P<{k}>{v})" for k, v in _SECTION_PATTERNS.items()) + r")\b"
)
_INST_DROP = frozenset("the of at in and for de der di du des la le".split())  # noqa: SIM905
_INST_ABBREVIATIONS = {"univ": "university", "inst": "institute", "tech": "technology"}


def is_keyword(word: str) -> bool:
    """Whether a folded word is a role keyword ("advisor", "host", "lecturer"…)."""
    return _KEYWORD_RE.fullmatch(word) is not None


def _in_scope(gap: str, limit: int) -> bool:
    """A keyword reaches a name across at most `limit` characters of the same sentence."""
    return len(gap) <= limit and not _SENTENCE_BREAK_RE.search(_SCOPE_NOISE_RE.sub(" ", gap))


def keyword_kind(folded_lines: list[str], idx: int, start: int, end: int) -> str | None:
    """The role a keyword gives the name at [start, end) of line idx, or None.

    The nearest keyword before the name in the same sentence ("advised by Prof. X", "Advisor: X",
    "taught by X"), else a role noun right after it ("X (advisor)"), else a short label line
    just above ("PhD supervisors:").
    """
    line = folded_lines[idx]
    before = after = None
    for m in _KEYWORD_RE.finditer(line):
        if m.end() <= start:
            before = m
        elif m.start() >= end and after is None:
            after = m
    if before is not None and _in_scope(line[before.end() : start], 100):
        return before.lastgroup
    if (
        after is not None
        and _in_scope(line[end : after.start()], 30)
        and not after.group(0).endswith((" by", " of", " with", " under"))
        and not _INTRODUCES_RE.match(line, after.end())
    ):
        return after.lastgroup
    for j in range(idx - 1, max(-1, idx - 3), -1):
        label = _LABEL_NOISE_RE.sub(" ", folded_lines[j]).strip()
        if not label:
            continue
        m = _KEYWORD_RE.search(label)
        if m and m.lastgroup != "colleague" and len(label) <= 40 and len(label) - len(m[0]) <= 15:
            return m.lastgroup
        break
    return None


def _clean_segment(text: str) -> str:
    return _LEAD_RE.sub("", _NOISE_RE.sub(" ", text)).strip()


def in_author_list(line: str, start: int, end: int) -> bool:
    """The name at [start, end) is an item of a comma/"|"/"and" list next to another name."""
    bounds = [0]
    for m in _SEGMENT_SPLIT_RE.finditer(line):
        bounds += [m.start(), m.end()]
    bounds.append(len(line))
    segments = [(bounds[i], bounds[i + 1]) for i in range(0, len(bounds), 2)]
    at = next((i for i, (s, e) in enumerate(segments) if s <= start < e), None)
    if at is None or _clean_segment(line[segments[at][0] : start]):
        return False
    if at > 0 and looks_like_name(_clean_segment(line[slice(*segments[at - 1])])):
        return True
    if at + 1 < len(segments):
        following = _SEGMENT_END_RE.split(line[slice(*segments[at + 1])], maxsplit=1)[0]
        return looks_like_name(_clean_segment(following))
    return False


def _heading_section(line: str) -> tuple[bool, str | None]:
    """(is the line a section heading, which section it opens)."""
    raw = line.strip()
    marked = raw.startswith("#")
    if len(raw) > 80 and not marked:
        return False, None
    text = _NOISE_RE.sub(" ", raw).strip(" :")
    if not text or len(text) > 50 or ":" in text:
        return marked, None
    words = text.split()
    m = _SECTION_RE.match(_fold_line(" ".join(words)))
    if m and len(words) <= 4:
        return True, None if m.lastgroup == "other" else m.lastgroup
    caps = sum(ch.isalpha() for ch in text) >= 4 and text.isupper() and not _DIGIT_RE.search(text)
    return marked or caps, None


def sections(lines: list[str]) -> list[str | None]:
    """For each line, the section it sits in: "publications", "teaching", "supervisor" or None."""
    current: str | None = None
    out: list[str | None] = []
    for line in lines:
        is_heading, section = _heading_section(line)
        if is_heading:
            current = section
        out.append(current)
    return out


def institution_key(text: str) -> str:
    """Folded institution name without filler words ("University of California at Berkeley")."""
    words = re.findall(r"[a-z0-9]+", fold(text).replace("&", " and "))
    return " ".join(_INST_ABBREVIATIONS.get(w, w) for w in words if w not in _INST_DROP)


def same_institution(a: str, b: str) -> bool:
    """Institution keys that are equal, near-equal (ratio >= 92) or acronym and expansion."""
    if not a or not b:
        return False
    if a == b or fuzz.ratio(a, b) >= 92:
        return True
    for short, long_ in ((a, b), (b, a)):
        words = long_.split()
        if " " not in short and len(words) >= 2 and short == "".join(w[0] for w in words):
            return True
    return False
