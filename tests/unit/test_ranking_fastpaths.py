"""The ranking engine's fast paths give exactly what its general paths give.

Dense score layouts (every review scores every criterion once, in order), reviews listed candidate
by candidate and equal review counts take shortcuts; shuffling the same rows forces the general
paths, so each pair of results must agree.
"""

import numpy as np
import pandas as pd
import pytest

from reviewapp.ranking import criterion_agreement, rank_candidates
from reviewapp.ranking.calibration import (
    Groups,
    group_mean,
    group_median,
    group_std,
    reviewer_effects,
)
from reviewapp.ranking.compute import _dense_codes, _name_keys, display_order
from reviewapp.ranking.simulate import simulate_committee
from reviewapp.ranking.totals import score_reviews

pytestmark = pytest.mark.unit


def _committee(n_candidates=60):
    return simulate_committee(3, n_candidates=n_candidates, n_reviewers=12, n_criteria=4)


def _shuffled(frame, seed):
    order = np.random.default_rng(seed).permutation(len(frame))
    return frame.iloc[order].reset_index(drop=True)


def test_score_reviews_dense_layout_matches_general_path():
    committee = _committee()
    dense = score_reviews(committee.reviews, committee.scores, committee.criteria)
    general = score_reviews(committee.reviews, _shuffled(committee.scores, 1), committee.criteria)
    # Float values take the general path too, adding in the same order: bit-for-bit equal totals.
    as_float = committee.scores.astype({"value": float})
    same_order = score_reviews(committee.reviews, as_float, committee.criteria)
    assert dense.matrix is not None
    assert general.matrix is None and same_order.matrix is None
    np.testing.assert_array_equal(dense.total, same_order.total)
    np.testing.assert_allclose(dense.total, general.total, rtol=1e-14)
    raw = np.full(dense.matrix.shape, np.nan)
    raw[general.score_review, general.score_name] = general.score_value
    np.testing.assert_array_equal(dense.matrix, raw)
    # The per-score arrays derived from the matrix describe the same scores.
    rebuilt = np.full(dense.matrix.shape, np.nan)
    rebuilt[dense.score_review, dense.score_name] = dense.score_value
    np.testing.assert_array_equal(rebuilt, raw)
    norm = np.full(dense.matrix.shape, np.nan)
    norm[dense.score_review, dense.score_name] = dense.score_norm
    np.testing.assert_allclose(norm, (raw - 1) / 9, rtol=0, atol=1e-15)


def test_score_reviews_missing_score_takes_general_path():
    committee = _committee()
    scores = committee.scores.iloc[1:].reset_index(drop=True)  # review 1 lacks criterion 1
    scored = score_reviews(committee.reviews, scores, committee.criteria)
    assert scored.matrix is None
    first = committee.scores.iloc[1:4]["value"].to_numpy()  # review 1's three other scores
    assert scored.total[0] == pytest.approx(100 * ((first - 1) / 9).mean(), abs=1e-12)


def test_rank_candidates_shuffled_inputs_give_same_ranking():
    committee = _committee()
    frames = (committee.candidates, committee.reviews, committee.scores, committee.criteria)
    shuffled = (
        _shuffled(committee.candidates, 2),
        _shuffled(committee.reviews, 3),
        _shuffled(committee.scores, 4),
        committee.criteria,
    )
    for method in ("mean", "median", "zscore", "adjusted"):
        fast = rank_candidates(*frames, method=method, bootstrap=0)
        slow = rank_candidates(*shuffled, method=method, bootstrap=0)
        pd.testing.assert_frame_equal(fast, slow, check_exact=False, rtol=1e-9, atol=1e-9)


def test_rank_candidates_unequal_review_counts_match_reference():
    committee = _committee(30)
    reviews = committee.reviews[committee.reviews["review_id"] % 7 != 0]
    ranked = rank_candidates(
        committee.candidates, reviews, committee.scores, committee.criteria, bootstrap=0
    ).set_index("candidate_id")
    scored = score_reviews(reviews, committee.scores, committee.criteria)
    expected = pd.Series(scored.total, index=reviews["candidate_id"].to_numpy())
    by_candidate = expected.groupby(level=0)
    np.testing.assert_allclose(ranked.loc[by_candidate.mean().index, "mean"], by_candidate.mean())
    np.testing.assert_allclose(
        ranked.loc[by_candidate.median().index, "median"], by_candidate.median()
    )
    np.testing.assert_allclose(
        ranked.loc[by_candidate.std(ddof=0).index, "std"], by_candidate.std(ddof=0), atol=1e-12
    )
    assert (
        ranked["n_reviews"].to_dict()
        == reviews["candidate_id"].value_counts().reindex(ranked.index, fill_value=0).to_dict()
    )


