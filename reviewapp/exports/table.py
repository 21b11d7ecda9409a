"""Sheet-writing helpers for the decision pack: typed columns, fitted widths, styled rows.

openpyxl write-only sheets, no Flask. Values are made plain once (`column`); strings that openpyxl
would read as formulas go through `safe.set_string`, so every user text reads back as text.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

import numpy as np
import pandas as pd
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import Cell
from openpyxl.formatting.rule import ColorScaleRule
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

from reviewapp.exports.safe import clean_text, needs_string_cell, plain_value, set_string

FONT = "Calibri"
HEADER_FONT = Font(name=FONT, size=11, bold=True, color="FFFFFF")
HEADER_FILL = PatternFill("solid", fgColor="1F4E78")
BODY_FONT = Font(name=FONT, size=11)
FLAG_FILL = PatternFill("solid", fgColor="FFF2CC")
MAX_WIDTH = 60
LINE_HEIGHT = 15  # points per line of 11-point text
FORMATS = {"num": "0.0", "num2": "0.00", "pct": "0%", "int": "0", "date": "yyyy-mm-dd hh:mm"}


@dataclass
class Column:
    """One sheet column: header, plain cell values, and how to format them."""

    header: str
    values: list
    kind: str = "text"  # text | auto | num | pct | int | date
    wrap: bool = False


def column(frame: pd.DataFrame, key: str, header: str, kind: str = "text", **extra) -> Column:
    """A Column from frame[key] (empty cells when the frame lacks it), values made plain."""
    if key not in frame.columns:
        return Column(header, [None] * len(frame), kind, **extra)
    series = frame[key]
    if kind in ("num", "num2", "pct") or (kind == "int" and pd.api.types.is_numeric_dtype(series)):
        numbers = series.to_numpy(dtype=float, na_value=np.nan)
        values = numbers.astype(object)
        values[~np.isfinite(numbers)] = None
        if kind == "int":
            values = [v if v is None or not v.is_integer() else int(v) for v in values.tolist()]
        return Column(
            header, values if isinstance(values, list) else values.tolist(), kind, **extra
        )
    convert = cell_value if kind == "date" else undated_value
    return Column(header, [convert(v) for v in series.tolist()], kind, **extra)


def cell_value(value: object) -> object:
    """A plain value with its text cleaned for the sheet."""
    if type(value) is not str:
        value = plain_value(value)
    return clean_text(value) if isinstance(value, str) else value


def undated_value(value: object) -> object:
    """Like `cell_value`, but a datetime in a text or auto column becomes text: only date
    columns carry a date format."""
    value = cell_value(value)
    return value.strftime("%Y-%m-%d %H:%M") if isinstance(value, datetime) else value


def _width(col: Column) -> float:
    """Fitted to the longest header or value line, capped at MAX_WIDTH characters."""
    longest = len(col.header)
    values = col.values
    texts = [v for v in values if type(v) is str]
    if texts:
        longest = max(
            longest,
            max(len(t) if "\n" not in t else max(map(len, t.split("\n"))) for t in texts),
        )
    numbers = [v for v in values if type(v) is float or type(v) is int]
    if numbers:
        shown = f"{{:.{1 if col.kind == 'num' else 0}f}}"
        longest = max(longest, len(shown.format(max(numbers))), len(shown.format(min(numbers))))
    if col.kind in ("date", "auto") and any(isinstance(v, datetime) for v in values):
        longest = max(longest, 16)
    return min(MAX_WIDTH, longest + 2)


def _lines(text: str, width: float) -> int:
    """Display lines of wrapped text in a column `width` characters wide."""
    return sum(max(1, math.ceil(len(line) / max(1.0, width - 2))) for line in text.split("\n"))


def set_row_heights(ws, columns: list[Column], widths: list[float], first_row: int = 2) -> None:
    """Tall enough rows for wrapped text (write-only sheets cannot autofit), at most 20 lines."""
    for col, width in zip(columns, widths, strict=True):
        for i, value in enumerate(col.values):
            if isinstance(value, str) and (len(value) > width - 2 or "\n" in value):
                lines = min(20, _lines(value, width))
                row = ws.row_dimensions[first_row + i]
                row.height = max(row.height or 0, LINE_HEIGHT * lines)


def print_setup(ws) -> None:
    """Landscape, fitted to one page wide, header row repeated on every page."""
    ws.page_setup.orientation = "landscape"
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.print_title_rows = "1:1"


class TemplateCell(Cell):
    """A styled cell reused for every row of one column (write-only sheets consume each row as
    it is appended). Its style never changes after setup, so the style id is looked up once; and
    its repr is constant because openpyxl formats it into an exception message it then swallows
    for every cell passed as a Cell. Both matter on 20,000-row sheets."""

    __slots__ = ("_style_id",)

    def __init__(self, worksheet) -> None:
        super().__init__(worksheet, row=1, column=1)
        self._style_id = None

    @property
    def style_id(self) -> int:
        if self._style_id is None:
            self._style_id = self.parent.parent._cell_styles.add(self._style)
        return self._style_id

    def __repr__(self) -> str:
        return "<TemplateCell>"


def _template(ws, col: Column, fill: PatternFill | None) -> TemplateCell:
    cell = TemplateCell(ws)
    cell.font = BODY_FONT
    if col.kind in FORMATS:
        cell.number_format = FORMATS[col.kind]
    if col.wrap:
        cell.alignment = Alignment(wrap_text=True)  # bottom, like the unstyled cells beside it
    if fill is not None:
        cell.fill = fill
    return cell


def write_table(
    ws,
    columns: list[Column],
    *,
    freeze: str | None = "B2",
    flagged: Sequence[bool] | None = None,
    colour_scaled: Sequence[int] = (),
) -> None:
    """Header + rows on a write-only sheet, with widths, filter, freeze, colour scales, print setup.

    Strings that openpyxl would not keep as text (formula-like, error codes) and every value
    needing a style go through reused per-column template cells; the rest are appended raw.
    """
    n_rows = len(columns[0].values) if columns else 0
    widths = [_width(col) for col in columns]
    for j, width in enumerate(widths, 1):
        ws.column_dimensions[get_column_letter(j)].width = width
    set_row_heights(
        ws,
        [c for c in columns if c.wrap],
        [w for w, c in zip(widths, columns, strict=True) if c.wrap],
    )
    if freeze:
        ws.freeze_panes = freeze
    last = get_column_letter(max(1, len(columns)))
    ws.auto_filter.ref = f"A1:{last}{n_rows + 1}"
    print_setup(ws)
    for j in colour_scaled:
        if n_rows:
            letter = get_column_letter(j + 1)
            rule = ColorScaleRule(
                start_type="min", start_color="F8696B", mid_type="percentile", mid_value=50,
                mid_color="FFEB84", end_type="max", end_color="63BE7B",
            )  # fmt: skip
            ws.conditional_formatting.add(f"{letter}2:{letter}{n_rows + 1}", rule)

    header = []
    for col in columns:
        cell = WriteOnlyCell(ws)
        set_string(cell, col.header)
        cell.font, cell.fill = HEADER_FONT, HEADER_FILL
        cell.alignment = Alignment(vertical="center")
        header.append(cell)
    ws.append(header)

    plain = [_template(ws, col, None) for col in columns]
    highlighted = [_template(ws, col, FLAG_FILL) for col in columns]
    # Whole numbers look the same in General format and the default font is already Calibri, so
    # int and plain-text columns are appended raw; only floats, dates and wrapped text need a
    # style on every cell, and raw text only when openpyxl would not keep it as a string.
    styled = [j for j, c in enumerate(columns) if (c.kind in FORMATS and c.kind != "int") or c.wrap]
    special: dict[int, list[int]] = {}
    for j, col in enumerate(columns):
        if j not in styled:
            for i in [
                i for i, v in enumerate(col.values) if type(v) is str and needs_string_cell(v)
            ]:
                special.setdefault(i, []).append(j)
    flags = flagged if flagged is not None else [False] * n_rows
    rows = zip(*(col.values for col in columns), strict=True)
    for i, (values, is_flagged) in enumerate(zip(rows, flags, strict=True)):
        if is_flagged:
            row = [_put(cell, value) for cell, value in zip(highlighted, values, strict=True)]
        else:
            row = list(values)
            for j in styled:
                if row[j] is not None:
                    row[j] = _put(plain[j], row[j])
            for j in special.get(i, ()):
                row[j] = _put(plain[j], row[j])
        ws.append(row)


def _put(cell: TemplateCell, value: object) -> TemplateCell:
    """Give a template cell this row's value, typed directly (the public setter would read "="
    as a formula and costs a type dispatch per cell). Values are already plain (`column`)."""
    kind = type(value)
    if kind is str:
        set_string(cell, value)
        return cell
    cell._value = value
    if value is None or kind is int or kind is float:
        cell.data_type = "n"
    elif kind is datetime:
        cell.data_type = "d"
    elif kind is bool:
        cell.data_type = "b"
    else:
        cell.value = value  # anything else: let openpyxl type or refuse it
    return cell


def styled_cell(ws, value: object, wrap: bool = False) -> WriteOnlyCell | None:
    """One body cell formatted by its type: dates, whole numbers, one-decimal floats, text."""
    if value is None:
        return None
    cell = WriteOnlyCell(ws)
    cell.font = BODY_FONT
    if isinstance(value, str):
        set_string(cell, value)
    else:
        cell.value = value
        if isinstance(value, datetime):
            cell.number_format = FORMATS["date"]
        elif isinstance(value, float):
            cell.number_format = FORMATS["num"]
    cell.alignment = Alignment(horizontal="left", vertical="top", wrap_text=wrap)
    return cell
