"""The decision pack: frames in, .xlsx bytes out (openpyxl write-only, streaming; no Flask).

Sheets, in order: Ranking, Candidates, Reviews, Reviewers, Criteria, About. The "P(top K)" header
is written literally and K's value is stated on the About sheet, so the header never changes with
the position's settings (filters and macros keep working). Text passes through
`reviewapp.exports.safe`, numbers stay numbers, missing values are empty cells.
"""

from __future__ import annotations

import io
import math
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime

import numpy as np
import pandas as pd
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import Cell
from openpyxl.chart import BarChart, Reference
from openpyxl.formatting.rule import ColorScaleRule
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

from reviewapp.exports.safe import clean_text, needs_string_cell, plain_value, set_string
from reviewapp.ranking.totals import criterion_column, criterion_names_of

FONT = "Calibri"
HEADER_FONT = Font(name=FONT, size=11, bold=True, color="FFFFFF")
HEADER_FILL = PatternFill("solid", fgColor="1F4E78")
BODY_FONT = Font(name=FONT, size=11)
FLAG_FILL = PatternFill("solid", fgColor="FFF2CC")
MAX_WIDTH = 60
LINE_HEIGHT = 15  # points per line of 11-point text
FORMATS = {"num": "0.0", "num2": "0.00", "pct": "0%", "int": "0", "date": "yyyy-mm-dd hh:mm"}
RECOMMENDATION_LABELS = {
    "strong_no": "Strong no",
    "no": "No",
    "yes": "Yes",
    "strong_yes": "Strong yes",
}
CANDIDATE_FIELDS = (
    ("Candidate ID", "candidate_id", "auto"),
    ("Name", "name", "text"),
    ("Emails", "emails", "text"),
    ("Phone", "phone", "text"),
    ("Highest degree", "highest_degree", "text"),
    ("Institution", "institution", "text"),
    ("Degree year", "degree_year", "auto"),
    ("Current position", "current_position", "text"),
    ("Publications", "publications", "auto"),
    ("Documents", "documents", "auto"),
    ("Imported at", "imported_at", "date"),
)
_EMAIL_RE = re.compile(r"[\w.+'-]+@[\w-]+(?:\.[\w-]+)+")


@dataclass(frozen=True)
class DecisionPack:
    """Everything the workbook shows. Frame columns (missing ones give empty cells):

    - ranking: `rank_candidates` output.
    - criteria: `criterion_agreement` output (criterion, weight, scale_min, scale_max,
      description, icc); its order is the order of the criterion columns everywhere.
    - candidates: candidate_id, name, emails (list or text), phone, highest_degree, institution,
      degree_year, current_position, publications, documents, imported_at, attributes (dict of
      manifest values, shown in `manifest_columns` order).
    - reviews: candidate, reviewer_id, reviewer, stage, status, total, "criterion: <name>" raw
      scores, recommendation, confidence, comment, submitted_at, rubric_version, private_note.
    - reviewers: `reviewer_stats` output plus reviewer (name) and optionally email.
    `anonymize` shows reviewers as "Reviewer 1…n" (numbered by reviewer id, the same on every
    sheet); in free text (comments, private notes, manifest values, generated_by) it replaces
    reviewers' full names and e-mails (from the reviewer / email / reviewer_email columns) by
    their alias and any other e-mail address by a placeholder; and it drops the Emails column.
    The private-note column exists only with `include_private_notes`.
    """

    position_title: str
    stage: str
    method: str
    method_description: str
    ranking: pd.DataFrame
    criteria: pd.DataFrame
    candidates: pd.DataFrame = field(default_factory=pd.DataFrame)
    reviews: pd.DataFrame = field(default_factory=pd.DataFrame)
    reviewers: pd.DataFrame = field(default_factory=pd.DataFrame)
    generated_at: datetime | None = None
    generated_by: str = ""
    counts: Mapping[str, int] = field(default_factory=dict)
    rubric_versions: Sequence[object] = ()
    anonymize: bool = False
    include_private_notes: bool = False
    manifest_columns: Sequence[str] = ()
    shortlist_size: int = 10
    bootstrap: int = 1000


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
    convert = _cell_value if kind == "date" else _undated_value
    return Column(header, [convert(v) for v in series.tolist()], kind, **extra)


def _cell_value(value: object) -> object:
    """A plain value with its text cleaned for the sheet."""
    if type(value) is not str:
        value = plain_value(value)
    return clean_text(value) if isinstance(value, str) else value


