"""Lines of a CV text: NFKC, markup remnants turned into plain text, line numbers kept for evidence.

Pure functions; the parser never looks at the input through anything but these `Line`s.
"""

import html
import re
import unicodedata
from dataclasses import dataclass

from reviewapp.textutil import squash_spaces, strip_control_chars

MAX_CHARS = 400_000  # the parser reads this much of a text; a CV is 5-50 kB
MAX_LINE = 3_000  # longer lines are cut for analysis (evidence keeps 500 characters)
EVIDENCE_CHARS = 500

_ORDINAL_SUP_RE = re.compile(r"(\d)\s*<sup>\s*(st|nd|rd|th|er|e|re|ème)\s*</sup>", re.IGNORECASE)
_SUP_RE = re.compile(r"<sup>\s*(.*?)\s*</sup>", re.IGNORECASE | re.DOTALL)
_ORDINAL_RE = re.compile(r"(?i)st|nd|rd|th|er|e|re|ème|o|a|te")
_BOLD_TAG_RE = re.compile(r"</?\s*(?:b|strong)\s*>", re.IGNORECASE)
_ITALIC_TAG_RE = re.compile(r"</?\s*(?:i|em)\s*>", re.IGNORECASE)
_BR_RE = re.compile(r"<\s*br\s*/?\s*>", re.IGNORECASE)
_TAG_RE = re.compile(r"</?[A-Za-z][A-Za-z0-9]{0,10}(?:\s[^<>]{0,200})?/?>")
_IMAGE_RE = re.compile(r"!\[[^\]]{0,300}\]\([^)]{0,500}\)")
_MD_LINK_RE = re.compile(r"\[([^\]]{0,300})\]\(([^)\s]{0,500})(?:\s+\"[^\"]*\")?\)")
_ANGLE_URL_RE = re.compile(r"<((?:https?://|mailto:|www\.)[^<>\s]{1,500})>", re.IGNORECASE)
_ESCAPE_RE = re.compile(r"\\([\\`*_{}\[\]()#+\-.!|~<>$&])")
# The lookahead (every mark starts with "*" or "_") is a cheap test before the alternatives.
_EMPHASIS_RE = re.compile(
    r"(?=[*_])(?:\*\*|__|(?<![\w*])\*(?=\S)|(?<=\S)\*(?![\w*])|(?<!\w)_(?=\S)|(?<=\S)_(?!\w))"
)
_HEADING_RE = re.compile(r"^\s{0,3}(#{1,6})(?:\s+|$)")
_BULLET_RE = re.compile(r"^\s*([-*+•○●▪◦■□➢►▶◆◇✓✔–·])\s+")
_HR_RE = re.compile(r"^\s*(?:[-*_=]\s*){3,}$")
_LINK_WORDS = (
    r"pdf|code|arxiv|slides|video|bib(?:tex)?|poster|project(?: page)?|website|paper|link|doi|"
    r"html|talk|blog|data(?:set)?|demo|abs(?:tract)?|openreview|github|press|url"
)
_LETTERSPACED_RE = re.compile(
    r"^(\s*(?:[-*•]|#{1,6})?\s*)((?:[^\W\d_] ){3,}[^\W\d_](?:\s{2,}(?:[^\W\d_] )+[^\W\d_])*)"
    r"\s*$"
)
# Field labels of CV forms (Europass) that extraction glues to their values ("Name and address
# of employer University of Turin"); the value is what the parser reads.
_FORM_LABEL_RE = re.compile(
    r"^\s*(?:name and (?:address|type) of (?:employer|organisation|organization)"
    r"(?: providing education and training)?|title of qualification awarded|"
    r"occupation or position held|main activities and responsibilities|type of business or sector|"
    r"principal subjects(?:\s*/\s*|\s+and\s+)occupational skills covered|"
    r"level in national or international classification|"
    r"name und (?:adresse des arbeitgebers|art der (?:bildungs- oder )?ausbildungseinrichtung)|"
    r"bezeichnung der erworbenen qualifikation|beruf oder funktion|"
    r"nom et adresse de l['’]employeur|fonction ou poste occupé|"
    r"intitulé du certificat ou diplôme délivré|"
    r"nom et type de l['’]établissement d['’]enseignement ou de formation|"
    r"nombre y dirección del empleador|cargo o puesto desempeñado|titulación obtenida|"
    r"nombre y tipo de (?:la )?organización(?: que ha impartido la educación o la formación)?|"
    r"nome e indirizzo del datore di lavoro|lavoro o posizione ricoperti|"
    r"titolo della qualifica rilasciata|"
    r"nome e tipo d['’]organizzazione erogatrice dell['’]istruzione e formazione)\s*:?\s+",
    re.IGNORECASE,
)
_LINK_WORD_RE = re.compile(rf"\[\s*(?:{_LINK_WORDS})\s*\]\([^)]{{0,500}}\)", re.IGNORECASE)


