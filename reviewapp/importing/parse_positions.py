"""Current position (header line, experience section, or an ongoing degree) and awards."""

import re

from reviewapp.importing.dates import find_span
from reviewapp.importing.parse_blocks import NUMBER_RE, entry_blocks, split_items
from reviewapp.importing.parse_orgs import after_at, best_institution, find_title
from reviewapp.importing.parse_text import Line, cells
from reviewapp.importing.parse_wrapped import join_continuations
from reviewapp.importing.sections import Section, sections_of
from reviewapp.textutil import fold, squash_spaces

_HEADER_KINDS = {"header", "title", "personal", "unknown"}
_CURRENT_HEADING_RE = re.compile(
    r"\b(?:current|present|actual|actuel|actuelle|aktuelle|derzeitige|jetzige|attuale)\b"
)
_STUDENT_TITLE = {
    "doctorate": "PhD student",
    "master": "Master's student",
    "bachelor": "Undergraduate student",
    "habilitation": "Habilitation candidate",
}


def _plain_prefix(text: str, title: str) -> bool:
    """A header title stands at the start or after a name, not inside a sentence."""
    prefix = text[: text.find(title)] if title in text else text
    words = re.findall(r"[^\W\d_]+", prefix)
    return len(words) <= 5 and all(word[0].isupper() for word in words)


def _header_position(lines: list[Line], sections: list[Section]) -> tuple[dict, Line] | None:
    for section in sections:
        if section.kind not in _HEADER_KINDS:
            break
        for i in range(section.start, min(section.end, section.start + 30)):
            line = lines[i]
            if not line.text or len(line.text) > 160 or line.text.count(". ") > 1:
                continue
            title = find_title(line.text)
            if not title or not _plain_prefix(line.text, title):
                continue
            rank, institution = best_institution(line.text, line.md)
            if not rank and i + 1 < len(lines):
                rank, institution = best_institution(lines[i + 1].text, lines[i + 1].md)
            if not rank:
                institution = after_at(line.text)
            return {"title": title, "institution": institution}, line
    return None


def _after_title(text: str, title: str) -> str | None:
    """ "Data Scientist, Acme, Berlin (2021 – now)": the part right after the title."""
    at = text.find(title)
    rest = text[at + len(title) :] if at >= 0 else ""
    part = re.split(r",|;|\(|\s[|–—-]\s|\t", rest.lstrip(" ,;:-–—|"))[0].strip(" .")
    if not part or find_span(part) or not part[0].isupper() or len(part.split()) > 6:
        return None
    return part


def _block_position(lines: list[Line], first: int, stop: int, anchor: int) -> dict | None:
    order = sorted(range(first, stop), key=lambda i: abs(i - anchor))
    title = title_line = None
    for i in order:
        if lines[i].text and len(lines[i].text) < 200:
            title = find_title(lines[i].text)
            if title:
                title_line = i
                break
    if title is None:
        return None
    # The institution named on the title's own line wins: a neighbouring line may belong to
    # another entry ("Visiting student, ETH Zürich, 2021" under a current job).
    best = best_institution(lines[title_line].text, lines[title_line].md)
    if best[1] is None:
        best = (0.0, None)
        for i in order:
            if lines[i].text and len(lines[i].text) < 200:
                rank, name = best_institution(lines[i].text, lines[i].md)
                if rank > best[0]:
                    best = (rank, name)
    institution = (
        best[1] or after_at(lines[title_line].text) or _after_title(lines[title_line].text, title)
    )
    if institution is None:
        for i in range(first, stop):
            text = lines[i].text
            if i not in (title_line, anchor) and text and len(text) < 80 and not find_span(text):
                institution = text.strip(" ,;")
                break
    return {"title": title, "institution": institution}


def _line_span(line: Line):
    """The period a line states; a first table cell ("Sept. 2022 –<tab>Lecturer") on its own,
    so a range left open at the cell's end reads as ongoing."""
    if "\t" in line.raw or "   " in line.raw:
        parts = cells(line)
        if len(parts) > 1:
            span = find_span(parts[0])
            if span:
                return span
    return find_span(line.text)


def _current_section_position(
    lines: list[Line], sections: list[Section]
) -> tuple[dict, Line] | None:
    """Under a "Current position" / "Position actuelle" heading the first titled line is it."""
    for section in sections_of(sections, "experience"):
        if not _CURRENT_HEADING_RE.search(fold(section.title)):
            continue
        for i in range(section.start, min(section.end, section.start + 6)):
            if lines[i].text and find_title(lines[i].text):
                position = _block_position(lines, i, min(section.end, i + 3), i)
                if position:
                    return position, lines[i]
    return None


def _experience_position(lines: list[Line], sections: list[Section]) -> tuple[dict, Line] | None:
    for section in sections_of(sections, "experience"):
        spans = {}
        for i in range(section.start, section.end):
            text = lines[i].text
            if text and len(text) < 200 and not lines[i].bullet:
                span = _line_span(lines[i])
                if span and (span.start or span.current):
                    spans[i] = span
        blocks = entry_blocks(lines, section.start, section.end, sorted(spans))
        ordered = sorted(blocks, key=lambda b: not spans[b[0]].current)
        for anchor, first, stop in ordered[:6]:
            position = _block_position(lines, first, stop, anchor)
            if position and (spans[anchor].current or spans[anchor].end is None):
                return position, lines[anchor]
    return None


def find_current_position(
    lines: list[Line], sections: list[Section], education: list[tuple[dict, Line]]
) -> tuple[dict, Line] | None:
    """{"title", "institution"} of the current job, else of an ongoing degree; None if unknown."""
    found = (
        _current_section_position(lines, sections)
        or _header_position(lines, sections)
        or _experience_position(lines, sections)
    )
    if found:
        return found
    for entry, line in education:
        if entry["current"] and entry["level"] in _STUDENT_TITLE:
            title = _STUDENT_TITLE[entry["level"]]
            return {"title": title, "institution": entry["institution"]}, line
    return None


def _award_lines(block: list[Line], *, whole: bool) -> list[list[Line]]:
    """Unmarked awards are one per line, with plainly continued lines joined (`whole` does not
    matter: a paragraph of awards is still one award per line)."""
    return join_continuations(block)


def find_awards(lines: list[Line], sections: list[Section]) -> list[tuple[str, Line]]:
    """Award lines or items of the awards sections, markup removed."""
    awards = []
    for section in sections_of(sections, "awards"):
        for item in split_items(lines, section.start, section.end, rejoin=_award_lines):
            marked = bool(item[0].bullet or NUMBER_RE.match(item[0].md))
            groups = [item] if marked else join_continuations(item)
            for group in groups:
                text = squash_spaces(" ".join(line.text for line in group))
                text = re.sub(r"^(?:\[\d+\]|\d{1,3}[.)])\s+", "", text)
                if len(text) >= 4 and any(ch.isalpha() for ch in text):
                    awards.append((text[:300], group[0]))
                if len(awards) >= 100:
                    return awards
    return awards
