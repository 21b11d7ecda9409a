"""The decision pack: frames in, .xlsx bytes out (openpyxl write-only, streaming; no Flask).

The sheet-writing helpers (columns, widths, styles) are in `reviewapp.exports.table`.

Sheets, in order: Ranking, Candidates, Reviews, Reviewers, Criteria, About. The "P(top K)" header
is written literally and K's value is stated on the About sheet, so the header never changes with
the position's settings (filters and macros keep working). Text passes through
`reviewapp.exports.safe`, numbers stay numbers, missing values are empty cells.
"""

from __future__ import annotations

import io
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime

import pandas as pd
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.chart import BarChart, Reference
from openpyxl.styles import Alignment, Font

from reviewapp.exports.safe import set_string
from reviewapp.exports.table import (
    FONT,
    MAX_WIDTH,
    Column,
    cell_value,
    column,
    print_setup,
    set_row_heights,
    styled_cell,
    write_table,
)
from reviewapp.ranking.totals import criterion_column, criterion_names_of

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
    `weights_used` (criterion name → weight) are listed on the About sheet; `what_if` says they
    are the ranking page's unsaved what-if weights rather than the saved rubric's.
    `committee_identities`: every committee member's name and e-mail; anonymised free text shows
    those without a reviewer alias as "a committee member".
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
    weights_used: Mapping[str, float] = field(default_factory=dict)
    what_if: bool = False
    committee_identities: Sequence[str] = ()


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
    for text in pack.committee_identities:  # members a comment may name who have no row here
        if text.strip():
            alias_of.setdefault(text.strip().casefold(), "a committee member")
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
        values = [cell_value(a.get(name)) if isinstance(a, dict) else None for a in attributes]
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


def _weight_rows(pack: DecisionPack) -> list[tuple[str, object]]:
    """Which weights ranked the candidates: the saved rubric's, or what-if weights (listed)."""
    if not pack.weights_used:
        return []
    listed = "; ".join(f"{name}: {weight:g}" for name, weight in pack.weights_used.items())
    if pack.what_if:
        return [("Weights used", f"What-if weights, not saved in the rubric: {listed}")]
    return [("Weights used", f"The saved rubric's weights: {listed}")]


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
        *_weight_rows(pack),
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
    values = Column("", [cell_value(v) for _, v in rows] + [None, None, "Candidate"], wrap=True)
    scores = Column("", [None] * (len(rows) + 2) + ["Score"], "num")
    if len(top):
        labels.values += column(top, "rank", "", "int").values
        values.values += column(top, "name", "").values
        scores.values += column(top, "score", "", "num").values
    ws.column_dimensions["A"].width = 26
    ws.column_dimensions["B"].width = MAX_WIDTH
    ws.column_dimensions["C"].width = 10
    set_row_heights(ws, [values], [MAX_WIDTH], first_row=1)
    print_setup(ws)
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
        row[1] = styled_cell(ws, value, wrap=True)
        row[2] = styled_cell(ws, score)
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
