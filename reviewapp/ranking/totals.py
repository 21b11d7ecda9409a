"""Review totals on 0–100 from raw criterion scores, and the column conventions they share.

Pure numpy/pandas: frames in, frames or arrays out. See the package docstring for the input frames.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cached_property

import numpy as np
import pandas as pd

REVIEW_COLUMNS = (
    "review_id",
    "candidate_id",
    "reviewer_id",
    "rubric_id",
    "status",
    "recommendation",
    "confidence",
)
SCORE_COLUMNS = ("review_id", "criterion_id", "value")
CRITERION_COLUMNS = (
    "criterion_id",
    "rubric_id",
    "name",
    "weight",
    "scale_min",
    "scale_max",
    "position",
)
CANDIDATE_COLUMNS = ("candidate_id", "name")
SUBMITTED = "submitted"
STATUSES = ("draft", SUBMITTED)
RECOMMENDATIONS = ("strong_no", "no", "yes", "strong_yes")
# Per-criterion output columns are "criterion: <name>" so a criterion called "name" or "score"
# can never collide with a fixed column.
CRITERION_PREFIX = "criterion: "


def categorical(values: object, categories: tuple[str, ...]) -> object:
    """`values` as a pandas Categorical with these fixed categories, whose integer codes the
    ranking reads without hashing a string per review; `values` unchanged if any (non-missing)
    value is not among the categories, so nothing is ever lost."""
    plain = np.asarray(values, dtype=object)
    codes = pd.Index(list(categories), dtype=object).get_indexer(plain)
    if ((codes < 0) & pd.notna(plain)).any():
        return values
    return pd.Categorical.from_codes(codes, categories=list(categories))


def criterion_column(name: str) -> str:
    """The output column holding a per-criterion value for criterion `name`."""
    return CRITERION_PREFIX + name


def criterion_names_of(frame: pd.DataFrame) -> list[str]:
    """The criterion names of a frame's per-criterion columns, in column order."""
    n = len(CRITERION_PREFIX)
    return [str(c)[n:] for c in frame.columns if str(c).startswith(CRITERION_PREFIX)]


def ensure_columns(frame: pd.DataFrame | None, columns: tuple[str, ...], what: str) -> pd.DataFrame:
    """`frame` with `columns`; empty or missing frames get them, a non-empty one must have them."""
    if frame is None:
        return pd.DataFrame({c: pd.Series(dtype=object) for c in columns})
    missing = [c for c in columns if c not in frame.columns]
    if not missing:
        return frame
    if len(frame) == 0:
        extra = pd.DataFrame({c: pd.Series(dtype=object) for c in missing})
        return pd.concat([frame.reset_index(drop=True), extra], axis=1)
    raise ValueError(f"the {what} frame lacks the column(s) {', '.join(missing)}")


def _sort_codes(values: np.ndarray) -> np.ndarray:
    """Integers in the sort order of `values`: integer values themselves (no factorize, whose
    overhead dominates on a small frame), else their sorted factorize codes."""
    if values.dtype.kind == "i" or (values.dtype.kind == "u" and values.dtype.itemsize < 8):
        return values.astype(np.int64)
    return pd.factorize(values, sort=True)[0]


def criterion_names(criteria: pd.DataFrame) -> list[str]:
    """Criterion names in display order: the newest rubric version's order, then older-only names.

    Rubric ids are assumed to grow with versions; within a version, criteria follow `position`.
    """
    criteria = ensure_columns(criteria, CRITERION_COLUMNS, "criteria")
    return _names_in_order(criteria, criteria["rubric_id"].to_numpy(), criteria["name"].tolist())


def _names_in_order(criteria: pd.DataFrame, rubric_ids: np.ndarray, names: list) -> list[str]:
    """`criterion_names`, given the frame's rubric ids and names (read once by the caller)."""
    if not names:
        return []
    order = np.lexsort(
        (
            _sort_codes(criteria["criterion_id"].to_numpy()),
            _sort_codes(criteria["position"].to_numpy()),
            -_sort_codes(rubric_ids),
        )
    )  # newest rubric first, then position, then id (a stable sort of a small frame)
    return list(dict.fromkeys(str(names[i]) for i in order.tolist()))


