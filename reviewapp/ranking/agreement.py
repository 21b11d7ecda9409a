"""How much reviewers agree, per criterion: ICC(1), one-way random effects, unbalanced groups."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd

from reviewapp.ranking.totals import (
    CRITERION_COLUMNS,
    criterion_names,
    ensure_columns,
    score_reviews,
    submitted,
)

AGREEMENT_COLUMNS = (
    "criterion",
    "weight",
    "scale_min",
    "scale_max",
    "description",
    "n_candidates",
    "n_scores",
    "icc",
)


def icc1(values: np.ndarray, groups: np.ndarray) -> float:
    """ICC(1) = (MSB − MSW) / (MSB + (n0 − 1)·MSW) over groups with ≥ 2 values, else NaN.

    MSB = Σ nᵢ(ȳᵢ − ȳ)² / (k − 1), MSW = ΣΣ (y − ȳᵢ)² / (N − k) and, for unequal group sizes,
    n0 = (N − Σ nᵢ² / N) / (k − 1). NaN when fewer than two groups qualify or nothing varies.
    """
    codes, _ = pd.factorize(np.asarray(groups))
    return _icc1_codes(np.asarray(values, dtype=float), codes)


def _icc1_codes(values: np.ndarray, codes: np.ndarray) -> float:
    """`icc1` with the groups already coded 0..n-1."""
    counts = np.bincount(codes) if codes.size else np.zeros(0, dtype=np.int64)
    keep = counts[codes] >= 2
    renumber = np.cumsum(counts >= 2) - 1  # group code → code among the groups kept
    codes, values = renumber[codes[keep]], values[keep]
    k = int((counts >= 2).sum())
    if k < 2:
        return math.nan
    n_i = np.bincount(codes, minlength=k).astype(float)
    total_n = float(n_i.sum())
    means = np.bincount(codes, weights=values, minlength=k) / n_i
    grand = float(values.mean())
    msb = float((n_i * (means - grand) ** 2).sum()) / (k - 1)
    msw = float(((values - means[codes]) ** 2).sum()) / (total_n - k)
    n0 = (total_n - float((n_i**2).sum()) / total_n) / (k - 1)
    denominator = msb + (n0 - 1.0) * msw
    if denominator <= 1e-12:
        return math.nan
    return (msb - msw) / denominator


def criterion_agreement(
    reviews: pd.DataFrame, scores: pd.DataFrame, criteria: pd.DataFrame
) -> pd.DataFrame:
    """One row per criterion name (display order): its newest version's settings and its ICC(1).

    Computed on submitted reviews, on the score normalised to 0..1 by its own rubric version's
    scale (so versions with other scales can be pooled; for one scale it equals the raw-score ICC).
    `description` is taken from the criteria frame when it has that column, else "".
    """
    criteria = ensure_columns(criteria, CRITERION_COLUMNS, "criteria")
    names = criterion_names(criteria)
    scored = score_reviews(submitted(reviews), scores, criteria)
    if scored.matrix is not None:  # every review scores every criterion: one coding serves all
        candidate, _ = pd.factorize(scored.reviews["candidate_id"].to_numpy())
    else:
        candidate, _ = pd.factorize(scored.reviews["candidate_id"].to_numpy()[scored.score_review])
    n_candidates = int(candidate.max()) + 1 if candidate.size else 0
    newest = criteria.sort_values(
        ["rubric_id", "position"], ascending=[False, True], kind="stable"
    ).drop_duplicates("name")
    newest = newest.assign(name=newest["name"].astype(str)).set_index("name")
    rows = []
    dense = scored.matrix is not None  # codes in order of first appearance, as `icc1` makes
    for j, name in enumerate(names):
        if dense:
            groups, values = candidate, scored.norm_column(j)
        else:
            mask = scored.score_name == j
            groups, values = candidate[mask], scored.score_norm[mask]
        per_candidate = np.bincount(groups, minlength=n_candidates)
        setting = newest.loc[name]
        description = setting["description"] if "description" in newest.columns else ""
        rows.append(
            {
                "criterion": name,
                "weight": float(setting["weight"]),
                "scale_min": int(setting["scale_min"]),
                "scale_max": int(setting["scale_max"]),
                "description": "" if pd.isna(description) else str(description),
                "n_candidates": int((per_candidate >= 2).sum()),
                "n_scores": int(per_candidate[per_candidate >= 2].sum()),
                "icc": _icc1_codes(values, groups) if dense else icc1(values, groups),
            }
        )
    frame = pd.DataFrame(rows, columns=list(AGREEMENT_COLUMNS))
    return frame.astype({"n_candidates": "int64", "n_scores": "int64", "icc": "float64"})
