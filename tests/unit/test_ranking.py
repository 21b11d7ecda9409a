"""rank_candidates: scores, competition ranks, display order, flags, counts, what-if weights.

Most examples use one criterion "Overall" on 0–10, so a review's total T is 10 × its score.
"""

import math

import numpy as np
import pandas as pd
import pytest

from reviewapp.ranking import compare_rankings, criterion_column, rank_candidates
from tests.unit.ranking_data import OVERALL

pytestmark = pytest.mark.unit


def committee(names, rows):
    """names: {candidate_id: name}; rows: (candidate_id, reviewer_id, score, recommendation)."""
    candidates = pd.DataFrame({"candidate_id": list(names), "name": list(names.values())})
    reviews = pd.DataFrame(
        {
            "review_id": range(1, len(rows) + 1),
            "candidate_id": [r[0] for r in rows],
            "reviewer_id": [r[1] for r in rows],
            "rubric_id": 1,
            "status": "submitted",
            "recommendation": [r[3] for r in rows],
            "confidence": 2,
        }
    )
    scores = pd.DataFrame(
        {"review_id": range(1, len(rows) + 1), "criterion_id": 1, "value": [r[2] for r in rows]}
    )
    return candidates, reviews, scores, OVERALL


def rank(frames, **kwargs):
    kwargs.setdefault("bootstrap", 0)
    return rank_candidates(*frames, **kwargs)


# A: 80, 60, 100 → mean 80, median 80, std √((0+400+400)/3) = 16.329931619
# B: 90, 50 → mean 70, median 70, std 20 (≥ 20: disagreement)
# C: 70 → mean 70, std 0; D: no review.
ABCD = committee(
    {1: "Ann", 2: "Bo", 3: "Cy", 4: "Di"},
    [
        (1, 11, 8, "yes"),
        (1, 12, 6, "yes"),
        (1, 13, 10, "strong_yes"),
        (2, 11, 9, "strong_yes"),
        (2, 12, 5, "yes"),
        (3, 13, 7, "yes"),
    ],
)


def test_rank_mean_scores_and_competition_ranks():
    out = rank(ABCD)
    assert out["name"].tolist() == ["Ann", "Bo", "Cy", "Di"]
    assert out["rank"].tolist()[:3] == [1, 2, 2]
    assert out["rank"].isna().tolist() == [False, False, False, True]
    assert out["score"].round(9).tolist()[:3] == [80.0, 70.0, 70.0]
    assert out["median"].round(9).tolist()[:3] == [80.0, 70.0, 70.0]
    assert out["n_reviews"].tolist() == [3, 2, 1, 0]
    assert out["std"].round(9).tolist()[:3] == [16.329931619, 20.0, 0.0]
    assert math.isnan(out["score"].iloc[3]) and math.isnan(out["std"].iloc[3])


def test_rank_tie_puts_more_reviews_first():
    # Bo (2 reviews) and Cy (1 review) both score 70: Bo is listed first, both rank 2.
    out = rank(ABCD)
    assert out.loc[out["rank"] == 2, "name"].tolist() == ["Bo", "Cy"]


def test_rank_tie_with_equal_reviews_orders_by_folded_name():
    # Four candidates with one review of 5 each: casefolded, diacritics folded: alba, beta,
    # émile → emile, eve. Plain code-point order would put "beta" before "alba" and "Émile" last.
    frames = committee(
        {1: "beta", 2: "Eve", 3: "Émile", 4: "Alba"},
        [(1, 11, 5, None), (2, 11, 5, None), (3, 11, 5, None), (4, 11, 5, None)],
    )
    out = rank(frames)
    assert out["name"].tolist() == ["Alba", "beta", "Émile", "Eve"]
    assert out["rank"].tolist() == [1, 1, 1, 1]


def test_rank_ties_compare_to_1e_9():
    # 2/3 computed two ways differs in the last bits: 100·(2·0.75+0.5)/3 vs 100·(2/3).
    criteria = pd.concat(
        [OVERALL, OVERALL.assign(criterion_id=2, name="Extra", weight=2.0, position=2)]
    )
    candidates, reviews, _, _ = committee({1: "A", 2: "B"}, [(1, 11, 0, None), (2, 11, 0, None)])
    scores = pd.DataFrame(
        {"review_id": [1, 1, 2], "criterion_id": [1, 2, 1], "value": [5, 7.5, 6.6666666666667]}
    )
    out = rank_candidates(candidates, reviews, scores, criteria, bootstrap=0)
    assert out["rank"].tolist() == [1, 1]


