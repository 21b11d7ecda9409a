"""Cutting a section into entries (education, jobs) and into list items (papers, awards)."""

import re
from collections.abc import Callable

from reviewapp.importing.parse_text import Line
from reviewapp.importing.sections import heading_of

Rejoin = Callable[..., list[list[Line]]]
MAX_LEAD = 4  # an entry starts at most this many lines above its anchor line

NUMBER_RE = re.compile(
    r"^\s*(?:[-*•○●▪◦–]\s+)?(?:\[\s*[A-Za-z]{0,3}\s?\d{1,3}\s*\]|\(\s*[A-Za-z]{0,2}\d{1,3}\s*\)|"
    r"[A-Za-z]{0,2}\d{1,3}[.)](?!\d)|[A-Z]{1,2}\d{1,3}:)\s*"
)


def entry_blocks(lines: list[Line], start: int, end: int, anchors: list[int]) -> list[tuple]:
    """(anchor, first, stop) per anchor line: entries repeat the layout of the first one.

    The non-blank lines between the section start and the first anchor (at most MAX_LEAD: a
    university line, a place, a date) are that entry's lead; every later entry is given a lead
    of the same length, so "University / City / Degree / Dates" and "Dates / Degree /
    University" layouts both cut cleanly.
    """
    if not anchors:
        return []
    lead_lines = [i for i in range(start, anchors[0]) if not lines[i].blank]
    lead = min(len(lead_lines), MAX_LEAD)
    firsts = []
    for n, anchor in enumerate(anchors):
        floor = anchors[n - 1] + 1 if n else start
        first, taken = anchor, 0
        i = anchor - 1
        while i >= floor and taken < lead:
            if not lines[i].blank:
                first, taken = i, taken + 1
            i -= 1
        firsts.append(first)
    blocks = []
    for n, anchor in enumerate(anchors):
        stop = firsts[n + 1] if n + 1 < len(anchors) else end
        blocks.append((anchor, firsts[n], max(stop, anchor + 1)))
    return blocks


def _shape(md: str) -> str:
    md = re.sub(r"^\s*[-*+•○●▪◦■➢►▶◆◇✓✔–·]\s+", "", md)
    for mark in ("**", "__", "*", "_", '"', "“", "„", "«"):
        if md.startswith(mark):
            return mark
    return ""


def _subheading(line: Line) -> bool:
    if re.fullmatch(r"\(?(?:19|20)\d{2}\)?:?", line.text):
        return True
    return len(line.text) < 60 and heading_of(line) is not None


def split_items(
    lines: list[Line], start: int, end: int, rejoin: Rejoin | None = None
) -> list[list[Line]]:
    """List items of a section: numbered ("1.", "[3]", "J1."), bulleted, or paragraphs.

    Numbering wins over bullets (sub-bullets under a numbered item continue it); with bullets,
    only the most common glyph at the outermost indent starts items, plus unbulleted lines after
    a blank line that open with the same emphasis as the bulleted items do. Otherwise blocks
    between blank lines are items, or each line is; `rejoin(block, whole=...)`, when given,
    re-cuts each block (hard-wrapped entries spanning several lines).
    """
    body = [lines[i] for i in range(start, min(end, len(lines)))]
    numbered = [line for line in body if line.text and NUMBER_RE.match(line.md)]
    bulleted = [line for line in body if line.bullet]
    if len(numbered) >= 2:
        indent = min(line.indent for line in numbered)
        starts = {line.no for line in numbered if line.indent <= indent + 1}
        return _cut(body, starts, keep_preamble=False)
    if len(bulleted) >= 2:
        indent = min(line.indent for line in bulleted)
        top = [line for line in bulleted if line.indent <= indent + 1]
        glyphs = [line.bullet for line in top]
        glyph = max(set(glyphs), key=glyphs.count)
        starts = {line.no for line in top if line.bullet == glyph}
        shapes = [_shape(line.md) for line in top if line.bullet == glyph]
        shape = max(set(shapes), key=shapes.count)
        if shape:
            starts |= _shape_starts(body, starts, shape)
        return _cut(body, starts, keep_preamble=True)
    whole = any(line.blank for line in body[1:-1]) and sum(1 for ln in body if not ln.blank) > 1
    blocks = _paragraphs(body)
    if rejoin is not None:
        return [item for block in blocks for item in rejoin(block, whole=whole)]
    if whole:
        return blocks
    return [[line] for block in blocks for line in block]


def _shape_starts(body: list[Line], starts: set[int], shape: str) -> set[int]:
    extra = set()
    previous_blank = False
    only_title = False
    for line in body:
        if line.blank:
            previous_blank = True
            continue
        is_start = line.no in starts
        if not is_start and previous_blank and _shape(line.md) == shape and not only_title:
            extra.add(line.no)
            is_start = True
        if is_start:
            only_title = _shape(line.md) == shape and line.md.rstrip().endswith(shape)
        else:
            only_title = only_title and _shape(line.md) == shape
        previous_blank = False
    return extra


def _cut(body: list[Line], starts: set[int], keep_preamble: bool) -> list[list[Line]]:
    items: list[list[Line]] = []
    current: list[Line] | None = [] if keep_preamble else None
    for line in body:
        if line.no in starts:
            if current:
                items.append(current)
            current = [line]
        elif line.blank:
            continue
        elif _subheading(line) and line.bullet == "":
            if current:
                items.append(current)
            current = [] if keep_preamble else None
        elif current is not None:
            current.append(line)
    if current:
        items.append(current)
    return items


def _paragraphs(body: list[Line]) -> list[list[Line]]:
    items: list[list[Line]] = []
    current: list[Line] = []
    for line in body:
        if line.blank or _subheading(line):
            if current:
                items.append(current)
            current = []
        else:
            current.append(line)
    if current:
        items.append(current)
    return items
