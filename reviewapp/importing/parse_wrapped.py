"""Hard-wrapped reference lists: entries without numbers or bullets that span several lines.

A list pasted from a PDF or typed with hard line breaks has one line per fragment, not per
paper. Lines are rejoined into entries by their hanging indent when they have one, else line by
line: a line continues the entry when it plainly cannot start one (it starts in lower case or
with a venue or page numbers, or the line before ends mid-sentence or hyphenated); a new entry
starts after a line ending in a year, or where a line opening with an author list follows a
finished sentence. The joined reading is kept only when the text shows it is wrapped, so lists
with one complete entry per line stay as they are.
"""

import re
from collections.abc import Callable

from reviewapp.importing.parse_text import Line

_VENUE_START_RE = re.compile(
    r"(?i)^(?:in\b|proc\b|proceedings|journal|transactions|advances in|annals|letters|"
    r"workshop|symposium|arxiv|vol\b|volume|pp\b|pages?\b|no\.|ed(?:s|ited)?\b|publisher|press\b|"
    r"revista|revue|rivista|zeitschrift|actes|anales|annales|bulletin|cahiers|atti|bd\.|hrsg)"
)
# "Revista de Economía Aplicada, 31(2), 45–70.": a venue line ends in volume and pages.
_VENUE_LINE_RE = re.compile(r"^[^.]{3,120}\b\d+\s*(?:\(\d+\))?\s*[,:]\s*\d+\s*[–-]\s*\d+\.?$")
_YEAR_RE = re.compile(r"(?<!\d)(?:19|20)\d\d(?!\d)")
_YEAR_END_RE = re.compile(r"(?<![\d.:/])(?:19|20)\d\d[a-z]?\)?\s*[.,;]?\s*$")
_OPEN_END_RE = re.compile(r"(?:[-,:;&/]|\band|\bof|\bthe|\bin|\bfor|\bwith|\bon)$")
_TERMINAL_END_RE = re.compile(r"[.?!)\]]$")

AuthorStart = Callable[[str], bool]


def _plain_continuation(prev: Line, line: Line, item_has_year: bool) -> bool:
    """A line that cannot start an entry, or follows one that cannot end it."""
    text = line.text
    first = text[:1]
    if first.islower() or _VENUE_START_RE.match(text) or first in "([{,;:":
        return True
    if _VENUE_LINE_RE.match(text):
        return True
    if first.isdigit():
        return not (_YEAR_RE.match(text) and not item_has_year and len(text) > 12)
    return bool(_OPEN_END_RE.search(prev.text))


def _starts_entry(
    prev: Line, line: Line, item: tuple[bool, bool], author_start: AuthorStart
) -> bool:
    """`item`: whether the entry so far has a year, and whether it opened with authors (if
    not, it opened with its title, and an author list after it is still the same entry)."""
    has_year, opened_with_authors = item
    if _YEAR_END_RE.search(prev.text):
        return True
    finished = bool(_TERMINAL_END_RE.search(prev.text))
    if (finished or prev.text[-1:].isdigit()) and author_start(line.text):
        # after "... 2021." or "... 34:1123-1140" (pages, no full stop)
        return has_year or opened_with_authors
    return finished and has_year


def _join(group: list[Line], author_start: AuthorStart) -> tuple[list[list[Line]], bool]:
    """Entries by the line rules, and whether some line was plainly a continuation."""
    items = [[group[0]]]
    has_year = bool(_YEAR_RE.search(group[0].text))
    with_authors = author_start(group[0].text)
    plain = False
    for prev, line in zip(group, group[1:], strict=False):
        if _plain_continuation(prev, line, has_year):
            plain = True
            items[-1].append(line)
        elif _starts_entry(prev, line, (has_year, with_authors), author_start):
            items.append([line])
            has_year, with_authors = False, author_start(line.text)
        else:
            items[-1].append(line)
        has_year = has_year or bool(_YEAR_RE.search(line.text))
    return items, plain


def join_continuations(group: list[Line]) -> list[list[Line]]:
    """One entry per line, except lines that plainly continue the one before ("Best Paper
    Award, Conference on" / "Machine Learning, 2020"): for lists of short entries (awards)."""
    items: list[list[Line]] = []
    for line in group:
        if items and _plain_continuation(items[-1][-1], line, item_has_year=False):
            items[-1].append(line)
        else:
            items.append([line])
    return items


def _hanging(group: list[Line]) -> list[list[Line]] | None:
    """Entries cut at the outermost indent when later lines hang deeper under them."""
    base = min(line.indent for line in group)
    starts = [n for n, line in enumerate(group) if line.indent == base]
    if starts[0] != 0 or len(starts) < 2 or len(starts) == len(group):
        return None
    bounds = [*starts, len(group)]
    return [group[a:b] for a, b in zip(bounds, bounds[1:], strict=False)]


def _year_share(items: list[list[Line]]) -> float:
    dated = sum(1 for item in items if any(_YEAR_RE.search(line.text) for line in item))
    return dated / len(items)


def split_wrapped(group: list[Line], author_start: AuthorStart, *, whole: bool) -> list[list[Line]]:
    """Entries of a run of non-blank lines. `whole` says what the run is when it shows no sign
    of wrapping: one entry (a paragraph between blank lines) or one entry per line."""
    if len(group) < 2:
        return [group] if group else []
    hanging = _hanging(group)
    if hanging is not None:
        return hanging
    joined, plain = _join(group, author_start)
    if whole:
        complete = all(_YEAR_RE.search(" ".join(ln.text for ln in item)) for item in joined)
        return joined if len(joined) > 1 and complete else [group]
    per_line = [[line] for line in group]
    if plain or _year_share(joined) > _year_share(per_line):
        return joined
    return per_line
