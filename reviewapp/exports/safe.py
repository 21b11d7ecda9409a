"""The one place that makes user text safe for spreadsheets: the workbook and the CSV both use it.

Two dangers: a cell starting with = + - @ (or tab / carriage return, which some programs skip
before a formula) is run as a formula by Excel and LibreOffice ("CSV injection"); and control
characters that XML forbids make the file unreadable.
- In .xlsx the text is kept exactly and its cell is typed as a string (`data_type = "s"`), so
  it reads back as the same string and is never evaluated. openpyxl would otherwise turn "=…"
  into a formula and "#N/A"-like text into an error value.
- In CSV there are no types, so such a field gets a leading apostrophe ("'=1+1"), the
  convention Excel and LibreOffice show as text.
"""

from __future__ import annotations

import math
import re
from datetime import UTC, date, datetime

import numpy as np
import pandas as pd
from openpyxl.cell.cell import ERROR_CODES, ILLEGAL_CHARACTERS_RE

from reviewapp.textutil import strip_control_chars

# Full-width look-alikes are included: some spreadsheet locales read them as the ASCII sign.
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r", "＝", "＋", "－", "＠")
EXCEL_MAX_TEXT = 32_767
# Besides C0 controls, XML 1.0 forbids lone surrogates and U+FFFE/U+FFFF.
_XML_FORBIDDEN_RE = re.compile("[\ud800-\udfff\ufffe\uffff]")
# Everything the three cleaning steps below remove, for a quick "nothing to do" check.
_ANY_FORBIDDEN_RE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff\ufffe\uffff]")
LIST_SEPARATOR = "; "


def clean_text(text: str) -> str:
    """Text a spreadsheet cell can hold: no forbidden characters, at most 32,767 characters.

    Tab, newline and carriage return are kept (they are layout, and legal in XML).
    """
    if len(text) <= EXCEL_MAX_TEXT and _ANY_FORBIDDEN_RE.search(text) is None:
        return text  # the common case, one scan in C
    text = strip_control_chars(text)
    text = ILLEGAL_CHARACTERS_RE.sub("", text)
    text = _XML_FORBIDDEN_RE.sub("", text)
    return text[:EXCEL_MAX_TEXT]


def is_formula_like(text: str) -> bool:
    """True when a spreadsheet could read the text as a formula."""
    return text.startswith(FORMULA_PREFIXES)


def needs_string_cell(text: str) -> bool:
    """True when openpyxl would not store the text as a plain string by itself."""
    return text.startswith(FORMULA_PREFIXES) or text in ERROR_CODES


def set_string(cell, text: str) -> None:
    """Store cleaned `text` in an openpyxl cell as a string, whatever it starts with.

    Assigns the private `_value` on purpose: the public setter would first make "=…" a formula
    (and costs a type dispatch per cell on 20,000-row sheets); tests read every case back.
    """
    cell._value = text
    cell.data_type = "s"


def csv_text(text: str) -> str:
    """Cleaned text for a CSV field, with a leading apostrophe when it could run as a formula."""
    text = clean_text(text)
    return "'" + text if is_formula_like(text) else text


def plain_value(value: object) -> object:
    """A Python value for a cell: None for missing, int/float/str/datetime otherwise.

    NaN, NaT, pd.NA and ±inf become None; numpy scalars become Python numbers; datetimes become
    naive UTC (Excel has no time zones); lists and tuples are joined with "; "; dicts become
    "key: value; …"; anything else becomes its text. Strings are not cleaned here.
    """
    if value is None:
        return None
    if isinstance(value, bool):
        return value
    if isinstance(value, str):
        return value
    if isinstance(value, datetime):
        return _naive_utc(value)
    if isinstance(value, date):
        return datetime(value.year, value.month, value.day)
    if isinstance(value, int | float | np.generic):
        return _number(value)
    if isinstance(value, list | tuple | set | frozenset):
        parts = (plain_value(item) for item in value)
        return LIST_SEPARATOR.join(_as_text(p) for p in parts if p is not None and p != "")
    if isinstance(value, dict):
        pairs = ((k, plain_value(v)) for k, v in value.items())
        return LIST_SEPARATOR.join(f"{k}: {_as_text(v)}" for k, v in pairs if v is not None)
    try:
        if value != value:  # pd.NA raises here, NaT compares unequal to itself
            return None
    except TypeError:
        return None
    return str(value)


def _number(value: int | float | np.generic) -> object:
    """numpy or Python number → Python number; NaN/inf/NaT → None."""
    if isinstance(value, np.datetime64):
        return None if np.isnat(value) else plain_value(pd.Timestamp(value))
    if isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, float) and not math.isfinite(value):
        return None
    return value


def _naive_utc(moment: datetime) -> datetime | None:
    """Excel stores wall-clock times: aware datetimes are converted to UTC and made naive."""
    if moment != moment:  # pd.NaT
        return None
    if hasattr(moment, "to_pydatetime"):
        moment = moment.to_pydatetime()
    if moment.tzinfo is not None:
        moment = moment.astimezone(UTC).replace(tzinfo=None)
    return moment


def _as_text(value: object) -> str:
    """Text form of an already plain value, for joining lists."""
    if isinstance(value, datetime):
        return value.strftime("%Y-%m-%d %H:%M")
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)
