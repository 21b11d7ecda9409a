"""z-calibration and the ridge-stabilised additive model, on hand-computed committees."""

import math

import numpy as np
import pandas as pd
import pytest
from scipy.stats import kendalltau

from reviewapp.ranking import rank_candidates
from reviewapp.ranking.calibration import reviewer_effects, zscore_values
from reviewapp.ranking.simulate import distinct_choices, simulate_committee

pytestmark = pytest.mark.unit

OVERALL = pd.DataFrame(
    {
        "criterion_id": [1],
        "rubric_id": [1],
        "name": ["Overall"],
        "weight": [1.0],
        "scale_min": [0],
        "scale_max": [100],
        "position": [1],
    }
)


def scored(rows, **kwargs):
    """rows: (candidate name, reviewer_id, total on 0–100) → {name: (zscore, adjusted, mean)}."""
    names = list(dict.fromkeys(r[0] for r in rows))
    candidates = pd.DataFrame({"candidate_id": range(1, len(names) + 1), "name": names})
    ids = dict(zip(names, candidates["candidate_id"], strict=True))
    reviews = pd.DataFrame(
        {
            "review_id": range(1, len(rows) + 1),
            "candidate_id": [ids[r[0]] for r in rows],
            "reviewer_id": [r[1] for r in rows],
            "rubric_id": 1,
            "status": "submitted",
            "recommendation": None,
            "confidence": None,
        }
    )
    scores = pd.DataFrame(
        {"review_id": range(1, len(rows) + 1), "criterion_id": 1, "value": [r[2] for r in rows]}
    )
    out = rank_candidates(candidates, reviews, scores, OVERALL, bootstrap=0, **kwargs)
    return {
        n: (round(z, 6), round(a, 6), round(m, 6))
        for n, z, a, m in zip(out["name"], out["zscore"], out["adjusted"], out["mean"], strict=True)
    }


def test_zscore_hand_computed_with_fallback_for_a_single_review():
    # R1 gave A 60, B 40: μ_r 50, σ_r 10 → z_A = 1, z_B = −1. R2 gave A 90, B 70: same z.
    # R3 has one review (C 50): z = (50 − μ)/σ with all totals 60, 40, 90, 70, 50:
    # μ = 62, σ = √((4 + 484 + 784 + 64 + 144)/5) = √296 = 17.204650534.
    # Scores μ + σ·mean(z): A = 62 + √296 = 79.204651, B = 62 − √296 = 44.795349, C = 50.
    out = scored([("A", 1, 60), ("B", 1, 40), ("A", 2, 90), ("B", 2, 70), ("C", 3, 50)])
    assert {n: v[0] for n, v in out.items()} == {"A": 79.204651, "B": 44.795349, "C": 50.0}
    assert {n: v[2] for n, v in out.items()} == {"A": 75.0, "B": 55.0, "C": 50.0}


def test_zscore_reviewer_without_spread_uses_everyone():
    # R1 gave A 60, B 60 (σ_r = 0 → global z); R2 gave A 80, B 40 (z = ±1).
    # Global μ = 60, σ = √((0 + 0 + 400 + 400)/4) = √200. R1's z = 0 for both.
    # A = 60 + √200 · (0 + 1)/2 = 67.071068; B = 60 − √200/2 = 52.928932.
    out = scored([("A", 1, 60), ("B", 1, 60), ("A", 2, 80), ("B", 2, 40)])
    assert {n: v[0] for n, v in out.items()} == {"A": 67.071068, "B": 52.928932}


def test_zscore_all_totals_equal_scores_the_mean():
    values = zscore_values(np.array([50.0, 50.0, 50.0]), np.array([0, 0, 1]), 2)
    assert values.tolist() == [50.0, 50.0, 50.0]


def test_zscore_of_no_reviews_is_empty():
    assert zscore_values(np.array([]), np.array([], dtype=int), 0).size == 0


