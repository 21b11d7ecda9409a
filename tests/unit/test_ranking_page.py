"""The ranking page's view model: rank-interval bars placed exactly on their track."""

import pandas as pd
import pytest

from reviewapp.ranking.page import rank_bar


@pytest.mark.parametrize(
    ("lo", "hi", "ranked", "expected"),
    [
        (1, 1, 4, {"x": 0.0, "width": 25.0}),  # rank 1 of 4: the first quarter
        (2, 3, 4, {"x": 25.0, "width": 50.0}),
        (4, 4, 4, {"x": 75.0, "width": 25.0}),
        (1, 3, 3, {"x": 0.0, "width": 100.0}),
        (2, 2, 3, {"x": 33.33, "width": 33.33}),  # not rounded to 5 % steps
        (17, 40, 1000, {"x": 1.6, "width": 2.4}),
        (1, 1, 20_000, {"x": 0.0, "width": 0.5}),  # at least half a percent, to be seen
        (20_000, 20_000, 20_000, {"x": 99.5, "width": 0.5}),  # and kept on the track
    ],
)
def test_rank_bar_spans_the_interval_exactly(lo, hi, ranked, expected):
    assert rank_bar(lo, hi, ranked) == expected


@pytest.mark.parametrize(("lo", "hi", "ranked"), [(pd.NA, pd.NA, 4), (None, 2, 4), (1, 1, 0)])
def test_rank_bar_is_none_without_an_interval(lo, hi, ranked):
    assert rank_bar(lo, hi, ranked) is None