def _undated_value(value: object) -> object:
    """Like `_cell_value`, but a datetime in a text or auto column becomes text: only date
    columns carry a date format."""
    value = _cell_value(value)
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


def _set_row_heights(ws, columns: list[Column], widths: list[float], first_row: int = 2) -> None:
    """Tall enough rows for wrapped text (write-only sheets cannot autofit), at most 20 lines."""
    for col, width in zip(columns, widths, strict=True):
        for i, value in enumerate(col.values):
            if isinstance(value, str) and (len(value) > width - 2 or "\n" in value):
                lines = min(20, _lines(value, width))
                row = ws.row_dimensions[first_row + i]
                row.height = max(row.height or 0, LINE_HEIGHT * lines)


def _print_setup(ws) -> None:
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
    _set_row_heights(
        ws,
        [c for c in columns if c.wrap],
        [w for w, c in zip(widths, columns, strict=True) if c.wrap],
    )
    if freeze:
        ws.freeze_panes = freeze
    last = get_column_letter(max(1, len(columns)))
    ws.auto_filter.ref = f"A1:{last}{n_rows + 1}"
    _print_setup(ws)
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


def reviewer_aliases(pack: DecisionPack) -> dict[object, str]:
    """reviewer_id → "Reviewer k", numbered in reviewer-id order, shared by every sheet."""
    ids = set()
    for frame in (pack.reviews, pack.reviewers):
        if "reviewer_id" in frame.columns:
            ids.update(frame["reviewer_id"].dropna().tolist())
    ordered = sorted(ids, key=lambda i: (isinstance(i, str), i if isinstance(i, str) else float(i)))
    return {reviewer: f"Reviewer {k}" for k, reviewer in enumerate(ordered, 1)}


def _scrubber(pack: DecisionPack, aliases: Mapping[object, str]):
    """Replace reviewers' full names and e-mails (whole words, any case) by their aliases, and
    any other e-mail address by a placeholder, in free text."""
    alias_of: dict[str, str] = {}
    for frame in (pack.reviews, pack.reviewers):
        for key in ("reviewer", "email", "reviewer_email"):
            if key in frame.columns and "reviewer_id" in frame.columns:
                for reviewer, text in zip(frame["reviewer_id"], frame[key], strict=True):
                    if isinstance(text, str) and text.strip() and reviewer in aliases:
                        alias_of[text.strip().casefold()] = aliases[reviewer]
    words = sorted(alias_of, key=len, reverse=True)
    pattern = (
        re.compile(r"(?<!\w)(?:" + "|".join(map(re.escape, words)) + r")(?!\w)", re.IGNORECASE)
        if words
        else None
    )

    def scrub(value: object) -> object:
        if not isinstance(value, str):
            return value
        if pattern is not None:
            value = pattern.sub(lambda m: alias_of.get(m.group(0).casefold(), "a reviewer"), value)
        return _EMAIL_RE.sub("[e-mail removed]", value)

    return scrub


def ranking_columns(ranking: pd.DataFrame, criteria_names: Sequence[str]) -> list[Column]:
    """The Ranking sheet's columns (also the CSV's), headers exactly as documented."""
    lo, hi = (ranking[k] if k in ranking.columns else None for k in ("rank_lo", "rank_hi"))
    intervals = []
    if lo is not None and hi is not None:
        for low, high in zip(lo.tolist(), hi.tolist(), strict=True):
            if pd.isna(low) or pd.isna(high):
                intervals.append(None)
            else:
                intervals.append(f"{int(low)}" if low == high else f"{int(low)}–{int(high)}")
    else:
        intervals = [None] * len(ranking)
    return [
        column(ranking, "rank", "Rank", "int"),
        column(ranking, "name", "Candidate"),
        column(ranking, "score", "Score", "num"),
        column(ranking, "mean", "Mean", "num"),
        column(ranking, "median", "Median", "num"),
        column(ranking, "zscore", "Z-calibrated", "num"),
        column(ranking, "adjusted", "Adjusted", "num"),
        column(ranking, "n_reviews", "Reviews", "int"),
        column(ranking, "std", "Std", "num"),
        column(ranking, "flags", "Flags"),
        Column("Rank 90% interval", intervals),
        column(ranking, "p_top_k", "P(top K)", "pct"),
        *(column(ranking, criterion_column(n), n, "num") for n in criteria_names),
        column(ranking, "strong_no", "Strong no", "int"),
        column(ranking, "no", "No", "int"),
        column(ranking, "yes", "Yes", "int"),
        column(ranking, "strong_yes", "Strong yes", "int"),
    ]