@pytest.mark.parametrize(
    "codes",
    [
        np.array([0, 0, 1, 1, 2, 2]),  # in order, the last group empty
        np.array([2, 0, 1, 0, 2, 1]),  # shuffled, the last group empty
        np.arange(4),  # uniform: one value per group
        np.repeat(np.arange(4), 2),  # uniform, in order: two per group
        np.repeat(np.arange(4), 3),  # uniform, in order: three (the middle value)
        np.repeat(np.arange(4), 4),  # uniform, in order: four
        np.array([0, 0, 0, 2, 3, 3]),  # uneven, an empty group
        np.array([], dtype=int),
    ],
)
def test_groups_match_bincount_helpers(codes):
    n_groups = 4
    values = np.linspace(3.0, 17.0, codes.size) ** 1.5
    groups = Groups(codes, n_groups)
    counts = np.bincount(codes, minlength=n_groups)
    in_order = bool((codes[1:] >= codes[:-1]).all())
    assert bool(groups.uniform) == (in_order and codes.size > 0 and len(set(counts)) == 1)
    np.testing.assert_array_equal(groups.counts, np.bincount(codes, minlength=n_groups))
    np.testing.assert_allclose(groups.mean(values), group_mean(values, codes, n_groups))
    np.testing.assert_allclose(groups.std(values), group_std(values, codes, n_groups))
    np.testing.assert_array_equal(groups.median(values), group_median(values, codes, n_groups))
    by_pandas = pd.Series(values).groupby(codes).median().reindex(range(n_groups))
    np.testing.assert_allclose(groups.median(values), by_pandas.to_numpy(), equal_nan=True)
    matrix = np.stack([values, 2 * values], axis=1)
    np.testing.assert_allclose(
        groups.mean(matrix)[:, 1], 2 * group_mean(values, codes, n_groups), equal_nan=True
    )


def test_reviewer_effects_unsorted_reviews_match_sorted():
    total = np.array([70.0, 50.0, 65.0, 40.0, 90.0, 55.0, 60.0])
    candidate = np.array([0, 0, 1, 1, 2, 2, 3])
    reviewer = np.array([0, 1, 0, 2, 1, 2, 0])
    order = np.array([6, 3, 0, 5, 1, 4, 2])
    in_order = reviewer_effects(total, candidate, 4, reviewer, 3, dense_limit=0)
    shuffled = reviewer_effects(total[order], candidate[order], 4, reviewer[order], 3)
    np.testing.assert_allclose(in_order, shuffled, atol=1e-9)


def test_display_order_ties_by_casefolded_name_then_id():
    rank = np.array([1.0, 1.0, 1.0, 1.0, np.nan, 1.0])
    n_reviews = np.array([3, 3, 3, 4, 0, 3])
    names = np.array(["bob", "Alice", "Émile", "Zed", "Aaron", "alice"], dtype=object)
    ids = np.array([50, 40, 30, 20, 10, 35])
    order = display_order(rank, n_reviews, names, ids)
    # Zed has more reviews; then alice (id 35) and Alice (id 40) tie on name, so by id; Émile
    # folds to "emile"; the unranked Aaron comes last.
    assert names[order].tolist() == ["Zed", "alice", "Alice", "bob", "Émile", "Aaron"]


def test_name_keys_casefold_and_fold_diacritics():
    assert _name_keys(["A\nB", "STRASSE"]) == ["a\nb", "strasse"]
    assert _name_keys(["Émile", None, "X"]) == ["emile", "", "x"]


def test_dense_codes_ints_and_strings():
    codes, n = _dense_codes(np.array([107, 103, 107, 105]))
    assert codes.tolist() == [2, 0, 2, 1] and n == 3
    codes, n = _dense_codes(np.array(["b", "a", "b"], dtype=object))
    assert codes.tolist() == [0, 1, 0] and n == 2


def test_criterion_agreement_dense_layout_matches_general_path():
    committee = _committee()
    dense = criterion_agreement(committee.reviews, committee.scores, committee.criteria)
    general = criterion_agreement(
        committee.reviews, _shuffled(committee.scores, 5), committee.criteria
    )
    assert dense["icc"].notna().all()
    pd.testing.assert_frame_equal(dense, general, check_exact=False, rtol=1e-12)


def test_score_reviews_dense_layout_in_other_criterion_order_matches():
    committee = _committee()
    scores = committee.scores.copy()
    scores["order"] = scores["criterion_id"].map({1: 2, 2: 0, 3: 3, 4: 1})
    scores = scores.sort_values(["review_id", "order"], kind="stable").drop(columns="order")
    criteria = committee.criteria.assign(
        weight=[1.0, 2.0, 0.5, 3.0], scale_min=[0, 1, 0, 1], scale_max=[10, 10, 20, 12]
    )
    reordered = score_reviews(committee.reviews, scores.reset_index(drop=True), criteria)
    general = score_reviews(committee.reviews, _shuffled(scores, 6), criteria)
    assert reordered.matrix is not None and general.matrix is None
    np.testing.assert_allclose(reordered.total, general.total, rtol=1e-14)
    raw = np.full(reordered.matrix.shape, np.nan)
    raw[general.score_review, general.score_name] = general.score_value
    np.testing.assert_array_equal(reordered.matrix, raw)
    norm = np.full(raw.shape, np.nan)
    norm[general.score_review, general.score_name] = general.score_norm
    np.testing.assert_array_equal(reordered.norm_column(2), norm[:, 2])
    np.testing.assert_array_equal(reordered.score_norm.reshape(raw.shape), norm)