def test_rank_unreviewed_candidates_come_last_by_name():
    frames = committee({1: "Zed", 2: "amy", 3: "Bob"}, [(3, 11, 1, None)])
    out = rank(frames)
    assert out["name"].tolist() == ["Bob", "amy", "Zed"]
    assert out["rank"].tolist()[0] == 1
    assert out["rank"].isna().tolist() == [False, True, True]


def test_rank_flags_disagreement_and_insufficient_reviews():
    out = rank(ABCD, reviews_per_candidate=3).set_index("name")
    assert out.loc["Ann", "flags"] == []  # std 16.3 < 20, recommendations all yes-side
    assert out.loc["Bo", "flags"] == ["disagreement", "insufficient reviews"]  # std exactly 20
    assert out.loc["Cy", "flags"] == ["insufficient reviews"]
    assert out.loc["Di", "flags"] == ["insufficient reviews"]
    assert rank(ABCD, reviews_per_candidate=1).set_index("name").loc["Cy", "flags"] == []


def test_rank_flags_disagreement_on_opposite_recommendations():
    # Totals 60 and 70 (std 5) but one "no" and one "strong_yes".
    frames = committee({1: "A"}, [(1, 11, 6, "no"), (1, 12, 7, "strong_yes")])
    assert rank(frames, reviews_per_candidate=2)["flags"].tolist() == [["disagreement"]]


def test_rank_recommendation_counts_and_criterion_means():
    out = rank(ABCD).set_index("name")
    counts = out[["strong_no", "no", "yes", "strong_yes"]]
    assert counts.loc["Ann"].tolist() == [0, 0, 2, 1]
    assert counts.loc["Bo"].tolist() == [0, 0, 1, 1]
    assert counts.loc["Di"].tolist() == [0, 0, 0, 0]
    # Mean raw score: Ann (8 + 6 + 10) / 3 = 8; Bo (9 + 5) / 2 = 7; Di none.
    means = out[criterion_column("Overall")]
    assert means.loc["Ann"] == 8.0 and means.loc["Bo"] == 7.0
    assert math.isnan(means.loc["Di"])


def test_rank_criterion_means_are_keyed_by_name_across_versions():
    # "Overall" exists in rubric 1 (0–10, id 1) and rubric 2 (1–5, id 2): raw 8 and 4 → mean 6.
    criteria = pd.concat(
        [OVERALL, OVERALL.assign(criterion_id=2, rubric_id=2, scale_min=1, scale_max=5)]
    )
    candidates, reviews, scores, _ = committee({1: "A"}, [(1, 11, 8, None), (1, 12, 4, None)])
    reviews.loc[1, "rubric_id"] = 2
    scores.loc[1, "criterion_id"] = 2
    out = rank_candidates(candidates, reviews, scores, criteria, bootstrap=0)
    assert out.columns.tolist().count(criterion_column("Overall")) == 1
    assert out[criterion_column("Overall")].tolist() == [6.0]
    # Totals: 80 and 100·(4−1)/4 = 75 → mean 77.5.
    assert out["score"].tolist() == [77.5]


def test_rank_counts_only_submitted_and_in_scope_reviews():
    candidates, reviews, scores, criteria = committee(
        {1: "A"}, [(1, 11, 10, "yes"), (1, 12, 0, "no"), (9, 12, 3, "yes")]
    )
    reviews.loc[1, "status"] = "draft"  # its 0 and "no" do not count; candidate 9 is out of scope
    out = rank_candidates(candidates, reviews, scores, criteria, bootstrap=0)
    assert out["n_reviews"].tolist() == [1]
    assert out["score"].tolist() == [100.0]
    assert out[["no", "yes"]].iloc[0].tolist() == [0, 1]


def test_rank_method_selects_the_score_column():
    for method in ("mean", "median", "zscore", "adjusted"):
        out = rank(ABCD, method=method)
        assert out["score"].equals(out[method])
    with pytest.raises(ValueError, match="unknown method"):
        rank(ABCD, method="best")


