"""PDF to plain text: pypdfium2 for speed, pdfminer.six layout analysis for multi-column pages.

pdfium returns text in content-stream order, which interleaves the columns of a two-column CV
when the producer wrote it line by line across the page. Each page's text rectangles are
checked for a vertical gutter (cheap); only pages that have one go through pdfminer, whose text
boxes are then read column by column, top to bottom, with full-width boxes (a name banner, a
summary) keeping their place between the column runs.
"""

import bisect
import io
import re
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass

import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_c

from reviewapp.importing.limits import Limits

Box = tuple[float, float, float, float]  # left, bottom, right, top (PDF user space)
TextOf = Callable[[Box], str]

NO_TEXT_LAYER = "no text layer (scanned?)"
_MIN_TEXT_CHARS = 20  # fewer non-space characters than this in the whole file: a scan
_BIN = 2.0  # points per bin of the horizontal coverage profile
_MIN_GUTTER = 10.0  # points
_MIN_COLUMN_SHARE = 0.22  # each column spans at least this share of the page width
_MIN_SIDEBAR_SHARE = 0.10  # ... or this share when its lines keep their own baselines
_BASELINE_TOLERANCE = 1.5  # points
_MAX_BANNER_LINES = 12
_FIELD_LABEL_RE = re.compile(
    r"(?i)(?:e-?mail|phone|tel\.?|telephone|telefon|téléphone|mobile|mobil|fax|address|adresse|"
    r"anschrift|dirección|website|homepage|web|nationality|nationalität|nationalité|citizenship|"
    r"date of birth|place of birth|born|geburtsdatum|geburtsort|name|linkedin|github|orcid|"
    r"skype|languages?|gender|marital status|familienstand)\s*:?"
)
_PAGE_NUMBER_RE = re.compile(
    r"(?i)^[\s\-–—]*(?:(?:page|seite|página|pagina|p\.)\s*)?\d{1,3}"
    r"(?:\s*(?:/|of|von|de|sur|di)\s*\d{1,3})?[\s\-–—]*$"
)
_PAGE_REF_RE = re.compile(
    r"(?i)(?:\b(?:page|seite|página|pagina|p\.)\s*)?\b\d{1,3}\s*(?:/|of|von|de|sur|di)\s*\d{1,3}\b"
    r"|\b(?:page|seite|página|pagina|p\.)\s*\d{1,3}\b|^\d{1,3}\b|\b\d{1,3}$"
)
_DATEISH_RE = re.compile(r"(?<!\d)(?:19|20)\d\d(?!\d)|\b\d{1,2}[./]\d{2,4}\b")
_MIN_COLUMN_RECTS = 3


class PdfError(Exception):
    """The PDF could not be opened; the message is meant for the chair."""


@dataclass(frozen=True)
class PdfText:
    """Text of the first pages, the page count, and how many pages needed layout analysis."""

    text: str
    pages: int
    layout_pages: int
    has_text: bool