def test_adjusted_removes_reviewer_offsets_with_ridge_shrinkage():
    # Harsh reviewer 1 and lenient reviewer 2 (true offsets −10, +10); X, Y, Z all truly 50.
    # X: 40 (R1), 60 (R2); Y: 40 (R1); Z: 60 (R2). μ = 50. Mean would give X 50, Y 40, Z 60.
    # With candidate effects free, given b: a_Y = −10 − b1, a_Z = 10 − b2, a_X = −(b1 + b2)/2.
    # Residual sum of squares 2(10 − d)², penalty ridge·2(s² + d²) with s = (b1 + b2)/2,
    # d = (b2 − b1)/2 → s = 0, d = 10/(1 + ridge). Ridge 1: b = (−5, +5):
    # X = 50, Y = 40 + 5 = 45, Z = 60 − 5 = 55.
    rows = [("X", 1, 40), ("X", 2, 60), ("Y", 1, 40), ("Z", 2, 60)]
    out = scored(rows, ridge=1.0)
    assert {n: v[1] for n, v in out.items()} == {"X": 50.0, "Y": 45.0, "Z": 55.0}
    # As ridge → 0, d → 10 and every candidate's adjusted score → 50: ridge 1e-6 leaves them
    # 10·1e-6/(1 + 1e-6) ≈ 1e-5 away. (A smaller ridge makes the system so ill-conditioned that
    # the sixth decimal depends on the machine's BLAS.)
    out = scored(rows, ridge=1e-6)
    assert {n: v[1] for n, v in out.items()} == {"X": 50.0, "Y": 49.99999, "Z": 50.00001}


def test_adjusted_on_a_disconnected_review_graph():
    # The X/Y/Z committee above (reviewers 1, 2) plus a second component no reviewer links to
    # it: W by R3 (70); V by R3 (30) and R4 (50). Candidate effects are free, so μ + a does not
    # depend on the global μ, and each component keeps its own-fit values: X 50, Y 45, Z 55.
    # Second component, ridge 1: W fits exactly (a_W = 70 − μ − b3); V's two residuals are
    # ±(−20 + u)/2 with u = b4 − b3, so RSS = (u − 20)²/2; for a given u the penalty
    # b3² + b4² is least at b3 = −u/2, b4 = u/2, i.e. u²/2. Minimum at u = 10: b3 = −5, b4 = 5.
    # W = 70 − b3 = 75; V = mean(30 + 5, 50 − 5) = 40.
    rows = [("X", 1, 40), ("X", 2, 60), ("Y", 1, 40), ("Z", 2, 60)]
    rows += [("W", 3, 70), ("V", 3, 30), ("V", 4, 50)]
    out = {n: v[1] for n, v in scored(rows).items()}
    assert out == {"X": 50.0, "Y": 45.0, "Z": 55.0, "W": 75.0, "V": 40.0}


def test_adjusted_balanced_full_crossing_equals_mean():
    # Every reviewer reviews every candidate: reviewer effects cancel in each candidate's mean.
    rows = [("A", 1, 50), ("A", 2, 70), ("B", 1, 30), ("B", 2, 50)]
    out = scored(rows)
    assert {n: v[1] for n, v in out.items()} == {"A": 60.0, "B": 40.0}


def test_reviewer_effects_sparse_path_matches_dense():
    c = simulate_committee(3, n_candidates=80, n_reviewers=15)
    totals = c.scores.groupby("review_id")["value"].mean().to_numpy() * 10.0
    candidate = c.reviews["candidate_id"].to_numpy() - 1
    reviewer = c.reviews["reviewer_id"].to_numpy() - 1001
    dense = reviewer_effects(totals, candidate, 80, reviewer, 15, dense_limit=10_000)
    sparse = reviewer_effects(totals, candidate, 80, reviewer, 15, dense_limit=0)
    assert np.abs(dense - sparse).max() < 1e-8


def test_reviewer_effects_reject_a_non_positive_ridge():
    with pytest.raises(ValueError):
        reviewer_effects(np.array([1.0]), np.array([0]), 1, np.array([0]), 1, ridge=0.0)


def test_distinct_choices_are_distinct_and_in_range():
    picks = distinct_choices(np.random.default_rng(0), 500, 3, 5)
    assert picks.min() == 0 and picks.max() == 4
    assert all(len(set(row)) == 3 for row in picks.tolist())


def test_calibrated_methods_recover_the_true_order_better_than_the_mean():
    # Lenient and harsh reviewers (offsets ~ N(0, 1) against qualities ~ N(0, 1)), 3 reviews
    # each from a random subset of 12 reviewers, noise 0.5: averaged over 10 committees.
    tau = {"mean": [], "zscore": [], "adjusted": []}
    for seed in range(10):
        c = simulate_committee(seed)
        out = rank_candidates(c.candidates, c.reviews, c.scores, c.criteria, bootstrap=0)
        quality = pd.Series(c.quality, index=c.candidates["candidate_id"])
        truth = out["candidate_id"].map(quality)
        for method in tau:
            tau[method].append(kendalltau(out[method], truth).statistic)
    average = {method: float(np.mean(values)) for method, values in tau.items()}
    assert average["adjusted"] > average["mean"]
    assert average["zscore"] > average["mean"]
    assert not math.isnan(average["mean"])
