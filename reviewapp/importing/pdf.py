"""PDF to plain text: pypdfium2 for speed, pdfminer.six layout analysis for multi-column pages.

pdfium returns text in content-stream order, which interleaves the columns of a two-column CV
when the producer wrote it line by line across the page. Each page's text rectangles are
checked for a vertical gutter (cheap); only pages that have one go through pdfminer, whose text
boxes are then read column by column, top to bottom, with full-width boxes (a name banner, a
summary) keeping their place between the column runs.
"""

import io
from dataclasses import dataclass

import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_c

from reviewapp.importing.limits import Limits

Box = tuple[float, float, float, float]  # left, bottom, right, top (PDF user space)

NO_TEXT_LAYER = "no text layer (scanned?)"
_MIN_TEXT_CHARS = 20  # fewer non-space characters than this in the whole file: a scan
_BIN = 2.0  # points per bin of the horizontal coverage profile
_MIN_GUTTER = 10.0  # points
_MIN_COLUMN_SHARE = 0.22  # each column spans at least this share of the page width
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


def find_gutter(boxes: list[Box], page_width: float) -> tuple[float, float] | None:
    """The widest empty vertical band splitting the text into two real columns, or None.

    Lines crossing the band are tolerated up to 12% of all lines (a full-width name or
    summary). Both sides must hold several lines and span at least 22% of the page width, so
    a narrow column of dates beside the entries does not count as a column.
    """
    boxes = [box for box in boxes if box[2] - box[0] >= 1.0]
    if len(boxes) < 2 * _MIN_COLUMN_RECTS or page_width <= 0:
        return None
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
    if best is None or not _real_columns(boxes, best, page_width):
        return None
    return best


def _real_columns(boxes: list[Box], gutter: tuple[float, float], page_width: float) -> bool:
    middle = (gutter[0] + gutter[1]) / 2
    left = [box for box in boxes if box[2] <= middle]
    right = [box for box in boxes if box[0] >= middle]
    if len(left) < _MIN_COLUMN_RECTS or len(right) < _MIN_COLUMN_RECTS:
        return False
    for side in (left, right):
        span = max(box[2] for box in side) - min(box[0] for box in side)
        if span < _MIN_COLUMN_SHARE * page_width:
            return False
    low = max(min(box[1] for box in left), min(box[1] for box in right))
    high = min(max(box[3] for box in left), max(box[3] for box in right))
    return high > low  # side by side, not one above the other


def order_column_boxes(boxes: list[tuple[Box, str]], gutter: tuple[float, float]) -> list[str]:
    """Texts of layout boxes read column by column; a box crossing the gutter closes a run."""
    middle = (gutter[0] + gutter[1]) / 2
    out: list[str] = []
    left: list[str] = []
    right: list[str] = []
    for (x0, _y0, x1, _y1), text in sorted(boxes, key=lambda item: -item[0][3]):
        if x0 < gutter[0] - _BIN and x1 > gutter[1] + _BIN:
            out += left + right
            left, right = [], []
            out.append(text)
        elif (x0 + x1) / 2 < middle:
            left.append(text)
        else:
            right.append(text)
    return out + left + right


def _layout_pages(data: bytes, page_numbers: list[int]) -> dict[int, str]:
    """pdfminer text of the given pages, boxes in column order; pages that fail are left out."""
    from pdfminer.high_level import extract_pages
    from pdfminer.layout import LAParams, LTTextBox, LTTextLine

    texts: dict[int, str] = {}
    pages = extract_pages(io.BytesIO(data), page_numbers=page_numbers, laparams=LAParams())
    try:
        for number, layout in zip(sorted(page_numbers), pages, strict=False):
            boxes = [(box.bbox, box.get_text()) for box in layout if isinstance(box, LTTextBox)]
            lines = [
                line.bbox
                for box in layout
                if isinstance(box, LTTextBox)
                for line in box
                if isinstance(line, LTTextLine)
            ]
            gutter = find_gutter(lines, layout.width)
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
    finally:
        textpage.close()
    return text, find_gutter(rects, page.get_width()) is not None


def _open(data: bytes):
    try:
        return pdfium.PdfDocument(data)
    except pdfium.PdfiumError as exc:
        code = getattr(exc, "err_code", None)
        if code in (pdfium_c.FPDF_ERR_PASSWORD, pdfium_c.FPDF_ERR_SECURITY):
            raise PdfError("the PDF is password-protected") from exc
        raise PdfError("the PDF is damaged or incomplete") from exc


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
    joined = "\n\n".join(text.strip("\r\n") for text in texts)
    has_text = len("".join(joined.split())) >= _MIN_TEXT_CHARS
    return PdfText(text=joined, pages=page_count, layout_pages=len(multi_column), has_text=has_text)
