"""Synthetic committees with a known true order, for tests and benchmarks of the ranking methods.

Each candidate has a true quality q ~ N(0, 1); each reviewer an additive offset ~ N(0, leniency_sd)
(lenient > 0, harsh < 0). A review's latent value per criterion is q + offset + N(0, noise_sd),
mapped linearly onto the criterion scale (±3 units of latent span the scale), rounded and clipped.
Every candidate gets `reviews_per_candidate` reviews from distinct random reviewers.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from reviewapp.ranking.totals import RECOMMENDATIONS, STATUSES, SUBMITTED


@dataclass(frozen=True)
class Committee:
    """Input frames of `reviewapp.ranking` plus the truth they were generated from."""

    candidates: pd.DataFrame
    reviews: pd.DataFrame
    scores: pd.DataFrame
    criteria: pd.DataFrame
    quality: np.ndarray  # per row of `candidates`
    offsets: np.ndarray  # per reviewer, reviewer_id = 1001 + position


def distinct_choices(rng: np.random.Generator, rows: int, k: int, n: int) -> np.ndarray:
    """`rows` × `k` integers in [0, n), distinct within each row, uniformly, without a row loop."""
    if k > n:
        raise ValueError("cannot choose more distinct values than there are")
    picks = np.empty((rows, k), dtype=np.int64)
    for j in range(k):
        value = rng.integers(0, n - j, size=rows)
        # Skip over the values already taken, smallest first: the v-th value not yet chosen.
        for taken in np.sort(picks[:, :j], axis=1).T:
            value += value >= taken
        picks[:, j] = value
    return picks


def simulate_committee(
    seed: int = 0,
    *,
    n_candidates: int = 60,
    n_reviewers: int = 12,
    reviews_per_candidate: int = 3,
    n_criteria: int = 4,
    scale: tuple[int, int] = (1, 10),
    leniency_sd: float = 1.0,
    noise_sd: float = 0.5,
) -> Committee:
    """A committee as described in the module docstring; all reviews submitted, one rubric."""
    rng = np.random.default_rng(seed)
    quality = rng.normal(0.0, 1.0, n_candidates)
    offsets = rng.normal(0.0, leniency_sd, n_reviewers)
    chosen = distinct_choices(rng, n_candidates, reviews_per_candidate, n_reviewers)
    candidate_pos = np.repeat(np.arange(n_candidates), reviews_per_candidate)
    reviewer_pos = chosen.ravel()
    n_reviews = candidate_pos.size
    latent = (quality[candidate_pos] + offsets[reviewer_pos])[:, None] + rng.normal(
        0.0, noise_sd, (n_reviews, n_criteria)
    )
    low, high = scale
    middle, unit = (low + high) / 2.0, (high - low) / 6.0
    values = np.clip(np.rint(middle + unit * latent), low, high).astype(np.int64)
    mean_latent = latent.mean(axis=1)
    # Status and recommendation as Categoricals with fixed categories, as `frames.load_frames`
    # gives them.
    recommendation = pd.Categorical.from_codes(
        np.digitize(mean_latent, [-1.0, 0.0, 1.0]), categories=list(RECOMMENDATIONS)
    )
    status = pd.Categorical.from_codes(
        np.full(n_reviews, STATUSES.index(SUBMITTED)), categories=list(STATUSES)
    )

    candidate_ids = np.arange(1, n_candidates + 1)
    review_ids = np.arange(1, n_reviews + 1)
    criterion_ids = np.arange(1, n_criteria + 1)
    candidates = pd.DataFrame(
        {"candidate_id": candidate_ids, "name": [f"Candidate {i:05d}" for i in candidate_ids]}
    )
    reviews = pd.DataFrame(
        {
            "review_id": review_ids,
            "candidate_id": candidate_ids[candidate_pos],
            "reviewer_id": 1001 + reviewer_pos,
            "rubric_id": 1,
            "status": status,
            "recommendation": recommendation,
            "confidence": rng.integers(1, 4, n_reviews),
        }
    )
    scores = pd.DataFrame(
        {
            "review_id": np.repeat(review_ids, n_criteria),
            "criterion_id": np.tile(criterion_ids, n_reviews),
            "value": values.ravel(),
        }
    )
    criteria = pd.DataFrame(
        {
            "criterion_id": criterion_ids,
            "rubric_id": 1,
            "name": [f"Criterion {i}" for i in criterion_ids],
            "weight": 1.0,
            "scale_min": low,
            "scale_max": high,
            "position": criterion_ids,
        }
    )
    return Committee(candidates, reviews, scores, criteria, quality, offsets)
