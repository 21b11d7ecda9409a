"""Review totals: T = 100 · Σ w·(s − min)/(max − min) / Σ w, per the review's rubric version."""

import math

import pandas as pd
import pytest

from reviewapp.ranking import compute_totals, criterion_column, criterion_names, review_table

pytestmark = pytest.mark.unit

CRITERIA = pd.DataFrame(
    {
        "criterion_id": [1, 2, 3, 4],
        "rubric_id": [1, 1, 2, 2],
        "name": ["Research", "Teaching", "Teaching", "Research"],
        "weight": [2.0, 1.0, 1.0, 1.0],
        "scale_min": [1, 0, 0, 1],
        "scale_max": [5, 10, 10, 10],
        "position": [1, 2, 1, 2],
    }
)


def _reviews(*rows):
    """rows: (review_id, candidate_id, reviewer_id, rubric_id, status)."""
    frame = pd.DataFrame(
        rows, columns=["review_id", "candidate_id", "reviewer_id", "rubric_id", "status"]
    )
    return frame.assign(recommendation=None, confidence=None)


def _scores(*rows):
    return pd.DataFrame(rows, columns=["review_id", "criterion_id", "value"])


def _totals(reviews, scores, **kwargs):
    out = compute_totals(reviews, scores, CRITERIA, **kwargs)
    return {r: round(t, 9) for r, t in zip(out["review_id"], out["total"], strict=True)}


def test_totals_weighted_and_normalised_by_scale():
    # Research 4 on 1–5: (4−1)/4 = 0.75, weight 2; Teaching 5 on 0–10: 0.5, weight 1.
    # T = 100 · (2·0.75 + 1·0.5) / 3 = 100 · 2/3 = 66.666666667
    reviews = _reviews((10, 1, 7, 1, "submitted"))
    assert _totals(reviews, _scores((10, 1, 4), (10, 2, 5))) == {10: 66.666666667}


def test_totals_use_only_the_criteria_scored():
    # Only Teaching 10 on 0–10 is scored: T = 100 · 1·1.0 / 1 = 100.
    reviews = _reviews((10, 1, 7, 1, "submitted"))
    assert _totals(reviews, _scores((10, 2, 10))) == {10: 100.0}


def test_totals_use_the_review_rubric_version():
    # Rubric 2: Teaching 0 on 0–10 → 0, Research 10 on 1–10 → 1, weights 1 and 1: T = 50.
    # The score for criterion 1 belongs to rubric 1 and is ignored for this rubric-2 review.
    reviews = _reviews((11, 1, 7, 2, "submitted"))
    assert _totals(reviews, _scores((11, 3, 0), (11, 4, 10), (11, 1, 1))) == {11: 50.0}


def test_totals_ignore_drafts():
    reviews = _reviews((10, 1, 7, 1, "submitted"), (12, 1, 8, 1, "draft"))
    scores = _scores((10, 2, 10), (12, 2, 0))
    assert _totals(reviews, scores) == {10: 100.0}


def test_totals_of_a_review_without_scores_are_nan():
    out = compute_totals(_reviews((10, 1, 7, 1, "submitted")), _scores(), CRITERIA)
    assert out["review_id"].tolist() == [10]
    assert math.isnan(out["total"].iloc[0])


def test_totals_weight_override_changes_totals_not_inputs():
    # Research weight 2 → 0: T = Teaching only = 0.5 → 50. The criteria frame keeps weight 2.
    reviews = _reviews((10, 1, 7, 1, "submitted"))
    scores = _scores((10, 1, 4), (10, 2, 5))
    assert _totals(reviews, scores, weight_overrides={"Research": 0}) == {10: 50.0}
    # Teaching weight 1 → 2: T = 100 · (2·0.75 + 2·0.5) / 4 = 62.5
    assert _totals(reviews, scores, weight_overrides={"Teaching": 2}) == {10: 62.5}
    assert CRITERIA["weight"].tolist() == [2.0, 1.0, 1.0, 1.0]


@pytest.mark.parametrize("overrides", [{"Ethics": 1.0}, {"Research": -1.0}, {"Research": "2"}])
def test_totals_weight_override_rejects_bad_input(overrides):
    reviews = _reviews((10, 1, 7, 1, "submitted"))
    with pytest.raises(ValueError):
        compute_totals(reviews, _scores((10, 1, 4)), CRITERIA, weight_overrides=overrides)


def test_totals_empty_frames_give_an_empty_frame():
    out = compute_totals(pd.DataFrame(), pd.DataFrame(), pd.DataFrame())
    assert out.columns.tolist() == [
        "review_id",
        "candidate_id",
        "reviewer_id",
        "rubric_id",
        "recommendation",
        "confidence",
        "total",
    ]
    assert len(out) == 0


def test_totals_missing_column_in_a_non_empty_frame_raises():
    with pytest.raises(ValueError, match="status"):
        compute_totals(pd.DataFrame({"review_id": [1]}), _scores(), CRITERIA)


def test_criterion_names_newest_version_order_first():
    # Rubric 2 (newest) orders Teaching, Research; no older-only names exist.
    assert criterion_names(CRITERIA) == ["Teaching", "Research"]
    older_only = pd.concat(
        [CRITERIA, CRITERIA.iloc[[0]].assign(criterion_id=5, name="Ethics", position=3)]
    )
    assert criterion_names(older_only) == ["Teaching", "Research", "Ethics"]


def test_review_table_lists_drafts_with_raw_scores_and_no_total():
    reviews = _reviews((10, 1, 7, 1, "submitted"), (12, 1, 8, 2, "draft"))
    scores = _scores((10, 1, 4), (10, 2, 5), (12, 3, 9))
    out = review_table(reviews, scores, CRITERIA)
    assert out["review_id"].tolist() == [10, 12]
    assert round(out["total"].iloc[0], 9) == 66.666666667
    assert math.isnan(out["total"].iloc[1])
    assert out[criterion_column("Research")].iloc[0] == 4.0
    assert out[criterion_column("Teaching")].tolist() == [5.0, 9.0]
    assert math.isnan(out[criterion_column("Research")].iloc[1])