def pack_criteria_names(pack: DecisionPack) -> list[str]:
    """Criterion order: the criteria frame's, else the ranking's criterion columns."""
    if "criterion" in pack.criteria.columns and len(pack.criteria):
        return [str(n) for n in pack.criteria["criterion"].tolist()]
    return criterion_names_of(pack.ranking)


def _candidate_columns(pack: DecisionPack, scrub) -> list[Column]:
    frame = pack.candidates
    fields = [f for f in CANDIDATE_FIELDS if not (pack.anonymize and f[1] == "emails")]
    columns = [column(frame, key, header, kind) for header, key, kind in fields]
    attributes = frame["attributes"].tolist() if "attributes" in frame.columns else []
    for name in pack.manifest_columns:
        values = [_cell_value(a.get(name)) if isinstance(a, dict) else None for a in attributes]
        values = values or [None] * len(frame)
        columns.append(Column(str(name), [scrub(v) for v in values] if scrub else values, "auto"))
    return columns


def _review_columns(pack: DecisionPack, names: Sequence[str], aliases, scrub) -> list[Column]:
    frame = pack.reviews
    reviewer = column(frame, "reviewer", "Reviewer")
    if pack.anonymize:
        ids = frame["reviewer_id"].tolist() if "reviewer_id" in frame.columns else []
        reviewer.values = [aliases.get(i) for i in ids] or [None] * len(frame)
    status = column(frame, "status", "Status")
    status.values = [v.capitalize() if isinstance(v, str) else v for v in status.values]
    recommendation = column(frame, "recommendation", "Recommendation")
    recommendation.values = [RECOMMENDATION_LABELS.get(v, v) for v in recommendation.values]
    free_text = [column(frame, "comment", "Comment", wrap=True)]
    if pack.include_private_notes:
        free_text.append(column(frame, "private_note", "Private note", wrap=True))
    if scrub:
        for col in free_text:
            col.values = [scrub(v) for v in col.values]
    return [
        column(frame, "candidate", "Candidate"),
        reviewer,
        column(frame, "stage", "Stage"),
        status,
        column(frame, "total", "Total", "num"),
        *(column(frame, criterion_column(n), n, "int") for n in names),
        recommendation,
        column(frame, "confidence", "Confidence", "int"),
        free_text[0],
        column(frame, "submitted_at", "Submitted at", "date"),
        column(frame, "rubric_version", "Rubric version", "auto"),
        *free_text[1:],
    ]


def _reviewer_columns(pack: DecisionPack, aliases) -> list[Column]:
    frame = pack.reviewers
    reviewer = column(frame, "reviewer", "Reviewer")
    if pack.anonymize:
        ids = frame["reviewer_id"].tolist() if "reviewer_id" in frame.columns else []
        reviewer.values = [aliases.get(i) for i in ids] or [None] * len(frame)
    return [
        reviewer,
        column(frame, "assigned", "Assigned", "int"),
        column(frame, "submitted", "Submitted", "int"),
        column(frame, "mean_total", "Mean total given", "num"),
        column(frame, "leniency", "Leniency", "num"),
        column(frame, "std", "Std", "num"),
    ]


def _criteria_columns(pack: DecisionPack) -> list[Column]:
    frame = pack.criteria
    return [
        column(frame, "criterion", "Criterion"),
        column(frame, "weight", "Weight", "auto"),
        column(frame, "scale_min", "Scale min", "int"),
        column(frame, "scale_max", "Scale max", "int"),
        column(frame, "description", "Description", wrap=True),
        column(frame, "icc", "Agreement", "num2"),
    ]


