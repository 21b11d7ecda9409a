"""Competition ranks and the vectorised bootstrap of rank intervals."""

import numpy as np
import pytest

from reviewapp.ranking import bootstrap_ranks, competition_ranks
from reviewapp.ranking.uncertainty import row_competition_ranks

pytestmark = pytest.mark.unit


def test_competition_ranks_share_the_smallest_rank():
    assert competition_ranks(np.array([90.0, 80.0, 80.0, 70.0])).tolist() == [1, 2, 2, 4]
    assert competition_ranks(np.array([70.0, 80.0, 90.0])).tolist() == [3, 2, 1]


def test_competition_ranks_tie_within_1e_9():
    scores = np.array([80.0, 80.0 + 1e-12, 80.0 - 1e-6])
    assert competition_ranks(scores).tolist() == [1, 1, 3]


def test_competition_ranks_of_nothing_is_empty():
    assert competition_ranks(np.array([])).tolist() == []


def test_row_competition_ranks_rank_each_row_separately():
    matrix = np.array([[1.0, 3.0, 3.0], [5.0, 4.0, 6.0]])
    assert row_competition_ranks(matrix).tolist() == [[3, 1, 1], [2, 3, 1]]


def test_bootstrap_without_spread_gives_point_intervals():
    # A: 80, 80, 80; B: 60, 60; C: 70. Every resample has the same means: ranks 1, 3, 2.
    values = np.array([80.0, 60.0, 80.0, 70.0, 60.0, 80.0])
    group = np.array([0, 1, 0, 2, 1, 0])
    out = bootstrap_ranks(values, group, 3, resamples=100, shortlist_size=1)
    assert out.low.tolist() == [1.0, 3.0, 2.0]
    assert out.high.tolist() == [1.0, 3.0, 2.0]
    assert out.p_top_k.tolist() == [1.0, 0.0, 0.0]


def test_bootstrap_probabilities_match_the_resampling_distribution():
    # A: 100, 0 → resampled mean 100 (p 1/4), 50 (1/2), 0 (1/4). B: 60 always.
    # A ranks first only when its mean is 100: P(A top 1) = 0.25, P(B top 1) = 0.75.
    # With 4,000 resamples the standard error is √(0.25·0.75/4000) ≈ 0.007.
    out = bootstrap_ranks(
        np.array([100.0, 0.0, 60.0]), np.array([0, 0, 1]), 2, resamples=4000, shortlist_size=1
    )
    assert abs(out.p_top_k[0] - 0.25) < 0.03
    assert out.p_top_k[0] + out.p_top_k[1] == 1.0
    assert out.low.tolist() == [1.0, 1.0]
    assert out.high.tolist() == [2.0, 2.0]


def test_bootstrap_median_statistic():
    # A: 0, 100, 100 → resampled median is 100 unless at least two picks are 0:
    # P(median 0) = P(≥ 2 of 3 picks are the 0) = 3·(1/3)²·(2/3) + (1/3)³ = 7/27 ≈ 0.259.
    # B: 50 always. P(A top 1) = 20/27 ≈ 0.741.
    out = bootstrap_ranks(
        np.array([0.0, 100.0, 100.0, 50.0]),
        np.array([0, 0, 0, 1]),
        2,
        statistic="median",
        resamples=4000,
        shortlist_size=1,
    )
    assert abs(out.p_top_k[0] - 20 / 27) < 0.03


def test_bootstrap_same_seed_same_result_other_seed_differs():
    rng = np.random.default_rng(5)
    values = rng.normal(50, 15, 300)
    group = np.repeat(np.arange(100), 3)
    first = bootstrap_ranks(values, group, 100, seed=1)
    again = bootstrap_ranks(values, group, 100, seed=1)
    other = bootstrap_ranks(values, group, 100, seed=2)
    assert first.p_top_k.tolist() == again.p_top_k.tolist()
    assert first.low.tolist() == again.low.tolist()
    assert first.p_top_k.tolist() != other.p_top_k.tolist()


def test_bootstrap_handles_mixed_review_counts():
    # Groups of 1, 2 and 4 reviews, in any order in the input.
    values = np.array([10.0, 90.0, 50.0, 50.0, 20.0, 30.0, 40.0])
    group = np.array([2, 0, 1, 1, 2, 2, 2])
    out = bootstrap_ranks(values, group, 3, resamples=500, shortlist_size=1)
    assert out.low[0] == 1.0 and out.high[0] == 1.0  # 90 beats every possible mean of others
    assert out.p_top_k.tolist()[0] == 1.0
    assert out.low[1] == 2.0  # 50 always, above every mean of 10..40
    assert out.high[2] == 3.0


def test_bootstrap_with_no_resamples_or_groups_is_nan():
    out = bootstrap_ranks(np.array([1.0]), np.array([0]), 1, resamples=0)
    assert np.isnan(out.low).all() and np.isnan(out.p_top_k).all()
    empty = bootstrap_ranks(np.array([]), np.array([], dtype=int), 0)
    assert empty.low.size == 0


def test_bootstrap_rejects_unknown_statistic_and_empty_groups():
    with pytest.raises(ValueError):
        bootstrap_ranks(np.array([1.0]), np.array([0]), 1, statistic="mode")
    with pytest.raises(ValueError):
        bootstrap_ranks(np.array([1.0]), np.array([0]), 2)
