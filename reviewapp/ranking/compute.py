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
    Groups,
    adjusted_values,
    zscore_values,
)
from reviewapp.ranking.totals import (
    CANDIDATE_COLUMNS,
    RECOMMENDATIONS,
    ScoredReviews,
    criterion_column,
    ensure_columns,
    positions,
    score_reviews,
    submitted,
)
from reviewapp.ranking.uncertainty import (
    bootstrap_ranks,
    competition_ranks,
    sorted_competition_ranks,
    stable_argsort,
    tie_levels,
)
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
# Recommendation → its column among the counts (built once: an Index is immutable).
_RECOMMENDATION_INDEX = pd.Index(RECOMMENDATIONS, dtype=object)


def _flag_lists(flag_code: np.ndarray) -> np.ndarray:
    """Object array of flag lists; rows with the same flags share one list (treat as read-only),
    which is 20× faster than a list per row on 20,000 candidates."""
    shared = np.empty(len(_FLAG_SETS), dtype=object)
    shared[:] = [list(flags) for flags in _FLAG_SETS]
    return shared[flag_code]


def _name_keys(names: list) -> list[str]:
    """Casefolded names (diacritics folded too when not ASCII); "" for a missing name."""
    try:
        plain = "".join(names).isascii()
    except TypeError:  # a missing name (None / NaN) among them
        plain = False
    if plain:
        return list(map(str.casefold, names))
    return [(n.casefold() if n.isascii() else fold(n)) if isinstance(n, str) else "" for n in names]