def _write_about(ws, pack: DecisionPack, scrub) -> None:
    """Label/value rows explaining the pack, then the top 20 scores as a table and a bar chart."""
    k = pack.shortlist_size
    generated_by = scrub(pack.generated_by) if scrub else pack.generated_by
    rows: list[tuple[str, object]] = [
        ("Position", pack.position_title),
        ("Stage", pack.stage),
        ("Method", pack.method),
        ("What the method means", pack.method_description),
        ("Generated at (UTC)", pack.generated_at),
        ("Generated by", generated_by),
        *((str(label), count) for label, count in pack.counts.items()),
        ("Rubric version(s)", ", ".join(str(v) for v in pack.rubric_versions)),
        ("Shortlist size K", k),
        (
            "P(top K)",
            f"Share of {pack.bootstrap:,} bootstrap resamples of each candidate's reviews in "
            f"which the candidate ranks in the top K = {k}.",
        ),
        ("Rank 90% interval", "5th to 95th percentile of the candidate's rank in those resamples."),
        ("Anonymized", "Yes" if pack.anonymize else "No"),
        ("Private notes included", "Yes" if pack.include_private_notes else "No"),
    ]
    ranking = pack.ranking
    scored = ranking["score"].notna().to_numpy(dtype=bool) if "score" in ranking else []
    top = ranking[scored].head(20) if len(scored) else ranking.iloc[:0]
    labels = Column("", [label for label, _ in rows] + [None, "Top 20 scores", "Rank"])
    values = Column("", [_cell_value(v) for _, v in rows] + [None, None, "Candidate"], wrap=True)
    scores = Column("", [None] * (len(rows) + 2) + ["Score"], "num")
    if len(top):
        labels.values += column(top, "rank", "", "int").values
        values.values += column(top, "name", "").values
        scores.values += column(top, "score", "", "num").values
    ws.column_dimensions["A"].width = 26
    ws.column_dimensions["B"].width = MAX_WIDTH
    ws.column_dimensions["C"].width = 10
    _set_row_heights(ws, [values], [MAX_WIDTH], first_row=1)
    _print_setup(ws)
    bold = Font(name=FONT, size=11, bold=True)
    for label, value, score in zip(labels.values, values.values, scores.values, strict=True):
        row = [None, None, None]
        if label is not None:
            cell = WriteOnlyCell(ws)
            cell.font = bold
            cell.alignment = Alignment(horizontal="left", vertical="top")
            if isinstance(label, str):
                set_string(cell, label)
            else:
                cell.value = label
            row[0] = cell
        row[1] = _styled(ws, value, wrap=True)
        row[2] = _styled(ws, score)
        ws.append(row)
    if len(top):
        first = len(rows) + 4  # the first data row of the top-20 table (1-based)
        chart = BarChart()
        chart.type, chart.style, chart.title, chart.legend = "bar", 10, "Top 20 scores", None
        chart.add_data(Reference(ws, min_col=3, min_row=first, max_row=first + len(top) - 1))
        chart.set_categories(Reference(ws, min_col=2, min_row=first, max_row=first + len(top) - 1))
        chart.x_axis.scaling.orientation = "maxMin"  # rank 1 at the top
        chart.y_axis.scaling.min, chart.y_axis.scaling.max = 0, 100
        chart.x_axis.delete = chart.y_axis.delete = False
        chart.height, chart.width = 12, 18
        ws.add_chart(chart, "E2")


def _styled(ws, value: object, wrap: bool = False) -> WriteOnlyCell | None:
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


def build_workbook(pack: DecisionPack) -> bytes:
    """The decision pack as .xlsx bytes; see the module and `DecisionPack` docstrings."""
    wb = Workbook(write_only=True)
    wb.properties.creator = "reviewapp"
    names = pack_criteria_names(pack)
    aliases = reviewer_aliases(pack) if pack.anonymize else {}
    scrub = _scrubber(pack, aliases) if pack.anonymize else None

    ranking = ranking_columns(pack.ranking, names)
    flagged = [bool(f) for f in pack.ranking["flags"].tolist()] if "flags" in pack.ranking else None
    first_criterion = 1 + next(j for j, c in enumerate(ranking) if c.header == "P(top K)")
    # Colour scales on Score (the third column) and on every criterion mean.
    scaled = [2, *range(first_criterion, first_criterion + len(names))]
    write_table(
        wb.create_sheet("Ranking"), ranking, freeze="C2", flagged=flagged, colour_scaled=scaled
    )
    write_table(wb.create_sheet("Candidates"), _candidate_columns(pack, scrub), freeze="C2")
    write_table(
        wb.create_sheet("Reviews"), _review_columns(pack, names, aliases, scrub), freeze="C2"
    )
    write_table(wb.create_sheet("Reviewers"), _reviewer_columns(pack, aliases), freeze="B2")
    write_table(wb.create_sheet("Criteria"), _criteria_columns(pack), freeze="B2")
    _write_about(wb.create_sheet("About"), pack, scrub)
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()