def find_gutter(
    boxes: list[Box], page_width: float, text_of: TextOf | None = None
) -> tuple[float, float] | None:
    """The widest empty vertical band splitting the text into two real columns, or None.

    Lines crossing the band are tolerated up to 12% of all lines (a full-width name or
    summary). Both sides must hold several lines and span at least 22% of the page width, so
    a narrow column of dates beside the entries does not count as a column. A narrower side
    (a sidebar with contact details and skills) counts when most of its lines sit on baselines
    of their own: dates and labels beside entries share the entries' baselines, a sidebar set
    in its own font and spacing does not. When `text_of` gives the text of a line, a narrow
    side on shared baselines still counts when it reads like a sidebar (see `_sidebar_text`).
    """
    boxes = [box for box in boxes if box[2] - box[0] >= 1.0]
    if len(boxes) < 2 * _MIN_COLUMN_RECTS or page_width <= 0:
        return None
    gutter = _gutter(boxes, page_width, text_of)
    if gutter is not None:
        return gutter
    # A banner across the top (name, contact line, a summary paragraph) may cross the gutter
    # with more lines than are tolerated: look again below it, one top line at a time
    # (only when there are enough lines narrow enough to sit in a column at all).
    if sum(1 for box in boxes if box[2] - box[0] < 0.5 * page_width) < 2 * _MIN_COLUMN_RECTS:
        return None
    top_down = sorted(boxes, key=lambda box: -box[3])
    deepest = min(len(boxes) // 3, _MAX_BANNER_LINES)
    if deepest < 1 or _gutter(top_down[deepest:], page_width, text_of) is None:
        return None  # not even below the deepest banner: the usual single-column page
    for cut in range(1, deepest + 1):
        gutter = _gutter(top_down[cut:], page_width, text_of)
        if gutter is not None:
            return gutter
    return None


def _gutter(
    boxes: list[Box], page_width: float, text_of: TextOf | None
) -> tuple[float, float] | None:
    """The widest band of bins (between 15% and 85% of the width) crossed by few lines."""
    nbins = int(page_width / _BIN) + 2
    delta = [0] * (nbins + 1)
    for left, _bottom, right, _top in boxes:
        first = min(max(int(left / _BIN), 0), nbins - 1)
        last = min(max(int(right / _BIN), 0), nbins - 1)
        delta[first] += 1
        delta[last + 1] -= 1
    allowed = max(2, int(0.12 * len(boxes)))
    lo_bin, hi_bin = int(0.15 * page_width / _BIN), int(0.85 * page_width / _BIN)
    best: tuple[float, float] | None = None
    coverage, start = 0, None
    for index in range(nbins):
        coverage += delta[index]
        inside = lo_bin <= index <= hi_bin and coverage <= allowed
        if inside and start is None:
            start = index
        if start is not None and (not inside or index == nbins - 1):
            band = (start * _BIN, index * _BIN)
            if band[1] - band[0] >= _MIN_GUTTER and (
                best is None or band[1] - band[0] > best[1] - best[0]
            ):
                best = band
            start = None
    if best is None or not _real_columns(boxes, best, page_width, text_of):
        return None
    return best


def _real_columns(
    boxes: list[Box], gutter: tuple[float, float], page_width: float, text_of: TextOf | None
) -> bool:
    middle = (gutter[0] + gutter[1]) / 2
    left = [box for box in boxes if box[2] <= middle]
    right = [box for box in boxes if box[0] >= middle]
    if len(left) < _MIN_COLUMN_RECTS or len(right) < _MIN_COLUMN_RECTS:
        return False
    for side, other in ((left, right), (right, left)):
        span = max(box[2] for box in side) - min(box[0] for box in side)
        if span < _MIN_SIDEBAR_SHARE * page_width:
            return False
        narrow = span < _MIN_COLUMN_SHARE * page_width
        if narrow and _row_aligned(side, other) and not _text_says_sidebar(side, left, text_of):
            return False
    low = max(min(box[1] for box in left), min(box[1] for box in right))
    high = min(max(box[3] for box in left), max(box[3] for box in right))
    return high > low  # side by side, not one above the other


def _row_aligned(side: list[Box], other: list[Box]) -> bool:
    """Whether at least half of `side`'s lines share a baseline with a line of `other`."""
    bottoms = sorted(box[1] for box in other)
    aligned = 0
    for box in side:
        index = bisect.bisect_left(bottoms, box[1] - _BASELINE_TOLERANCE)
        if index < len(bottoms) and bottoms[index] <= box[1] + _BASELINE_TOLERANCE:
            aligned += 1
    return 2 * aligned >= len(side)


def _text_says_sidebar(side: list[Box], left: list[Box], text_of: TextOf | None) -> bool:
    return text_of is not None and _sidebar_text(side, side is left, text_of)


def _sidebar_text(side: list[Box], on_left: bool, text_of: TextOf) -> bool:
    """A narrow side sharing the main column's baselines is a sidebar, not a column of dates or
    labels, when few of its lines are dates, end in a colon or are field names ("Phone",
    "Nationality") and, on the left, its lines are ragged on the right (labels beside their
    values are set flush against them)."""
    top_down = sorted(side, key=lambda box: -box[3])
    texts = [text for text in (text_of(box).strip() for box in top_down) if text]
    if len(texts) < 4:
        return False
    dated = sum(1 for text in texts if _DATEISH_RE.search(text))
    is_label = [
        text.endswith((":", "：")) or bool(_FIELD_LABEL_RE.fullmatch(text)) for text in texts
    ]
    # a label with its value on the next line of the same side ("Phone" over the number) is
    # sidebar style; labels in a row of labels stand beside values in the other column
    labels = sum(
        1 for n, label in enumerate(is_label) if label and (n + 1 == len(texts) or is_label[n + 1])
    )
    if dated > 0.3 * len(texts) or labels > 0.3 * len(texts):
        return False
    if on_left:
        right_edge = max(box[2] for box in side)
        left_edge = min(box[0] for box in side)
        flush_right = sum(1 for box in side if right_edge - box[2] <= 2.0)
        flush_left = sum(1 for box in side if box[0] - left_edge <= 2.0)
        return flush_left > flush_right
    return True


def order_column_boxes(boxes: list[tuple[Box, str]], gutter: tuple[float, float]) -> list[str]:
    """Texts of layout boxes read column by column; a box crossing the gutter closes a run.

    A blank line ("\n") stands between a run's left and right column, so the last entry of
    one column does not run on into the first line of the other.
    """
    middle = (gutter[0] + gutter[1]) / 2
    out: list[str] = []
    left: list[str] = []
    right: list[str] = []
    for (x0, _y0, x1, _y1), text in sorted(boxes, key=lambda item: -item[0][3]):
        if x0 < gutter[0] - _BIN and x1 > gutter[1] + _BIN:
            out += _run(left, right)
            left, right = [], []
            out.append(text)
        elif (x0 + x1) / 2 < middle:
            left.append(text)
        else:
            right.append(text)
    return out + _run(left, right)


def _run(left: list[str], right: list[str]) -> list[str]:
    if not left or not right:
        return left + right
    if not left[-1].endswith("\n"):
        left = [*left[:-1], left[-1] + "\n"]
    return [*left, "\n", *right]


def _layout_pages(data: bytes, page_numbers: list[int]) -> dict[int, str]:
    """pdfminer text of the given pages, boxes in column order; pages that fail are left out."""
    from pdfminer.high_level import extract_pages
    from pdfminer.layout import LAParams, LTTextBox, LTTextLine

    texts: dict[int, str] = {}
    pages = extract_pages(io.BytesIO(data), page_numbers=page_numbers, laparams=LAParams())
    try:
        for number, layout in zip(sorted(page_numbers), pages, strict=False):
            boxes = [(box.bbox, box.get_text()) for box in layout if isinstance(box, LTTextBox)]
            lines = {
                line.bbox: line.get_text()
                for box in layout
                if isinstance(box, LTTextBox)
                for line in box
                if isinstance(line, LTTextLine)
            }
            gutter = find_gutter(
                list(lines), layout.width, lambda bbox, found=lines: found.get(bbox, "")
            )
            if gutter is not None:
                texts[number] = "".join(order_column_boxes(boxes, gutter))
            else:
                texts[number] = "".join(text for _bbox, text in boxes)
    except Exception:  # pdfminer on a hostile file: keep pdfium's text for the rest
        return texts
    return texts


def _page_text(page) -> tuple[str, bool]:
    """pdfium text of one page, and whether its text rectangles show two columns."""
    textpage = page.get_textpage()
    try:
        text = textpage.get_text_range()
        count = textpage.count_rects()
        rects = [textpage.get_rect(index) for index in range(count)]
        gutter = find_gutter(rects, page.get_width(), lambda box: textpage.get_text_bounded(*box))
    finally:
        textpage.close()
    return text, gutter is not None


def _open(data: bytes):
    try:
        return pdfium.PdfDocument(data)
    except pdfium.PdfiumError as exc:
        code = getattr(exc, "err_code", None)
        if code in (pdfium_c.FPDF_ERR_PASSWORD, pdfium_c.FPDF_ERR_SECURITY):
            raise PdfError("the PDF is password-protected") from exc
        raise PdfError("the PDF is damaged or incomplete") from exc


def _running_key(line: str) -> str:
    """A line with its page number masked ("page 2", "2/5", a number at either end)."""
    return _PAGE_REF_RE.sub("#", " ".join(line.split())).casefold()


def drop_running_lines(pages: list[str], edge: int = 3) -> list[str]:
    """Page furniture out of multi-page text: page numbers ("3", "Page 2 of 5", "- 4 -") among
    the first and last lines of every page, and lines that recur at the top or bottom of two or
    more pages (a running header "Jane Doe - CV - 2024") after the first page, so a list that
    runs across a page break is not cut or padded by them."""
    if len(pages) < 2:
        return pages
    counts: Counter[str] = Counter()
    for page in pages:
        lines = [line for line in page.splitlines() if line.strip()]
        counts.update({_running_key(line) for line in lines[:edge] + lines[-edge:]})
    running = {
        key
        for key, count in counts.items()
        if count >= 2 and len(key) <= 120 and sum(ch.isalpha() for ch in key) >= 3
    }
    out = []
    for number, page in enumerate(pages):
        lines = page.splitlines()
        filled = [i for i, line in enumerate(lines) if line.strip()]
        edges = set(filled[:edge] + filled[-edge:])
        kept = [
            line
            for i, line in enumerate(lines)
            if i not in edges
            or not (_PAGE_NUMBER_RE.match(line) or (number and _running_key(line) in running))
        ]
        out.append("\n".join(kept))
    return out


def pdf_to_text(data: bytes, limits: Limits) -> PdfText:
    """Text of the first `limits.max_pages` pages, pages separated by a blank line."""
    document = _open(data)
    try:
        page_count = len(document)
        texts: list[str] = []
        multi_column: list[int] = []
        for index in range(min(page_count, limits.max_pages)):
            page = document[index]
            try:
                text, columns = _page_text(page)
            except pdfium.PdfiumError as exc:
                raise PdfError(f"page {index + 1} of the PDF could not be read") from exc
            finally:
                page.close()
            texts.append(text)
            if columns:
                multi_column.append(index)
    finally:
        document.close()
    if multi_column:
        for index, text in _layout_pages(data, multi_column).items():
            if text.strip():
                texts[index] = text
    texts = drop_running_lines(texts)
    joined = "\n\n".join(text.strip("\r\n") for text in texts)
    has_text = len("".join(joined.split())) >= _MIN_TEXT_CHARS
    return PdfText(text=joined, pages=page_count, layout_pages=len(multi_column), has_text=has_text)
