"""Education entries: one per degree mention, with institution, field and dates from its block.

Inside an education section every accepted degree mention is an entry. Without one, a degree
mention elsewhere counts only when an institution is on its line or the next and a date is near.
"""

import re

from reviewapp.importing.dates import EXPECTED_RE, DateSpan, find_dates, find_span
from reviewapp.importing.degrees import DegreeMention, field_after, find_degree, level_of
from reviewapp.importing.parse_blocks import entry_blocks
from reviewapp.importing.parse_orgs import after_at, best_institution
from reviewapp.importing.parse_text import Line, cells
from reviewapp.importing.sections import Section, sections_of

_SKIP_KINDS = {
    "publications",
    "talks",
    "teaching",
    "service",
    "supervision",
    "references",
    "awards",
    "grants",
    "summary",
    "research",
    "skills",
}


def _anchors(lines: list[Line], start: int, end: int) -> dict[int, DegreeMention]:
    found = {}
    for i in range(start, end):
        text = lines[i].text
        if text and len(text) < 400:
            mention = find_degree(text)
            if mention:
                found[i] = mention
    return found


def _best_in(lines: list[Line], indexes, anchor: int) -> tuple[float, str | None]:
    best = (0.0, 0, None)
    for i in indexes:
        if not lines[i].text or len(lines[i].text) > 200:
            continue
        rank, name = best_institution(lines[i].text, lines[i].md)
        if rank and (rank, -abs(i - anchor)) > best[:2]:
            best = (rank, -abs(i - anchor), name)
    return best[0], best[2]


def _institution(lines: list[Line], anchor: int, first: int, stop: int) -> str | None:
    """The entry's institution: on the lead lines and the degree line when the layout puts it
    there, else anywhere in the block (best rank, nearer first), else a free table cell or
    comma part of the degree line."""
    rank, name = _best_in(lines, range(first, anchor + 1), anchor)
    if rank >= 1:
        return name
    rank, name = _best_in(lines, range(first, stop), anchor)
    if name:
        return name
    if " at " in lines[anchor].text:
        return after_at(lines[anchor].text[:200])
    return _table_cell(lines[anchor]) or _free_part(lines[anchor])


def _free_part(line: Line) -> str | None:
    """ "B.Tech (IT), NIT Trichy, 2015 – 2019": the comma part that is not degree, field or date."""
    mention = find_degree(line.text)
    field = field_after(line.text, mention) if mention else None
    for part in re.split(r",|;|\s[|–—-]\s|\t", line.text[:200]):
        part = part.strip(" .")
        if not part or not part[0].isupper() or part == field or len(part.split()) > 6:
            continue
        if find_degree(part) or find_dates(part) or re.search(r"\d", part):
            continue
        return part
    return None


def _table_cell(line: Line) -> str | None:
    """In a table row (degree, institution, years) the cell that is neither degree nor date."""
    parts = cells(line)
    if len(parts) < 3:
        return None
    rest = [p for p in parts if not find_degree(p) and not find_dates(p) and len(p) > 1]
    return rest[0] if len(rest) == 1 else None


def _span(lines: list[Line], anchor: int, first: int, stop: int) -> tuple[DateSpan | None, int]:
    span = find_span(lines[anchor].text)
    if span:
        return span, anchor
    order = sorted(range(first, stop), key=lambda i: (abs(i - anchor), i < anchor))
    for i in order:
        if i != anchor and lines[i].text and len(lines[i].text) < 200:
            span = find_span(lines[i].text)
            if span:
                return span, i
    return None, anchor


def _entry(lines: list[Line], anchor: int, first: int, stop: int, mention: DegreeMention) -> dict:
    text = lines[anchor].text
    span, date_line = _span(lines, anchor, first, stop)
    expected = bool(span and span.expected) or bool(EXPECTED_RE.search(text))
    start = span.start if span else None
    end = span.end if span else None
    # a candidate's or student's degree with an end date is one still expected
    expected = expected or (mention.current and end is not None and not (span and span.current))
    current = bool(span and span.current) or expected or (mention.current and end is None)
    return {
        "degree": mention.degree,
        "degree_as_written": mention.as_written,
        "level": level_of(mention.degree),
        "field": field_after(text, mention),
        "institution": _institution(lines, anchor, first, stop),
        "start": start,
        "end": end,
        "expected": expected,
        "current": current,
    }


def _near_institution(lines: list[Line], i: int) -> bool:
    return any(best_institution(lines[j].text)[0] >= 2 for j in (i, i + 1) if j < len(lines))


def _fallback(lines: list[Line], sections: list[Section]) -> list[tuple[dict, Line]]:
    entries = []
    for section in sections:
        if section.kind in _SKIP_KINDS:
            continue
        for i, mention in _anchors(lines, section.start, section.end).items():
            if not _near_institution(lines, i):
                continue
            first, stop = max(section.start, i - 1), min(section.end, i + 3)
            entry = _entry(lines, i, first, stop, mention)
            if entry["start"] or entry["end"]:
                entries.append((entry, lines[i]))
    return entries


def parse_education(lines: list[Line], sections: list[Section]) -> list[tuple[dict, Line]]:
    """Education entries in the order written, each with the line naming the degree."""
    regions = sections_of(sections, "education")
    if not regions:
        return _fallback(lines, sections)[:12]
    entries = []
    for section in regions:
        anchors = _anchors(lines, section.start, section.end)
        keys = sorted(anchors)
        for anchor, first, stop in entry_blocks(lines, section.start, section.end, keys):
            entries.append((_entry(lines, anchor, first, stop, anchors[anchor]), lines[anchor]))
    return _dedupe(entries)[:12]


def _dedupe(entries: list[tuple[dict, Line]]) -> list[tuple[dict, Line]]:
    """Drop a mention that repeats the previous entry's degree with nothing new (thesis lines)."""
    kept: list[tuple[dict, Line]] = []
    for entry, line in entries:
        if kept:
            prev = kept[-1][0]
            same = prev["degree"] == entry["degree"] and line.no - kept[-1][1].no <= 2
            if (
                same
                and entry["institution"] in (None, prev["institution"])
                and (entry["start"], entry["end"]) in ((None, None), (prev["start"], prev["end"]))
            ):
                continue
        kept.append((entry, line))
    return kept
