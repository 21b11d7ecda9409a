"""The Ranking sheet as CSV bytes: UTF-8 with a byte-order mark so Excel detects the encoding."""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from datetime import datetime

import pandas as pd

from reviewapp.exports.safe import csv_text
from reviewapp.exports.workbook import ranking_columns

# Enough to reproduce every displayed figure and tie; full binary precision is noise to a reader.
CSV_DECIMALS = 6


def _field(value: object) -> object:
    """Numbers as numbers (rounded), text neutralised by `safe.csv_text`, missing as empty."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, float):
        rounded = round(value, CSV_DECIMALS)
        return int(rounded) if rounded.is_integer() else rounded
    if isinstance(value, int):
        return value
    if isinstance(value, datetime):
        return value.strftime("%Y-%m-%d %H:%M")
    return csv_text(str(value))


def ranking_csv(ranking: pd.DataFrame, criteria_names: Sequence[str]) -> bytes:
    """The Ranking sheet's headers and rows as CSV (CRLF lines, fields quoted where needed)."""
    columns = ranking_columns(ranking, criteria_names)
    buffer = io.StringIO()
    writer = csv.writer(buffer, quoting=csv.QUOTE_MINIMAL, lineterminator="\r\n")
    writer.writerow([csv_text(col.header) for col in columns])
    for values in zip(*(col.values for col in columns), strict=True):
        writer.writerow([_field(v) for v in values])
    return buffer.getvalue().encode("utf-8-sig")
