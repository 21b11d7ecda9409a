"""Review totals on 0–100 from raw criterion scores, and the column conventions they share.

Pure numpy/pandas: frames in, frames or arrays out. See the package docstring for the input frames.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass

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
RECOMMENDATIONS = ("strong_no", "no", "yes", "strong_yes")
# Per-criterion output columns are "criterion: <name>" so a criterion called "name" or "score"
# can never collide with a fixed column.
CRITERION_PREFIX = "criterion: "


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


def criterion_names(criteria: pd.DataFrame) -> list[str]:
    """Criterion names in display order: the newest rubric version's order, then older-only names.

    Rubric ids are assumed to grow with versions; within a version, criteria follow `position`.
    """
    criteria = ensure_columns(criteria, CRITERION_COLUMNS, "criteria")
    if criteria.empty:
        return []
    ordered = criteria.sort_values(
        ["rubric_id", "position", "criterion_id"], ascending=[False, True, True], kind="stable"
    )
    return list(dict.fromkeys(str(n) for n in ordered["name"]))


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
                return table[np.clip(wanted, -1, high + 1)]
    return pd.Index(ids).get_indexer(wanted)


@dataclass(frozen=True)
class ScoredReviews:
    """Reviews with their totals, and their scores as aligned arrays (positions into `reviews`)."""

    reviews: pd.DataFrame  # the given reviews, index reset
    total: np.ndarray  # one per review; NaN when no criterion of its rubric was scored
    names: list[str]  # criterion names, display order
    score_review: np.ndarray  # per score: row of `reviews`
    score_name: np.ndarray  # per score: position in `names`
    score_value: np.ndarray  # raw value (float)
    score_norm: np.ndarray  # (value - min) / (max - min), in 0..1


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
    reviews = ensure_columns(reviews, REVIEW_COLUMNS, "reviews").reset_index(drop=True)
    scores = ensure_columns(scores, SCORE_COLUMNS, "scores")
    criteria = ensure_columns(criteria, CRITERION_COLUMNS, "criteria")
    names = criterion_names(criteria)
    n_reviews = len(reviews)

    weights = effective_weights(criteria, weight_overrides)
    lo = criteria["scale_min"].to_numpy(dtype=float)
    span = criteria["scale_max"].to_numpy(dtype=float) - lo
    crit_rubric = criteria["rubric_id"].to_numpy()
    crit_name = pd.Index(names, dtype=object).get_indexer(
        criteria["name"].astype(str).astype(object)
    )

    ri = positions(reviews["review_id"], scores["review_id"])
    ci = positions(criteria["criterion_id"], scores["criterion_id"])
    value = scores["value"]
    if not pd.api.types.is_numeric_dtype(value):
        value = pd.to_numeric(value, errors="coerce")
    value = value.to_numpy(dtype=float)
    keep = (ri >= 0) & (ci >= 0) & np.isfinite(value)
    review_rubric = reviews["rubric_id"].to_numpy()
    if n_reviews == 0 or len(criteria) == 0:
        keep[:] = False
    elif (crit_rubric == crit_rubric[0]).all():
        keep &= (review_rubric == crit_rubric[0])[np.maximum(ri, 0)]
    else:
        keep &= crit_rubric[np.maximum(ci, 0)] == review_rubric[np.maximum(ri, 0)]
    if not keep.all():
        ri, ci, value = ri[keep], ci[keep], value[keep]

    norm = (value - lo[ci]) / span[ci]
    w = weights[ci]
    numerator = np.bincount(ri, weights=w * norm, minlength=n_reviews)
    denominator = np.bincount(ri, weights=w, minlength=n_reviews)
    total = np.full(n_reviews, np.nan)
    np.divide(100.0 * numerator, denominator, out=total, where=denominator > 0)
    return ScoredReviews(reviews, total, names, ri, crit_name[ci], value, norm)


def submitted(reviews: pd.DataFrame) -> pd.DataFrame:
    """Only submitted reviews count: drafts never reach a ranking."""
    reviews = ensure_columns(reviews, REVIEW_COLUMNS, "reviews")
    return reviews[reviews["status"].eq(SUBMITTED).to_numpy(dtype=bool, na_value=False)]


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
