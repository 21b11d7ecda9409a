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
    several reviews of one candidate are averaged first. Reviewers sharing no candidate get NaN
    (they are left out of the result, which is indexed by reviewer_id in id order).
    """
    reviewer, reviewer_ids = pd.factorize(totals["reviewer_id"].to_numpy(), sort=True)
    candidate, candidate_ids = pd.factorize(totals["candidate_id"].to_numpy())
    total = totals["total"].to_numpy(dtype=float)
    known = (reviewer >= 0) & (candidate >= 0)  # a missing id groups nowhere
    if not known.all():
        reviewer, candidate, total = reviewer[known], candidate[known], total[known]
    n_candidates = len(candidate_ids)
    # (reviewer, candidate) pairs as one integer, coded 0..n_pairs-1 by hashing (no sort).
    pair, pair_keys = pd.factorize(reviewer.astype(np.int64) * n_candidates + candidate)
    pair_sum = np.bincount(pair, weights=total, minlength=len(pair_keys))
    pair_count = np.bincount(pair, minlength=len(pair_keys))
    candidate_sum = np.bincount(candidate, weights=total, minlength=n_candidates)
    candidate_count = np.bincount(candidate, minlength=n_candidates)
    pair_candidate, pair_reviewer = pair_keys % n_candidates, pair_keys // n_candidates
    others = candidate_count[pair_candidate] - pair_count
    shared = others > 0
    own_mean = pair_sum[shared] / pair_count[shared]
    others_mean = (candidate_sum[pair_candidate][shared] - pair_sum[shared]) / others[shared]
    by = pair_reviewer[shared]
    sums = np.bincount(by, weights=own_mean - others_mean, minlength=len(reviewer_ids))
    counts = np.bincount(by, minlength=len(reviewer_ids))
    has = counts > 0
    index = pd.Index(np.asarray(reviewer_ids)[has], name="reviewer_id")
    return pd.Series(sums[has] / counts[has], index=index, dtype=float)


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
