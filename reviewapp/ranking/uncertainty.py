"""Competition ranks ("1, 2, 2, 4") and bootstrap rank intervals, vectorised with numpy."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

# Scores equal after rounding to this many decimals tie.
TIE_DECIMALS = 9
# Bound on gathered (resample × review) elements held at once, to keep memory flat.
_CHUNK_ELEMENTS = 4_000_000


# Below this magnitude, scores rounded to TIE_DECIMALS are exactly the integers
# rint(score · 10^TIE_DECIMALS) scaled down, distinct integers giving distinct scores.
_INTEGER_KEYS_BELOW = 1e6


def stable_argsort(key: np.ndarray) -> np.ndarray:
    """`np.argsort(key, kind="stable")` of non-negative integers, as 16-bit radix sorts (numpy
    radix-sorts 16-bit integers), least significant digit first: several times faster than a
    64-bit sort for the few digits that keys of 20,000 rows need."""
    if key.size == 0 or int(key.min()) < 0:
        return np.argsort(key, kind="stable")
    top, shift, order = int(key.max()), 0, None
    while True:
        digit = ((key >> shift) & 0xFFFF).astype(np.uint16)
        if order is None:
            order = np.argsort(digit, kind="stable")
        else:
            order = order[np.argsort(digit[order], kind="stable")]
        shift += 16
        if top >> shift == 0:
            return order


def tie_levels(scores: np.ndarray) -> np.ndarray | None:
    """Non-negative integers per finite score: 0 for the best, equal exactly where scores tie
    (equal to 1e-9), larger for worse scores; None when a score is too large (≥ 1e6) for them.

    np.round(scores, TIE_DECIMALS) is rint(scores · 10^TIE_DECIMALS) / 10^TIE_DECIMALS: the
    integers order and tie exactly as the rounded scores, and radix-sort faster than floats.
    """
    if not (scores.size and float(np.abs(scores).max()) < _INTEGER_KEYS_BELOW):
        return None
    scaled = np.rint(scores * 10.0**TIE_DECIMALS).astype(np.int64)
    return int(scaled.max()) - scaled


def sorted_competition_ranks(ordered: np.ndarray) -> np.ndarray:
    """Competition ranks (int32) of values sorted best first (ascending tie levels): each run of
    equal values takes 1 + the position where the run starts."""
    size = ordered.size
    if size == 0:
        return np.empty(0, dtype=np.int32)
    first = np.empty(size, dtype=bool)  # each run's first value
    first[0] = True
    np.not_equal(ordered[1:], ordered[:-1], out=first[1:])
    starts = np.flatnonzero(first)
    return np.repeat((starts + 1).astype(np.int32), np.diff(starts, append=size))


def competition_ranks(scores: np.ndarray) -> np.ndarray:
    """Ranks of finite scores, 1 = highest; ties (equal to 1e-9) share the smallest rank."""
    scores = np.asarray(scores, dtype=float)
    levels = tie_levels(scores)
    if levels is None:
        return row_competition_ranks(scores[None, :])[0]
    order = np.argsort(levels)  # equal levels share a rank, in whatever order they come
    ranks = np.empty(scores.size, dtype=np.int32)
    ranks[order] = sorted_competition_ranks(levels[order])
    return ranks


def row_competition_ranks(matrix: np.ndarray) -> np.ndarray:
    """Competition ranks within each row of a 2-D array of finite scores (int32)."""
    rounded = np.round(matrix, TIE_DECIMALS)
    n_rows, n_cols = rounded.shape
    # Tied scores get one rank whatever their order, so an unstable sort (faster) will do.
    order = np.argsort(-rounded, axis=1)
    ordered = np.take_along_axis(rounded, order, axis=1)
    starts = np.zeros((n_rows, n_cols), dtype=np.int32)
    if n_cols > 1:
        is_new = ordered[:, 1:] != ordered[:, :-1]
        starts[:, 1:] = np.where(is_new, np.arange(1, n_cols, dtype=np.int32), 0)
    np.maximum.accumulate(starts, axis=1, out=starts)
    ranks = np.empty_like(starts)
    np.put_along_axis(ranks, order, starts + 1, axis=1)
    return ranks


@dataclass(frozen=True)
class RankInterval:
    """Per ranked candidate: 5th–95th percentile bootstrap rank and P(rank ≤ K)."""

    low: np.ndarray
    high: np.ndarray
    p_top_k: np.ndarray


def bootstrap_ranks(
    values: np.ndarray,
    group: np.ndarray,
    n_groups: int,
    *,
    statistic: str = "mean",
    resamples: int = 1000,
    seed: int = 0,
    shortlist_size: int = 10,
) -> RankInterval:
    """Resample each group's per-review values with replacement (same count), rank every resample.

    Every group (candidate) must have at least one value. For each resample the statistic (mean or
    median) of every group is ranked with `row_competition_ranks`; the interval is the 5th
    percentile (method "lower") to the 95th (method "higher") of a group's ranks, both ranks that
    occurred, and p_top_k the share of resamples in which the rank is ≤ `shortlist_size`.
    Vectorised: one gather per distinct review count and chunk of resamples, no loop per resample.
    """
    if statistic not in ("mean", "median"):
        raise ValueError(f"unknown statistic {statistic!r}")
    if n_groups == 0 or resamples <= 0:
        empty = np.full(n_groups, np.nan)
        return RankInterval(empty, empty.copy(), empty.copy())
    order = np.argsort(group, kind="stable")
    ordered = np.asarray(values, dtype=float)[order]
    counts = np.bincount(group, minlength=n_groups)
    if (counts == 0).any():
        raise ValueError("every group needs at least one value")
    starts = np.concatenate(([0], np.cumsum(counts)[:-1]))
    blocks = []  # (review count, member groups, member × count matrix of values)
    for n in np.unique(counts).tolist():
        members = np.flatnonzero(counts == n)
        blocks.append((n, members, ordered[starts[members][:, None] + np.arange(n)]))

    rng = np.random.default_rng(seed)
    chunk = max(1, min(resamples, _CHUNK_ELEMENTS // max(1, ordered.size)))
    ranks = np.empty((resamples, n_groups), dtype=np.int32)
    reduce = np.mean if statistic == "mean" else np.median
    for begin in range(0, resamples, chunk):
        size = min(chunk, resamples - begin)
        stats = np.empty((size, n_groups))
        for n, members, matrix in blocks:
            if n == 1:
                stats[:, members] = matrix[:, 0]
                continue
            picks = rng.integers(0, n, size=(size, members.size, n))
            rows = np.arange(members.size)[None, :, None]
            stats[:, members] = reduce(matrix[rows, picks], axis=2)
        ranks[begin : begin + size] = row_competition_ranks(stats)

    low = np.quantile(ranks, 0.05, axis=0, method="lower")
    high = np.quantile(ranks, 0.95, axis=0, method="higher")
    p_top_k = (ranks <= shortlist_size).mean(axis=0)
    return RankInterval(low.astype(float), high.astype(float), p_top_k)