def effective_weights(
    criteria: pd.DataFrame, weight_overrides: Mapping[str, float] | None
) -> np.ndarray:
    """Each criterion row's weight, with what-if overrides by criterion name (inputs untouched).

    An override may be 0 (leaves the criterion out); an unknown name or negative weight is an error.
    """
    weights = criteria["weight"].to_numpy(dtype=float, copy=True)
    if not weight_overrides:
        return weights
    names = criteria["name"].astype(object).to_numpy()
    known = set(names.tolist())
    for name, weight in weight_overrides.items():
        if name not in known:
            raise ValueError(f"no criterion is named {name!r}")
        if not (isinstance(weight, int | float) and math.isfinite(weight) and weight >= 0):
            raise ValueError(f"the weight of {name!r} must be a number >= 0, not {weight!r}")
        weights[names == name] = float(weight)
    return weights


def positions(index: pd.Series, keys: pd.Series) -> np.ndarray:
    """Row position in `index` (unique ids) of each key, −1 when absent.

    Small non-negative integer ids use a lookup table, several times faster than hashing.
    """
    ids, wanted = index.to_numpy(), keys.to_numpy()
    if ids.dtype.kind in "iu" and wanted.dtype.kind in "iu" and ids.size and wanted.size:
        low, high = int(ids.min()), int(ids.max())
        if low >= 0 and high <= 4 * ids.size + 1024:
            table = np.full(high + 2, -1, dtype=np.int64)
            table[ids] = np.arange(ids.size)
            if np.count_nonzero(table >= 0) == ids.size:  # else ids repeat: let pandas say so
                if int(wanted.min()) >= 0 and int(wanted.max()) <= high + 1:
                    return table[wanted]  # every key inside the table: no clipping pass
                return table[np.clip(wanted, -1, high + 1)]
    return pd.Index(ids).get_indexer(wanted)


@dataclass(frozen=True)
class ScoredReviews:
    """Reviews with their totals, and their scores as aligned arrays (positions into `reviews`).

    Built from either per-score arrays (`_arrays`) or, for the common dense layout, a reviews ×
    names `matrix` of raw values; the per-score arrays are then derived only when asked for.
    """

    reviews: pd.DataFrame  # the given reviews, index reset
    total: np.ndarray  # one per review; NaN when no criterion of its rubric was scored
    names: list[str]  # criterion names, display order
    # Raw values (integers) as a reviews × names matrix when every review scores every criterion
    # exactly once, in order; lets callers aggregate without a pass per score.
    matrix: np.ndarray | None = None
    _scale: tuple[np.ndarray, np.ndarray] | None = None  # dense: (min, max − min) per name
    _arrays: tuple[np.ndarray, ...] | None = None  # else: review, name, value, norm per score

    def norm_column(self, j: int) -> np.ndarray:
        """Dense layout only: every review's normalised score on criterion name `j`."""
        lo, span = self._scale
        return (self.matrix[:, j] - lo[j]) / span[j]

    @cached_property
    def score_review(self) -> np.ndarray:
        """Per score: row of `reviews`."""
        if self._arrays is not None:
            return self._arrays[0]
        return np.repeat(np.arange(len(self.reviews)), len(self.names))

    @cached_property
    def score_name(self) -> np.ndarray:
        """Per score: position in `names`."""
        if self._arrays is not None:
            return self._arrays[1]
        return np.tile(np.arange(len(self.names)), len(self.reviews))

    @cached_property
    def score_value(self) -> np.ndarray:
        """Per score: raw value (float)."""
        if self._arrays is not None:
            return self._arrays[2]
        return self.matrix.ravel().astype(float)

    @cached_property
    def score_norm(self) -> np.ndarray:
        """Per score: (value − min) / (max − min), in 0..1."""
        if self._arrays is not None:
            return self._arrays[3]
        lo, span = self._scale
        return ((self.matrix - lo) / span).ravel()