@dataclass(frozen=True, slots=True)
class Line:
    """One input line: `raw` for evidence, `md` with markup unified, `text` plain."""

    no: int  # 1-based line number in the input text
    source: str  # exactly as in the input (evidence quotes this)
    raw: str  # NFKC and control characters removed, otherwise as written
    md: str  # HTML emphasis as markdown, links as their text, escapes resolved
    text: str  # md without emphasis, heading marks or bullet; spaces squashed
    heading: int  # markdown heading level, 0 when none
    bullet: str  # the leading bullet glyph, "" when none
    indent: int  # leading spaces (tab = 4)

    @property
    def blank(self) -> bool:
        """A line with no letters or digits (also horizontal rules)."""
        return not any(map(str.isalnum, self.text))

    def evidence(self) -> dict:
        """The {"line", "text"} record stored as evidence for a field."""
        return {"line": self.no, "text": self.source.strip()[:EVIDENCE_CHARS]}


def wordset(text: str) -> frozenset[str]:
    """The space-separated words of a literal, as a set (vocabularies are written as prose)."""
    return frozenset(text.split())


def _sup(match: re.Match) -> str:
    inner = match.group(1)
    return inner if _ORDINAL_RE.fullmatch(inner) else " "


def to_markdown(raw: str, *, drop_link_words: bool = False) -> str:
    """HTML remnants to markdown emphasis, links to their text, entities and escapes resolved."""
    # Each step only removes or rewrites markup, so a mark absent from the line stays absent:
    # lines without "<", "[" or "\\" (most of them) skip the steps that need one.
    s = raw
    tags, links, escapes = "<" in s, "[" in s, "\\" in s
    if tags:
        s = _SUP_RE.sub(_sup, _ORDINAL_SUP_RE.sub(r"\1\2", s))
    if escapes:
        s = s.replace("\\*", "\u2217")  # an escaped asterisk is a footnote mark, not emphasis
    if tags:
        s = _BR_RE.sub(" ", s)
        s = _BOLD_TAG_RE.sub("**", s)
        s = _ITALIC_TAG_RE.sub("*", s)
        s = _TAG_RE.sub("", s)
    if links:
        s = _IMAGE_RE.sub("", s)
        if drop_link_words:
            s = _LINK_WORD_RE.sub("", s)
        s = _MD_LINK_RE.sub(lambda m: m.group(1), s)
    if tags:
        s = _ANGLE_URL_RE.sub(lambda m: m.group(1), s)
    if escapes:
        s = _ESCAPE_RE.sub(r"\1", s)
        s = s.replace("\\", "")
    return html.unescape(s)


def strip_emphasis(md: str) -> str:
    """Drop markdown emphasis markers (and footnote asterisks) from a markdown line."""
    if "*" in md or "_" in md:
        md = _EMPHASIS_RE.sub("", md)
    return md.replace("\u2217", "*")


def unletterspace(text: str) -> str:
    """ "A N N A   B E R G" -> "ANNA BERG": a line set in spaced-out letters (names, headings),
    words apart by two or more spaces. Lines of initials ("J. R. R. Tolkien") do not match."""
    match = _LETTERSPACED_RE.match(text) if len(text) <= 200 else None
    if not match:
        return text
    words = re.split(r"\s{2,}", match.group(2).strip())
    return match.group(1) + " ".join(word.replace(" ", "") for word in words)


def make_line(no: int, source: str) -> Line:
    """Build a `Line` from one input line."""
    source = source.rstrip("\r")
    raw = unletterspace(unicodedata.normalize("NFKC", strip_control_chars(source[: MAX_LINE * 2])))
    cut = raw[:MAX_LINE]
    indent = len(cut.expandtabs(4)) - len(cut.expandtabs(4).lstrip(" "))
    md = _FORM_LABEL_RE.sub("", to_markdown(cut), count=1)
    heading = 0
    match = _HEADING_RE.match(md)
    if match:
        heading = len(match.group(1))
        md = md[match.end() :]
    if _HR_RE.match(md):
        return Line(no, source, raw, "", "", heading, "", indent)
    body = strip_emphasis(md)
    bullet = ""
    match = _BULLET_RE.match(body)
    if match:
        bullet = match.group(1)
        body = body[match.end() :]
    text = squash_spaces(body.replace("\u2217", "*"))
    return Line(no, source, raw, md.strip(), text, heading, bullet, indent)


def split_lines(text: str) -> list[Line]:
    """The input as `Line`s; line numbers count "\\n"-separated lines of the input."""
    if not isinstance(text, str):
        text = str(text or "")
    text = text[:MAX_CHARS]
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:  # lone surrogates cannot be stored or shown
        text = text.encode("utf-8", "replace").decode("utf-8")
    return [make_line(i, raw) for i, raw in enumerate(text.split("\n"), start=1)]


def cells(line: Line) -> list[str]:
    """Column cells of a line split on tabs or runs of three or more spaces."""
    md = strip_emphasis(to_markdown(line.raw[:MAX_LINE]))
    parts = re.split(r"\t+| {3,}", md.strip())
    return [squash_spaces(part.replace("\u2217", "*")) for part in parts if part.strip()]
