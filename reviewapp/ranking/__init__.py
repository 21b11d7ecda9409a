"""Ranking: pure pandas/numpy/scipy computations over review data (no Flask, no database).

Input frames (the adapter in `frames.py` produces exactly these; any of them may be empty):

- ``reviews``: review_id, candidate_id, reviewer_id, rubric_id (the rubric version the review was
  made on), status ("draft" / "submitted"), recommendation ("strong_no" / "no" / "yes" /
  "strong_yes" or None), confidence (1–3 or None).
- ``scores``: review_id, criterion_id, value (int).
- ``criteria``: criterion_id, rubric_id, name, weight (> 0), scale_min, scale_max, position
  (order within its rubric); optionally description. Criteria of several rubric versions may
  share a name: per-criterion outputs are keyed by criterion NAME, in columns named
  ``criterion_column(name)`` == "criterion: <name>". Rubric ids grow with versions.
- ``candidates``: candidate_id, name — every candidate in scope, reviewed or not.
- ``assignments`` (optional, for `reviewer_stats`): reviewer_id, candidate_id.

Rules:

- Only submitted reviews count. A review's total on 0–100 is
  T = 100 · Σ w_c·(s_c − min_c)/(max_c − min_c) / Σ w_c over the criteria scored in that review,
  with the weights and scales of that review's rubric version (`totals.score_reviews`).
- Every method turns each review into a per-review value and scores a candidate by the mean of
  its values (median for ``median``): ``mean`` uses T; ``median`` uses T; ``zscore`` uses
  μ + σ·z with z against the reviewer's own mean/std when they have ≥ 2 reviews and std > 0,
  otherwise against everyone's; ``adjusted`` uses T − b_reviewer from the ridge-stabilised
  additive model T = μ + a_candidate + b_reviewer + noise, so its score is μ + a_candidate
  (`calibration`).
- Ranks: 1 is best, ties (to 1e-9) share the smallest rank ("1, 2, 2, 4"); within a tie more
  reviews first, then casefolded name. Unreviewed candidates have no score or rank and come last.
- Rank uncertainty: bootstrap of each candidate's per-review values, fixed seed, vectorised;
  5th–95th percentile rank interval and P(rank ≤ K) (`uncertainty`).
- Flags, reviewer statistics, per-criterion ICC(1) and what-if weights: see `compute`,
  `reviewers` and `agreement`.
"""

from reviewapp.ranking.agreement import AGREEMENT_COLUMNS, criterion_agreement, icc1
from reviewapp.ranking.calibration import DEFAULT_RIDGE, adjusted_values, zscore_values
from reviewapp.ranking.compute import (
    DISAGREEMENT_STD,
    FLAG_DISAGREEMENT,
    FLAG_INSUFFICIENT,
    METHOD_DESCRIPTIONS,
    METHODS,
    compare_rankings,
    rank_candidates,
)
from reviewapp.ranking.reviewers import REVIEWER_STAT_COLUMNS, reviewer_stats
from reviewapp.ranking.totals import (
    CRITERION_PREFIX,
    RECOMMENDATIONS,
    compute_totals,
    criterion_column,
    criterion_names,
    criterion_names_of,
    review_table,
)
from reviewapp.ranking.uncertainty import bootstrap_ranks, competition_ranks

__all__ = [
    "AGREEMENT_COLUMNS",
    "CRITERION_PREFIX",
    "DEFAULT_RIDGE",
    "DISAGREEMENT_STD",
    "FLAG_DISAGREEMENT",
    "FLAG_INSUFFICIENT",
    "METHODS",
    "METHOD_DESCRIPTIONS",
    "RECOMMENDATIONS",
    "REVIEWER_STAT_COLUMNS",
    "adjusted_values",
    "bootstrap_ranks",
    "compare_rankings",
    "competition_ranks",
    "compute_totals",
    "criterion_agreement",
    "criterion_column",
    "criterion_names",
    "criterion_names_of",
    "icc1",
    "rank_candidates",
    "review_table",
    "reviewer_stats",
    "zscore_values",
]