def _positional(frame: pd.DataFrame) -> pd.DataFrame:
    """`frame` with the index 0..n-1 (as it comes, when it has it)."""
    index = frame.index
    if isinstance(index, pd.RangeIndex) and index.start == 0 and index.step == 1:
        return frame
    return frame.reset_index(drop=True)


def _all_known(index: np.ndarray) -> bool:
    """No −1 (unknown id) among the positions."""
    return index.size == 0 or int(index.min()) >= 0


def _distinct(ids: np.ndarray) -> bool:
    """No integer id repeats: increasing ids at once, small ones by a count table, else sorted."""
    if (ids[1:] > ids[:-1]).all():
        return True
    low, high = int(ids.min()), int(ids.max())
    if low >= 0 and high - low <= 4 * ids.size + 1024:
        return int(np.bincount(ids - low).max()) <= 1
    return np.unique(ids).size == ids.size


def _dense_values(
    reviews: pd.DataFrame, scores: pd.DataFrame, criteria: pd.DataFrame
) -> tuple[np.ndarray, np.ndarray] | None:
    """(values, rows) when the scores (those of other reviews left out) are the first review's
    criteria, then the second's, and so on in the order of `reviews`, every review scoring every
    criterion once, in one order, with unique review ids; else None. `values` is reviews × that
    order; `rows[j]` is column j's row in `criteria`.

    Checked on the id columns in place: no per-score lookup or copy is made, unless scores of
    other reviews (drafts left out of a ranking) must be dropped first.
    """
    value, review_ids = scores["value"].to_numpy(), reviews["review_id"].to_numpy()
    criterion_ids = criteria["criterion_id"].to_numpy()
    n_reviews, n_criteria = len(review_ids), len(criterion_ids)
    if value.dtype.kind not in "iu" or review_ids.dtype.kind not in "iu" or n_reviews < 1:
        return None
    score_criterion, score_review = scores["criterion_id"].to_numpy(), None
    if len(value) > n_reviews * n_criteria:  # the general path ignores other reviews' scores
        score_review = scores["review_id"].to_numpy()
        if score_review.dtype.kind not in "iu":
            return None
        ours = positions(reviews["review_id"], scores["review_id"]) >= 0
        if np.count_nonzero(ours) != n_reviews * n_criteria:
            return None
        value, score_review, score_criterion = (
            value[ours],
            score_review[ours],
            score_criterion[ours],
        )
    if len(value) != n_reviews * n_criteria:
        return None
    row_of = {c: j for j, c in enumerate(criterion_ids.tolist())}
    rows = [row_of.get(c, -1) for c in score_criterion[:n_criteria].tolist()]
    if len(row_of) != n_criteria or min(rows) < 0 or len(set(rows)) != n_criteria:
        return None
    # Every review's criteria are the first review's: each score's criterion is that of the
    # score one review earlier (one contiguous comparison, several times faster than 2-D).
    if not (score_criterion[n_criteria:] == score_criterion[:-n_criteria]).all():
        return None
    # Every review's row holds its own id: its first id is the review's, and each of the
    # n × (k − 1) neighbour pairs inside a row is equal (the equal pairs less those that straddle
    # two rows). One contiguous comparison, and one strided read of the ids.
    if score_review is None:
        score_review = scores["review_id"].to_numpy()
    same = score_review[1:] == score_review[:-1]  # pair m: scores m and m + 1
    inside = np.count_nonzero(same) - np.count_nonzero(same[n_criteria - 1 :: n_criteria])
    if not (
        inside == n_reviews * (n_criteria - 1)
        and (score_review[::n_criteria] == review_ids).all()
        and _distinct(review_ids)
    ):
        return None
    return value.reshape(n_reviews, n_criteria), np.array(rows, dtype=np.int64)