def _ascii_name_order(names: list) -> np.ndarray | None:
    """`_name_order` when every name is an ASCII string without NUL, else None: no key string
    per name. The lowercased names (ASCII casefolding) as NUL-padded bytes, read as big-endian
    8-byte integers, order as the strings do (a prefix first); a stable sort per 8-byte chunk,
    last chunk first, then orders the rows as a stable sort of the names would."""
    try:
        joined = "\0".join(names)
    except TypeError:  # a missing name (None / NaN) among them
        return None
    if not names or not joined.isascii():
        return None
    text = np.frombuffer(joined.encode("ascii"), dtype=np.uint8)
    text = text + 32 * ((text >= 65) & (text <= 90)).view(np.uint8)  # A–Z → a–z
    ends = np.flatnonzero(text == 0)  # one past each name but the last
    if ends.size != len(names) - 1:  # a name holds a NUL
        return None
    starts = np.append(0, ends + 1)
    lengths = np.append(ends, text.size) - starts
    width = max(8, -(-int(lengths.max()) // 8) * 8)
    text = np.append(text, np.zeros(width, dtype=np.uint8))  # room to read past the last name
    # Every byte offset's next 8 bytes as a big-endian integer (an unaligned view, no copy): one
    # gather per 8-byte chunk of every name, then the bytes past the name's end masked to NUL.
    words = np.ndarray((text.size - 7,), dtype=">u8", buffer=text, strides=(1,))
    # kept[m]: the top m bytes of a word, the ones inside a name with m bytes left.
    kept = np.array([(2**64 - 1) ^ ((1 << 8 * (8 - m)) - 1) for m in range(9)], dtype=np.uint64)
    shortest, order = int(lengths.min()), np.arange(len(names))
    for at in range(width - 8, -1, -8):  # last chunk first
        chunk = words[starts + at].astype(np.uint64)
        if shortest < at + 8:  # some name ends before the chunk does
            chunk &= kept[np.clip(lengths - at, 0, 8)]
        # A constant chunk (NUL padding, a common prefix) orders nothing.
        if not (chunk == chunk[0]).all():
            order = order[np.argsort(chunk[order], kind="stable")]
    return order


def _name_order(names: np.ndarray) -> np.ndarray:
    """Stable argsort of `names` by casefolded name (see `_name_keys`)."""
    listed = names.tolist()
    order = _ascii_name_order(listed)
    if order is not None:
        return order
    keys = _name_keys(listed)
    return np.fromiter(sorted(range(len(keys)), key=keys.__getitem__), np.int64, len(keys))


def display_order(
    rank: np.ndarray, n_reviews: np.ndarray, names: np.ndarray, ids: np.ndarray
) -> np.ndarray:
    """Rank ascending; within a tie more reviews first, then casefolded name, then id; no rank last.

    Names are casefolded, and non-ASCII ones also stripped of diacritics (`textutil.fold`).
    """
    size = len(rank)
    position = np.where(np.isnan(rank), size + 1, rank).astype(np.int64)
    return _key_order(_with_reviews(position, n_reviews), names, ids)


def rank_and_order(
    score: np.ndarray, n_reviews: np.ndarray, names: np.ndarray, ids: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """(rank, order): `competition_ranks` of the scores (NaN score: no rank, NaN) and the
    `display_order` of those ranks, from one sort. The scores' integer tie levels (see
    `uncertainty.tie_levels`) order and tie as the ranks do, so the sort that puts the rows in
    display order also lists every run of tied scores together, which is all ranks need."""
    size = len(score)
    ranked = ~np.isnan(score)
    rank = np.full(size, np.nan)
    levels = tie_levels(score[ranked])
    key = None
    if levels is not None:
        level = np.full(size, int(levels.max()) + 1)  # the unranked rows after every ranked one
        level[ranked] = levels
        key = _with_reviews(level, n_reviews)
    if key is None:  # scores too large for integer keys: rank, then order by rank
        rank[ranked] = competition_ranks(score[ranked])
        return rank, display_order(rank, n_reviews, names, ids)
    order = _key_order(key, names, ids)
    rank[order] = sorted_competition_ranks(level[order])
    rank[~ranked] = np.nan
    return rank, order


def _with_reviews(level: np.ndarray, n_reviews: np.ndarray) -> np.ndarray | None:
    """(level ascending, more reviews first) as one non-negative integer per row; None if that
    would not fit in 63 bits."""
    most = int(n_reviews.max()) + 1 if n_reviews.size else 1
    if level.size and (int(level.max()) + 1) * most >= 2**63:
        return None
    return level * most + (most - 1 - n_reviews)


def _key_order(key: np.ndarray, names: np.ndarray, ids: np.ndarray) -> np.ndarray:
    """Stable order of the rows by integer `key` ascending, then casefolded name, then id.

    One sort of the keys (taken in id order); names then only order the rows whose keys tie.
    """
    size = len(key)
    if size < 2:
        return np.arange(size)
    if ids.dtype.kind in "iu":
        by_id = None if bool((ids[1:] >= ids[:-1]).all()) else np.argsort(ids, kind="stable")
    else:
        by_id = np.argsort(pd.factorize(pd.Series(ids), sort=True)[0], kind="stable")
    in_id_order = key if by_id is None else key[by_id]
    # Any sort will do (numpy's default is the fastest): rows with equal keys are put in (name,
    # id) order below whatever order it leaves them in.
    by_key = np.argsort(in_id_order)  # id positions
    sorted_key = in_id_order[by_key]
    order = by_key if by_id is None else by_id[by_key]
    tied = sorted_key[1:] == sorted_key[:-1]
    n_tied = int(np.count_nonzero(tied))
    if not n_tied:
        return order
    # The runs of equal keys numbered in order: keys that sort in fewer radix digits.
    run = np.zeros(size, dtype=np.int64)
    np.cumsum(~tied, out=run[1:])
    if 2 * n_tied > size:
        # Mostly ties (means of a few integer scores): every row in (name, id) order, then
        # stably by run; the names are read in place, no row's name is gathered first.
        run_at = np.empty(size, dtype=np.int64)
        run_at[by_key] = run  # by id position
        by_name = _name_order(names if by_id is None else names[by_id])  # id positions
        by_name = by_name[stable_argsort(run_at[by_name])]
        return by_name if by_id is None else by_id[by_name]
    # Few ties (continuous scores): re-sort just the rows in runs by (run, name, id).
    in_run = np.zeros(size, dtype=bool)
    in_run[1:] = tied
    in_run[:-1] |= tied
    at = np.flatnonzero(in_run)
    # The tied rows in id order (a scatter by id position), so the stable name sort leaves equal
    # names in id order; where names follow ids the sort then also finds them nearly in order.
    slot = np.full(size, -1, dtype=np.int64)
    slot[by_key[at]] = np.arange(at.size)
    by_id_order = slot[slot >= 0]  # positions in `at`, in id order
    rows = order[at]
    by_name = by_id_order[_name_order(names[rows[by_id_order]])]  # positions in `at`
    order[at] = rows[by_name[stable_argsort(run[at][by_name])]]
    return order


def _dense_codes(ids: np.ndarray) -> tuple[np.ndarray, int]:
    """Codes 0..n-1 of the distinct ids (in id order for small integer ids, a table lookup
    faster than hashing; else in order of appearance), and n."""
    if ids.dtype.kind in "iu" and ids.size:
        low, high = int(ids.min()), int(ids.max())
        if low >= 0 and high - low <= 4 * ids.size + 1024:
            present = np.zeros(high - low + 1, dtype=bool)
            present[ids - low] = True
            code_of = np.cumsum(present) - 1
            return code_of[ids - low], int(code_of[-1]) + 1
    codes, uniques = pd.factorize(ids)
    return codes, len(uniques)


def _recommendation_counts(recommendation: pd.Series, codes: np.ndarray, n: int) -> np.ndarray:
    """Candidate × (strong_no, no, yes, strong_yes) counts of submitted recommendations."""
    if isinstance(recommendation.dtype, pd.CategoricalDtype):  # per category, not per review
        categories = recommendation.dtype.categories
        labels = recommendation.array.codes
        if tuple(categories) == RECOMMENDATIONS:  # the codes are the kinds (−1: missing)
            kind = labels.astype(np.int64)
        else:  # category → kind, and a last −1 that code −1 (missing) reads
            kind = np.append(_RECOMMENDATION_INDEX.get_indexer(categories), -1)[labels]
    else:
        values = np.asarray(recommendation.array)
        # An object Index built without a copy or type inference: hashing the labels is the cost.
        kind = _RECOMMENDATION_INDEX.get_indexer(pd.Index(values, dtype=object, copy=False))
    key = codes * 4
    key += kind
    if kind.size and int(kind.min()) < 0:  # missing or unknown recommendations count nowhere
        key = key[kind >= 0]
    flat = np.bincount(key, minlength=n * 4)
    return flat.reshape(n, 4).astype(np.int64, copy=False)


def _nullable_int(values: np.ndarray) -> pd.arrays.IntegerArray:
    """Float array with NaN for missing → pandas Int64 with <NA>."""
    missing = np.isnan(values)
    return pd.arrays.IntegerArray(np.where(missing, 0, values).astype(np.int64), missing)


def _criterion_means(
    scored: ScoredReviews, codes: np.ndarray, size: int, groups: Groups | None = None
) -> np.ndarray:
    """Candidate × criterion-name mean raw score over all counted reviews; NaN where unscored.

    `groups`, when given, groups exactly `codes`.
    """
    n_names = len(scored.names)
    if scored.matrix is not None:  # every review scores every criterion once: row sums
        return (groups or Groups(codes, size)).mean(scored.matrix)
    key = codes[scored.score_review]  # per score: candidate, then (candidate, name), in place
    key *= n_names
    key += scored.score_name
    sums = np.bincount(key, weights=scored.score_value, minlength=size * n_names)
    counts = np.bincount(key, minlength=size * n_names)
    criterion_means = np.full(size * n_names, np.nan)
    np.divide(sums, counts, out=criterion_means, where=counts > 0)
    return criterion_means.reshape(size, n_names)


def _rank_intervals(
    values: np.ndarray,
    candidate: np.ndarray,
    ranked: np.ndarray,
    order: np.ndarray,
    *,
    statistic: str,
    resamples: int,
    seed: int,
    shortlist_size: int,
) -> dict[str, object]:
    """The rank_lo, rank_hi and p_top_k columns in display `order`: `bootstrap_ranks` of the
    ranked candidates' per-review `values` (`candidate` gives each value's candidate), missing
    for the unranked, and throughout when there are no resamples."""
    size = ranked.size
    if resamples <= 0:
        missing = np.ones(size, dtype=bool)
        return {
            "rank_lo": pd.arrays.IntegerArray(np.zeros(size, dtype=np.int64), missing),
            "rank_hi": pd.arrays.IntegerArray(np.zeros(size, dtype=np.int64), missing.copy()),
            "p_top_k": np.full(size, np.nan),
        }
    compact = np.full(size, -1)  # position among the ranked candidates
    compact[ranked] = np.arange(int(ranked.sum()))
    interval = bootstrap_ranks(
        values,
        compact[candidate],
        int(ranked.sum()),
        statistic=statistic,
        resamples=resamples,
        seed=seed,
        shortlist_size=shortlist_size,
    )
    columns = {}
    for name, ranked_values in (
        ("rank_lo", interval.low),
        ("rank_hi", interval.high),
        ("p_top_k", interval.p_top_k),
    ):
        column = np.full(size, np.nan)
        column[ranked] = ranked_values
        columns[name] = np.take(column, order)
    columns["rank_lo"] = _nullable_int(columns["rank_lo"])
    columns["rank_hi"] = _nullable_int(columns["rank_hi"])
    return columns


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
    id_column, name_column = candidates["candidate_id"], candidates["name"]
    ids, names = id_column.to_numpy(), name_column.to_numpy(dtype=object)
    size = len(ids)

    counted = submitted(reviews)
    codes = positions(id_column, counted["candidate_id"])
    if (codes < 0).any():  # reviews of candidates outside `candidates`
        counted, codes = counted[codes >= 0], codes[codes >= 0]
    scored = score_reviews(counted, scores, criteria, weight_overrides)
    recommendations = _recommendation_counts(scored.reviews["recommendation"], codes, size)

    valid = np.isfinite(scored.total)
    everyone = bool(valid.all())
    total, candidate = (scored.total, codes) if everyone else (scored.total[valid], codes[valid])
    reviewer_ids = scored.reviews["reviewer_id"].to_numpy()
    reviewer, n_reviewers = _dense_codes(reviewer_ids if everyone else reviewer_ids[valid])
    groups = Groups(candidate, size)
    n_reviews = groups.counts.astype(np.int64)
    z_values = zscore_values(total, reviewer, n_reviewers)
    adjusted, _ = adjusted_values(
        total, candidate, size, reviewer, n_reviewers, ridge, groups=groups
    )
    columns = {
        "mean": groups.mean(total),
        "median": groups.median(total),
        "zscore": groups.mean(z_values),
        "adjusted": groups.mean(adjusted),
    }
    score = columns[method]
    ranked = n_reviews > 0
    rank, order = rank_and_order(score, n_reviews, names, ids)
    # Gathered at once, while the name order has just read them: a gather of string objects
    # touches each one (its reference count), slow once other work has pushed them out of cache.
    ordered_names = name_column.array.take(order)

    std = groups.std(total, columns["mean"])
    no_side = recommendations[:, 0] + recommendations[:, 1]
    yes_side = recommendations[:, 2] + recommendations[:, 3]
    both_sides = (no_side > 0) & (yes_side > 0)
    disagreement = (np.nan_to_num(std, nan=0.0) >= DISAGREEMENT_STD) | both_sides
    insufficient = n_reviews < reviews_per_candidate
    flag_code = disagreement.astype(int) + 2 * insufficient.astype(int)

    criterion_means = _criterion_means(scored, codes, size, groups if everyone else None)

    per_review = {"mean": total, "median": total, "zscore": z_values, "adjusted": adjusted}
    intervals = _rank_intervals(
        per_review[method],
        candidate,
        ranked,
        order,
        statistic="median" if method == "median" else "mean",
        resamples=bootstrap,
        seed=seed,
        shortlist_size=shortlist_size,
    )
    # np.take: several times faster than fancy indexing, on 2-D rows above all.
    method_columns = {name: np.take(values, order) for name, values in columns.items()}
    out = {
        "candidate_id": np.take(ids, order),
        "name": ordered_names,
        "rank": _nullable_int(np.take(rank, order)),
        "score": method_columns[method].copy(),
        **method_columns,
        "n_reviews": np.take(n_reviews, order),
        "std": np.take(std, order),
        "flags": _flag_lists(np.take(flag_code, order)),
        **intervals,
    }
    criterion_means = np.take(criterion_means, order, axis=0)
    for j, name in enumerate(scored.names):
        out[criterion_column(name)] = criterion_means[:, j]
    recommendations = np.take(recommendations, order, axis=0)
    for j, name in enumerate(RECOMMENDATIONS):
        out[name] = recommendations[:, j]
    return pd.DataFrame(out, index=pd.RangeIndex(size), copy=False)


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
