"""Per-reviewer workload and scoring habits: what a chair looks at before trusting a ranking."""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import pandas as pd

from reviewapp.ranking.totals import REVIEW_COLUMNS, compute_totals, ensure_columns, submitted

REVIEWER_STAT_COLUMNS = ("reviewer_id", "assigned", "submitted", "mean_total", "leniency", "std")


def leniency(totals: pd.DataFrame) -> pd.Series:
    """Per reviewer: mean over shared candidates of (their T − the other reviewers' mean T).

    Paired per candidate, so a reviewer of strong candidates is not called lenient; a reviewer's
    several reviews of one candidate are averaged first. Reviewers sharing no candidate get NaN.
    """
    pair = totals.groupby(["reviewer_id", "candidate_id"])["total"].agg(["sum", "count"])
    per_candidate = totals.groupby("candidate_id")["total"].agg(["sum", "count"])
    joined = pair.reset_index().merge(
        per_candidate.reset_index(), on="candidate_id", suffixes=("", "_all")
    )
    joined = joined.set_index("reviewer_id")
    others = joined["count_all"] - joined["count"]
    shared = others.to_numpy() > 0
    own_mean = joined["sum"] / joined["count"]
    others_mean = (joined["sum_all"] - joined["sum"]) / others.where(others > 0)
    difference = (own_mean - others_mean)[shared]
    return difference.groupby(level="reviewer_id").mean()


def reviewer_stats(
    reviews: pd.DataFrame,
    scores: pd.DataFrame,
    criteria: pd.DataFrame,
    *,
    assignments: pd.DataFrame | None = None,
    weight_overrides: Mapping[str, float] | None = None,
) -> pd.DataFrame:
    """One row per reviewer (sorted by id): assigned, submitted, mean total given, leniency, std.

    `assigned` counts the rows of `assignments` (reviewer_id, candidate_id) when given, else the
    reviewer's reviews in any status. Mean and population std are over their submitted totals;
    see `leniency` for that rule. A reviewer with nothing submitted has NaN statistics.
    """
    reviews = ensure_columns(reviews, REVIEW_COLUMNS, "reviews")
    totals = compute_totals(reviews, scores, criteria, weight_overrides)
    totals = totals[totals["total"].notna().to_numpy(dtype=bool)]
    if assignments is None:
        assigned = reviews.groupby("reviewer_id").size()
    else:
        assignments = ensure_columns(assignments, ("reviewer_id", "candidate_id"), "assignments")
        assigned = assignments.groupby("reviewer_id").size()
    done = submitted(reviews).groupby("reviewer_id").size()
    by_reviewer = totals.groupby("reviewer_id")["total"]
    parts = {
        "assigned": assigned,
        "submitted": done,
        "mean_total": by_reviewer.mean(),
        "leniency": leniency(totals),
        "std": by_reviewer.std(ddof=0),
    }
    anyone = [reviews["reviewer_id"].dropna().tolist(), *(p.index.tolist() for p in parts.values())]
    ids = sorted(set().union(*anyone))
    index = pd.Index(ids, dtype=object if not ids else None, name="reviewer_id")
    frame = pd.DataFrame({name: part.reindex(index) for name, part in parts.items()}, index=index)
    frame["assigned"] = frame["assigned"].fillna(0).astype(np.int64)
    frame["submitted"] = frame["submitted"].fillna(0).astype(np.int64)
    for column in ("mean_total", "leniency", "std"):
        frame[column] = frame[column].astype(float)
    return frame.reset_index()[list(REVIEWER_STAT_COLUMNS)]