def _score_dense(
    reviews: pd.DataFrame,
    names: list[str],
    dense: tuple[np.ndarray, np.ndarray],
    crit_name: np.ndarray,
    weights: np.ndarray,
    lo: np.ndarray,
    span: np.ndarray,
) -> ScoredReviews:
    """`score_reviews` for the dense layout: criterion by criterion, the same arithmetic in the
    same order as the general path (so bit-for-bit the same totals), and no array per score."""
    values, rows = dense
    # Criterion by criterion, added in order as the general path adds: one strided read of the
    # column into a contiguous buffer, then contiguous operations on it. The buffer is reused,
    # so no reviews × criteria float copy is ever made.
    numerator = np.zeros(len(reviews))
    norm = np.empty(len(reviews))
    for j, row in enumerate(rows.tolist()):
        np.subtract(values[:, j], lo[row], out=norm)
        norm /= span[row]
        norm *= weights[row]
        numerator += norm
    denominator = float(weights.sum())
    total = np.full(len(reviews), np.nan)
    if denominator > 0:
        np.divide(100.0 * numerator, denominator, out=total)
    by_name = crit_name[rows]  # column j holds name by_name[j]
    if (by_name == np.arange(len(names))).all():
        matrix = values
    else:  # scores listed in another order than the names: one reorder, for the consumers
        matrix = np.empty_like(values)
        matrix[:, by_name] = values
    at_name = np.empty(len(names), dtype=np.int64)
    at_name[crit_name] = np.arange(len(names))  # name → criterion row
    return ScoredReviews(reviews, total, names, matrix, (lo[at_name], span[at_name]))


def score_reviews(
    reviews: pd.DataFrame,
    scores: pd.DataFrame,
    criteria: pd.DataFrame,
    weight_overrides: Mapping[str, float] | None = None,
) -> ScoredReviews:
    """T = 100 · Σ w·(s − min)/(max − min) / Σ w over the criteria scored in the review.

    Weights and scales are those of the review's own rubric version; a score for a criterion of
    another rubric version, or for an unknown review or criterion, is ignored.
    """
    reviews = _positional(ensure_columns(reviews, REVIEW_COLUMNS, "reviews"))
    scores = ensure_columns(scores, SCORE_COLUMNS, "scores")
    criteria = ensure_columns(criteria, CRITERION_COLUMNS, "criteria")
    crit_rubric, row_names = criteria["rubric_id"].to_numpy(), criteria["name"].tolist()
    names = _names_in_order(criteria, crit_rubric, row_names)
    n_reviews = len(reviews)

    weights = effective_weights(criteria, weight_overrides)
    lo = criteria["scale_min"].to_numpy(dtype=float)
    span = criteria["scale_max"].to_numpy(dtype=float) - lo
    name_position = {name: j for j, name in enumerate(names)}
    crit_name = np.array([name_position[str(n)] for n in row_names], dtype=np.int64)

    one_rubric = len(criteria) > 0 and bool((crit_rubric == crit_rubric[0]).all())
    identity = len(names) == len(crit_name) and bool((crit_name == np.arange(len(names))).all())
    # One rubric version whose criteria have distinct names: rows and names correspond 1:1.
    one_to_one = one_rubric and len(names) == len(crit_name)
    if one_to_one and (reviews["rubric_id"].to_numpy() == crit_rubric[0]).all():
        dense = _dense_values(reviews, scores, criteria)
        if dense is not None:  # the common layout: no per-score arrays at all
            return _score_dense(reviews, names, dense, crit_name, weights, lo, span)
    ri = positions(reviews["review_id"], scores["review_id"])
    ci = positions(criteria["criterion_id"], scores["criterion_id"])
    value = scores["value"]
    if not pd.api.types.is_numeric_dtype(value):
        value = pd.to_numeric(value, errors="coerce")
    integral = value.dtype.kind in "iub"
    value = value.to_numpy(dtype=float)
    review_rubric = reviews["rubric_id"].to_numpy()
    if n_reviews == 0 or len(criteria) == 0:
        keep = np.zeros(len(value), dtype=bool)
    elif one_rubric and integral and _all_known(ri) and _all_known(ci):
        # The common case, settled without a mask pass over every score: one rubric version,
        # every id known, integer values; only reviews made on another version lose scores.
        other = review_rubric != crit_rubric[0]
        keep = ~other[ri] if other.any() else None
    else:
        keep = (ri >= 0) & (ci >= 0) & np.isfinite(value)
        if one_rubric:
            keep &= (review_rubric == crit_rubric[0])[np.maximum(ri, 0)]
        else:
            keep &= crit_rubric[np.maximum(ci, 0)] == review_rubric[np.maximum(ri, 0)]
    if keep is not None and not keep.all():
        ri, ci, value = ri[keep], ci[keep], value[keep]

    norm = value - lo[ci]
    norm /= span[ci]
    w = weights[ci]
    numerator = np.bincount(ri, weights=np.multiply(w, norm), minlength=n_reviews)
    denominator = np.bincount(ri, weights=w, minlength=n_reviews)
    total = np.full(n_reviews, np.nan)
    np.divide(100.0 * numerator, denominator, out=total, where=denominator > 0)
    score_name = ci if identity else crit_name[ci]  # one rubric version: rows are the names
    return ScoredReviews(reviews, total, names, _arrays=(ri, score_name, value, norm))