def test_rank_median_can_reorder_candidates():
    # A: 0, 90, 100 → mean 63.3, median 90. B: 70, 70, 70 → 70 either way.
    frames = committee(
        {1: "A", 2: "B"},
        [(1, 11, 0, None), (1, 12, 9, None), (1, 13, 10, None)]
        + [(2, 11, 7, None), (2, 12, 7, None), (2, 13, 7, None)],
    )
    assert rank(frames, method="mean")["name"].tolist() == ["B", "A"]
    assert rank(frames, method="median")["name"].tolist() == ["A", "B"]


def test_rank_output_columns_in_documented_order():
    out = rank(ABCD)
    assert out.columns.tolist() == [
        "candidate_id", "name", "rank", "score", "mean", "median", "zscore", "adjusted",
        "n_reviews", "std", "flags", "rank_lo", "rank_hi", "p_top_k",
        "criterion: Overall", "strong_no", "no", "yes", "strong_yes",
    ]  # fmt: skip


def test_rank_empty_frames_give_an_empty_ranking():
    out = rank_candidates(pd.DataFrame(), pd.DataFrame(), pd.DataFrame(), pd.DataFrame())
    assert len(out) == 0
    assert out.columns.tolist()[:4] == ["candidate_id", "name", "rank", "score"]


def test_rank_candidates_without_any_review():
    candidates = pd.DataFrame({"candidate_id": [2, 1], "name": ["b", "a"]})
    out = rank_candidates(candidates, pd.DataFrame(), pd.DataFrame(), OVERALL)
    assert out["name"].tolist() == ["a", "b"]
    assert out["rank"].isna().all() and out["p_top_k"].isna().all()
    assert out["flags"].tolist() == [["insufficient reviews"], ["insufficient reviews"]]


def test_rank_what_if_weights_reorder_without_touching_inputs():
    # Research (w 2) and Teaching (w 1), both 0–10. A: R 10, T 0 → 66.7; B: R 0, T 10 → 33.3.
    # With Teaching weight 5: A = 100·2/7 = 28.6, B = 100·5/7 = 71.4 → B moves up.
    criteria = pd.concat(
        [
            OVERALL.assign(name="Research", weight=2.0),
            OVERALL.assign(criterion_id=2, name="Teaching", position=2),
        ]
    )
    candidates, reviews, _, _ = committee({1: "A", 2: "B"}, [(1, 11, 0, None), (2, 11, 0, None)])
    scores = pd.DataFrame(
        {"review_id": [1, 1, 2, 2], "criterion_id": [1, 2, 1, 2], "value": [10, 0, 0, 10]}
    )
    frames = (candidates, reviews, scores, criteria)
    before = rank_candidates(*frames, bootstrap=0)
    after = rank_candidates(*frames, bootstrap=0, weight_overrides={"Teaching": 5})
    assert before["name"].tolist() == ["A", "B"]
    assert after["name"].tolist() == ["B", "A"]
    assert after["score"].round(9).tolist() == [71.428571429, 28.571428571]
    assert criteria["weight"].tolist() == [2.0, 1.0]
    moves = compare_rankings(before, after)
    assert moves["name"].tolist() == ["B", "A"]
    assert moves["movement"].tolist() == [1, -1]
    assert moves["rank_before"].tolist() == [2, 1]


def test_compare_rankings_unranked_candidates_have_no_movement():
    before = rank(ABCD)
    after = rank(ABCD, method="median")
    moves = compare_rankings(before, after).set_index("name")
    assert moves.loc["Ann", "movement"] == 0
    assert moves["movement"].isna().tolist() == [False, False, False, True]


def test_rank_bootstrap_columns_are_bounded():
    out = rank(ABCD, bootstrap=200, shortlist_size=1)
    ranked = out[out["rank"].notna()]
    assert (ranked["rank_lo"] <= ranked["rank_hi"]).all()
    assert ranked["rank_lo"].min() >= 1 and ranked["rank_hi"].max() <= 3
    assert ((ranked["p_top_k"] >= 0) & (ranked["p_top_k"] <= 1)).all()
    assert np.isnan(out["p_top_k"].iloc[3])  # Di has no review, so no interval either
    assert out["rank_lo"].isna().tolist() == [False, False, False, True]
