"""Rank candidates from their submitted reviews, with flags, rank intervals and what-if weights.

Pure pandas/numpy: frames in, one frame out. The rules are in the docstrings below and in the
package docstring (`reviewapp.ranking`), which also lists the input frames.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import pandas as pd

from reviewapp.ranking.calibration import (
    DEFAULT_RIDGE,
    adjusted_values,
    group_mean,
    group_median,
    group_std,
    zscore_values,
)
from reviewapp.ranking.totals import (
    CANDIDATE_COLUMNS,
    RECOMMENDATIONS,
    criterion_column,
    ensure_columns,
    score_reviews,
    submitted,
)
from reviewapp.ranking.uncertainty import bootstrap_ranks, competition_ranks
from reviewapp.textutil import fold

METHODS = ("mean", "median", "zscore", "adjusted")
METHOD_DESCRIPTIONS = {
    "mean": "Score is the mean of the candidate's review totals (0–100).",
    "median": (
        "Score is the median of the candidate's review totals (0–100), "
        "so one outlying review moves it little."
    ),
    "zscore": (
        "Each review total is re-expressed against its reviewer's own average and spread, then "
        "mapped back to the 0–100 scale, so lenient and harsh reviewers count alike."
    ),
    "adjusted": (
        "Totals are modelled as overall mean + candidate effect + reviewer effect; the score is "
        "the overall mean plus the candidate effect, i.e. the totals with each reviewer's "
        "estimated leniency or harshness taken out."
    ),
}
FLAG_DISAGREEMENT = "disagreement"
FLAG_INSUFFICIENT = "insufficient reviews"
DISAGREEMENT_STD = 20.0
NO_SIDE = ("strong_no", "no")
YES_SIDE = ("yes", "strong_yes")
_FLAG_SETS = (
    (),
    (FLAG_DISAGREEMENT,),
    (FLAG_INSUFFICIENT,),
    (FLAG_DISAGREEMENT, FLAG_INSUFFICIENT),
)


def display_order(
    rank: np.ndarray, n_reviews: np.ndarray, names: np.ndarray, ids: np.ndarray
) -> np.ndarray:
    """Rank ascending; within a tie more reviews first, then casefolded name, then id; no rank last.

    Names are casefolded, and non-ASCII ones also stripped of diacritics (`textutil.fold`).
    """
    size = len(rank)
    position = np.where(np.isnan(rank), size + 1, rank)
    order = np.lexsort((-n_reviews, position))
    if size < 2:
        return order
    key_rank, key_n = position[order], n_reviews[order]
    boundary = np.flatnonzero((key_rank[1:] != key_rank[:-1]) | (key_n[1:] != key_n[:-1])) + 1
    run = np.zeros(size, dtype=np.int64)
    run[boundary] = 1
    run = np.cumsum(run)
    tied = np.bincount(run)[run] > 1
    if tied.any():
        # Runs are contiguous and already in order, so one sort by (run, name, id) settles them
        # all; numpy sorts fixed-width strings in C, far faster than sorting Python tuples.
        slots = np.flatnonzero(tied)
        members = order[slots]
        keys = [
            (n.casefold() if n.isascii() else fold(n)) if isinstance(n, str) else ""
            for n in names[members].tolist()
        ]
        keys = np.array(keys or [""], dtype=str)
        id_rank = pd.factorize(pd.Series(ids[members]), sort=True)[0]
        within = np.lexsort((id_rank, keys[: members.size], run[slots]))
        order[slots] = members[within]
    return order


def _recommendation_counts(recommendation: pd.Series, codes: np.ndarray, n: int) -> np.ndarray:
    """Candidate × (strong_no, no, yes, strong_yes) counts of submitted recommendations."""
    kind = pd.Index(RECOMMENDATIONS, dtype=object).get_indexer(recommendation.astype(object))
    known = kind >= 0
    flat = np.bincount(codes[known] * 4 + kind[known], minlength=n * 4)
    return flat.reshape(n, 4).astype(np.int64)


def _nullable_int(values: np.ndarray) -> pd.arrays.IntegerArray:
    """Float array with NaN for missing → pandas Int64 with <NA>."""
    missing = np.isnan(values)
    return pd.arrays.IntegerArray(np.where(missing, 0, values).astype(np.int64), missing)


def rank_candidates(
    candidates: pd.DataFrame,
    reviews: pd.DataFrame,
    scores: pd.DataFrame,
    criteria: pd.DataFrame,
    *,
    method: str = "mean",
    reviews_per_candidate: int = 3,
    shortlist_size: int = 10,
    bootstrap: int = 1000,
    seed: int = 0,
    weight_overrides: Mapping[str, float] | None = None,
    ridge: float = DEFAULT_RIDGE,
) -> pd.DataFrame:
    """One row per candidate of `candidates`, in display order; `score` is the `method` column.

    Only submitted reviews with at least one scored criterion count (`n_reviews`); reviews of
    candidates outside `candidates` are ignored. Rank 1 is best; equal scores (to 1e-9) share the
    smallest rank; a candidate without a counted review has no score and no rank and comes last.
    Flags: "disagreement" when the population std of the totals is ≥ 20 or the recommendations
    include both a no (strong no/no) and a yes (yes/strong yes); "insufficient reviews" when
    n_reviews < `reviews_per_candidate`. rank_lo/rank_hi/p_top_k come from `bootstrap` resamples
    of each candidate's per-review values (see `uncertainty.bootstrap_ranks`); 0 skips them.
    Columns: candidate_id, name, rank, score, mean, median, zscore, adjusted, n_reviews, std,
    flags, rank_lo, rank_hi, p_top_k, "criterion: <name>" (mean raw score), strong_no, no, yes,
    strong_yes.
    """
    if method not in METHODS:
        raise ValueError(f"unknown method {method!r}; use one of {', '.join(METHODS)}")
    candidates = ensure_columns(candidates, CANDIDATE_COLUMNS, "candidates")
    ids = candidates["candidate_id"].to_numpy()
    names = candidates["name"].to_numpy(dtype=object)
    size = len(ids)

    counted = submitted(reviews)
    codes = pd.Index(ids).get_indexer(counted["candidate_id"])
    counted, codes = counted[codes >= 0], codes[codes >= 0]
    scored = score_reviews(counted, scores, criteria, weight_overrides)
    recommendations = _recommendation_counts(scored.reviews["recommendation"], codes, size)

    valid = np.isfinite(scored.total)
    total, candidate = scored.total[valid], codes[valid]
    reviewer, _ = pd.factorize(scored.reviews["reviewer_id"].to_numpy()[valid])
    n_reviewers = int(reviewer.max()) + 1 if reviewer.size else 0
    n_reviews = np.bincount(candidate, minlength=size).astype(np.int64)
    z_values = zscore_values(total, reviewer, n_reviewers)
    adjusted, _ = adjusted_values(total, candidate, size, reviewer, n_reviewers, ridge)
    columns = {
        "mean": group_mean(total, candidate, size),
        "median": group_median(total, candidate, size),
        "zscore": group_mean(z_values, candidate, size),
        "adjusted": group_mean(adjusted, candidate, size),
    }
    score = columns[method]
    ranked = n_reviews > 0
    rank = np.full(size, np.nan)
    rank[ranked] = competition_ranks(score[ranked])

    compact = np.full(size, -1)
    compact[ranked] = np.arange(int(ranked.sum()))
    per_review = {"mean": total, "median": total, "zscore": z_values, "adjusted": adjusted}
    interval = bootstrap_ranks(
        per_review[method],
        compact[candidate],
        int(ranked.sum()),
        statistic="median" if method == "median" else "mean",
        resamples=bootstrap,
        seed=seed,
        shortlist_size=shortlist_size,
    )
    rank_lo, rank_hi, p_top_k = (np.full(size, np.nan) for _ in range(3))
    rank_lo[ranked], rank_hi[ranked], p_top_k[ranked] = (
        interval.low,
        interval.high,
        interval.p_top_k,
    )

    std = group_std(total, candidate, size)
    both_sides = (recommendations[:, :2].sum(axis=1) > 0) & (recommendations[:, 2:].sum(axis=1) > 0)
    disagreement = (np.nan_to_num(std, nan=0.0) >= DISAGREEMENT_STD) | both_sides
    insufficient = n_reviews < reviews_per_candidate
    flag_code = disagreement.astype(int) + 2 * insufficient.astype(int)

    n_names = len(scored.names)
    score_candidate = codes[scored.score_review]
    key = score_candidate * n_names + scored.score_name
    sums = np.bincount(key, weights=scored.score_value, minlength=size * n_names)
    counts = np.bincount(key, minlength=size * n_names)
    criterion_means = np.full(size * n_names, np.nan)
    np.divide(sums, counts, out=criterion_means, where=counts > 0)
    criterion_means = criterion_means.reshape(size, n_names)

    order = display_order(rank, n_reviews, names, ids)
    out = {
        "candidate_id": ids[order],
        "name": candidates["name"].to_numpy()[order],
        "rank": _nullable_int(rank[order]),
        "score": score[order],
        **{name: values[order] for name, values in columns.items()},
        "n_reviews": n_reviews[order],
        "std": std[order],
        "flags": [list(_FLAG_SETS[c]) for c in flag_code[order].tolist()],
        "rank_lo": _nullable_int(rank_lo[order]),
        "rank_hi": _nullable_int(rank_hi[order]),
        "p_top_k": p_top_k[order],
    }
    for j, name in enumerate(scored.names):
        out[criterion_column(name)] = criterion_means[order, j]
    for j, name in enumerate(RECOMMENDATIONS):
        out[name] = recommendations[order, j]
    return pd.DataFrame(out, index=pd.RangeIndex(size))


def compare_rankings(before: pd.DataFrame, after: pd.DataFrame) -> pd.DataFrame:
    """Rank movement per candidate: rank_before − rank_after, so positive means moved up.

    Rows follow `after`'s order, then candidates found only in `before`; movement is <NA> when
    either ranking leaves the candidate unranked.
    """
    keep = ["candidate_id", "name", "rank", "score"]
    merged = after[keep].merge(
        before[keep], on="candidate_id", how="outer", suffixes=("_after", "_before"), sort=False
    )
    position = pd.Series(np.arange(len(after)), index=after["candidate_id"].to_numpy())
    merged["_order"] = merged["candidate_id"].map(position).fillna(len(after))
    merged = merged.sort_values("_order", kind="stable").reset_index(drop=True)
    rank_before = merged["rank_before"].astype("Int64")
    rank_after = merged["rank_after"].astype("Int64")
    return pd.DataFrame(
        {
            "candidate_id": merged["candidate_id"],
            "name": merged["name_after"].fillna(merged["name_before"]),
            "rank_before": rank_before,
            "rank_after": rank_after,
            "movement": rank_before - rank_after,
            "score_before": merged["score_before"].astype(float),
            "score_after": merged["score_after"].astype(float),
        }
    )