def submitted(reviews: pd.DataFrame) -> pd.DataFrame:
    """Only submitted reviews count: drafts never reach a ranking."""
    reviews = ensure_columns(reviews, REVIEW_COLUMNS, "reviews")
    column = reviews["status"]
    if isinstance(column.dtype, pd.CategoricalDtype):  # compare the codes: no string compares
        categories = column.dtype.categories.tolist()  # a few; no pandas lookup machinery
        codes = column.array.codes
        if SUBMITTED in categories:
            mask = codes == categories.index(SUBMITTED)
        else:
            mask = np.zeros(len(codes), dtype=bool)
        return reviews if mask.all() else reviews[mask]
    # Comparing the object array in place is 3× faster than Series.eq on pandas' python-backed
    # strings; a missing value that refuses comparison (pd.NA) takes the slower, exact route.
    status = np.asarray(column.array)
    try:
        mask = np.asarray(status == SUBMITTED, dtype=bool)
    except TypeError:
        status = reviews["status"].to_numpy(dtype=object, na_value=None)
        mask = np.asarray(status == SUBMITTED, dtype=bool)
    return reviews if mask.all() else reviews[mask]


def compute_totals(
    reviews: pd.DataFrame,
    scores: pd.DataFrame,
    criteria: pd.DataFrame,
    weight_overrides: Mapping[str, float] | None = None,
) -> pd.DataFrame:
    """One row per submitted review: its identifiers, recommendation, confidence and total T."""
    scored = score_reviews(submitted(reviews), scores, criteria, weight_overrides)
    out = scored.reviews[list(REVIEW_COLUMNS)].drop(columns="status")
    return out.assign(total=scored.total)


def review_table(
    reviews: pd.DataFrame,
    scores: pd.DataFrame,
    criteria: pd.DataFrame,
    weight_overrides: Mapping[str, float] | None = None,
) -> pd.DataFrame:
    """Every review (drafts too), its raw score per criterion name, and a total if submitted."""
    scored = score_reviews(reviews, scores, criteria, weight_overrides)
    out = scored.reviews[list(REVIEW_COLUMNS)].copy()
    is_submitted = out["status"].eq(SUBMITTED).to_numpy(dtype=bool, na_value=False)
    out["total"] = np.where(is_submitted, scored.total, np.nan)
    raw = np.full((len(out), len(scored.names)), np.nan)
    raw[scored.score_review, scored.score_name] = scored.score_value
    for j, name in enumerate(scored.names):
        out[criterion_column(name)] = raw[:, j]
    return out
