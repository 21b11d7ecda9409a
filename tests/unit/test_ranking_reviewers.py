"""Reviewer statistics (workload, leniency) and per-criterion agreement ICC(1)."""

import math

import numpy as np
import pandas as pd
import pytest

from reviewapp.ranking import criterion_agreement, icc1, reviewer_stats
from tests.unit.ranking_data import OVERALL

pytestmark = pytest.mark.unit


def frames(rows):
    """rows: (candidate_id, reviewer_id, score on 0–10 → T = 10·score, status)."""
    reviews = pd.DataFrame(
        {
            "review_id": range(1, len(rows) + 1),
            "candidate_id": [r[0] for r in rows],
            "reviewer_id": [r[1] for r in rows],
            "rubric_id": 1,
            "status": [r[3] for r in rows],
            "recommendation": None,
            "confidence": None,
        }
    )
    scores = pd.DataFrame(
        {"review_id": range(1, len(rows) + 1), "criterion_id": 1, "value": [r[2] for r in rows]}
    )
    return reviews, scores


# X: R1 80, R2 60, R3 70. Y: R1 50, R2 30. Z: R3 90. W: R4 40. R5 has a draft on X.
REVIEWS, SCORES = frames(
    [
        ("X", 1, 8, "submitted"),
        ("X", 2, 6, "submitted"),
        ("X", 3, 7, "submitted"),
        ("Y", 1, 5, "submitted"),
        ("Y", 2, 3, "submitted"),
        ("Z", 3, 9, "submitted"),
        ("W", 4, 4, "submitted"),
        ("X", 5, 1, "draft"),
    ]
)


def test_reviewer_stats_hand_computed():
    # Leniency, paired per shared candidate:
    # R1: X 80 − mean(60, 70) = +15; Y 50 − 30 = +20 → +17.5.  R2: −15, −20 → −17.5.
    # R3: X 70 − mean(80, 60) = 0; Z has no other reviewer → 0.  R4 shares nothing → NaN.
    out = reviewer_stats(REVIEWS, SCORES, OVERALL).set_index("reviewer_id")
    assert out.index.tolist() == [1, 2, 3, 4, 5]
    assert out["assigned"].tolist() == [2, 2, 2, 1, 1]  # reviews in any status
    assert out["submitted"].tolist() == [2, 2, 2, 1, 0]
    assert out["mean_total"].tolist()[:4] == [65.0, 45.0, 80.0, 40.0]
    assert out["std"].tolist()[:4] == [15.0, 15.0, 10.0, 0.0]
    assert out["leniency"].tolist()[:3] == [17.5, -17.5, 0.0]
    assert math.isnan(out.loc[4, "leniency"])
    assert out.loc[5, ["mean_total", "leniency", "std"]].isna().all()


def test_reviewer_stats_count_assignments_when_given():
    assignments = pd.DataFrame({"reviewer_id": [1, 1, 1, 6], "candidate_id": ["X", "Y", "Z", "Z"]})
    out = reviewer_stats(REVIEWS, SCORES, OVERALL, assignments=assignments)
    assert out["reviewer_id"].tolist() == [1, 2, 3, 4, 5, 6]
    assert out["assigned"].tolist() == [3, 0, 0, 0, 0, 1]
    assert out["submitted"].tolist() == [2, 2, 2, 1, 0, 0]


def test_reviewer_stats_average_a_reviewers_repeat_reviews_first():
    # R1 reviewed X twice (80, 40 → 60); R2 once (50): R1 leniency = 60 − 50 = +10.
    reviews, scores = frames(
        [("X", 1, 8, "submitted"), ("X", 1, 4, "submitted"), ("X", 2, 5, "submitted")]
    )
    out = reviewer_stats(reviews, scores, OVERALL).set_index("reviewer_id")
    assert out["leniency"].tolist() == [10.0, -10.0]


def test_reviewer_stats_of_nothing_is_empty():
    out = reviewer_stats(pd.DataFrame(), pd.DataFrame(), pd.DataFrame())
    assert out.columns.tolist() == [
        "reviewer_id",
        "assigned",
        "submitted",
        "mean_total",
        "leniency",
        "std",
    ]
    assert len(out) == 0


def test_icc1_unbalanced_hand_computed():
    # X: 4, 5; Y: 2, 2, 3; Z: 5 (one score: left out). k = 2, N = 5, grand mean 16/5 = 3.2.
    # MSB = [2·(4.5 − 3.2)² + 3·(7/3 − 3.2)²] / 1 = 169/30; SSW = 0.5 + 2/3 = 7/6,
    # MSW = (7/6)/3 = 7/18; n0 = (5 − (4 + 9)/5)/1 = 2.4.
    # ICC = (169/30 − 7/18) / (169/30 + 1.4·7/18) = (472/90) / (556/90) = 118/139.
    values = np.array([4, 5, 2, 2, 3, 5], dtype=float)
    groups = np.array(["X", "X", "Y", "Y", "Y", "Z"])
    assert round(icc1(values, groups), 12) == round(118 / 139, 12)


def test_icc1_undefined_cases_are_nan():
    assert math.isnan(icc1(np.array([1.0, 2.0]), np.array([1, 1])))  # one group
    assert math.isnan(icc1(np.array([3.0, 3.0, 3.0, 3.0]), np.array([1, 1, 2, 2])))  # no spread
    assert math.isnan(icc1(np.array([]), np.array([])))


def test_icc1_perfect_agreement_is_one():
    assert icc1(np.array([1.0, 1.0, 5.0, 5.0]), np.array([1, 1, 2, 2])) == 1.0


def test_criterion_agreement_per_name():
    # Overall on 0–10 scaled to 0–1 (ICC is unchanged by the common scaling):
    # X: 8, 6, 7; Y: 5, 3; Z, W single (left out). k = 2, N = 5, grand mean 29/5 = 5.8.
    # MSB = 3·(7 − 5.8)² + 2·(4 − 5.8)² = 4.32 + 6.48 = 10.8; SSW = 2 + 2 = 4, MSW = 4/3;
    # n0 = (5 − 13/5)/1 = 2.4; ICC = (10.8 − 4/3) / (10.8 + 1.4·4/3) = 28.4/38 = 0.747368.
    out = criterion_agreement(REVIEWS, SCORES, OVERALL)
    assert out.columns.tolist() == [
        "criterion",
        "weight",
        "scale_min",
        "scale_max",
        "description",
        "n_candidates",
        "n_scores",
        "icc",
    ]
    row = out.iloc[0]
    assert (row["criterion"], row["weight"], row["scale_min"], row["scale_max"]) == (
        "Overall",
        1.0,
        0,
        10,
    )
    assert row["description"] == "How good overall"
    assert (row["n_candidates"], row["n_scores"]) == (2, 5)
    assert round(row["icc"], 12) == round(28.4 / 38, 12)


def test_criterion_agreement_without_scores_is_nan():
    out = criterion_agreement(pd.DataFrame(), pd.DataFrame(), OVERALL)
    assert out["criterion"].tolist() == ["Overall"]
    assert out["n_candidates"].tolist() == [0]
    assert math.isnan(out["icc"].iloc[0])
