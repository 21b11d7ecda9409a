"""The ranking engine's speed-ups give exactly what the plainer formulations they replace give.

Each test compares a fast path against a straightforward reference written here (the previous
implementation, or the definition), on generated inputs with many ties and awkward values.
"""

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from reviewapp.ranking import rank_candidates
from reviewapp.ranking.compute import (
    _ascii_name_order,
    _name_keys,
    _name_order,
    _recommendation_counts,
    display_order,
    rank_and_order,
)
from reviewapp.ranking.frames import _in_review_order
from reviewapp.ranking.simulate import simulate_committee
from reviewapp.ranking.totals import (
    RECOMMENDATIONS,
    STATUSES,
    _dense_values,
    categorical,
    score_reviews,
    submitted,
)
from reviewapp.ranking.uncertainty import (
    TIE_DECIMALS,
    competition_ranks,
    row_competition_ranks,
    stable_argsort,
)

pytestmark = pytest.mark.unit


def reference_display_order(rank, n_reviews, names, ids):
    """Sort every row by (rank or last, −n_reviews, casefolded name, id), name keys for all rows."""
    size = len(rank)
    position = np.where(np.isnan(rank), size + 1, rank).astype(np.int64)
    if ids.dtype.kind in "iu":
        id_rank = np.argsort(np.argsort(ids, kind="stable"), kind="stable")
    else:
        id_rank = np.argsort(
            np.argsort(pd.factorize(pd.Series(ids), sort=True)[0], kind="stable"), kind="stable"
        )
    keys = _name_keys(names.tolist())
    rows = sorted(
        range(size),
        key=lambda i: (int(position[i]), -int(n_reviews[i]), keys[i], int(id_rank[i])),
    )
    return np.array(rows, dtype=np.int64)


NAMES = st.one_of(
    st.none(),
    st.sampled_from(["Ann", "ann", "ANN", "Åsa", "asa", "Zoë", "zoe", "Émile", "emile", "ß", "ss"]),
    st.text(alphabet="aAbBéÉ ß", max_size=3),
)


@st.composite
def rows(draw):
    size = draw(st.integers(0, 40))
    # Few distinct ranks (most rows tie) or many (few ties): the two ways of sorting the names.
    highest = draw(st.sampled_from([5, 1000]))
    ranks = st.integers(1, highest).map(float)
    rank = draw(st.lists(st.one_of(st.just(np.nan), ranks), min_size=size, max_size=size))
    n_reviews = draw(st.lists(st.integers(0, 4), min_size=size, max_size=size))
    names = draw(st.lists(NAMES, min_size=size, max_size=size))
    id_kind = draw(st.sampled_from(["sorted", "shuffled", "strings", "large"]))
    ids = draw(st.permutations(range(size)))
    if id_kind == "sorted":
        ids = np.arange(size) * 3 + 7
    elif id_kind == "shuffled":
        ids = np.array(ids, dtype=np.int64)
    elif id_kind == "strings":
        ids = np.array([f"c{i}" for i in ids], dtype=object)
    else:
        ids = np.array(ids, dtype=np.int64) * 10**12 - 5
    return (
        np.array(rank, dtype=float),
        np.array(n_reviews, dtype=np.int64),
        np.array(names, dtype=object),
        ids,
    )


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(rows())
def test_display_order_matches_full_name_sort(data):
    rank, n_reviews, names, ids = data
    order = display_order(rank, n_reviews, names, ids)
    np.testing.assert_array_equal(order, reference_display_order(rank, n_reviews, names, ids))


@pytest.mark.parametrize("highest", [30, 3_000, 40_000])
def test_display_order_large_matches_full_name_sort(highest):
    # Keys beyond 16 bits (two radix passes), few or many ties, unranked rows, shuffled ids.
    rng = np.random.default_rng(highest)
    size = 30_000
    rank = rng.integers(1, highest, size).astype(float)
    rank[rng.random(size) < 0.05] = np.nan
    n_reviews = rng.integers(0, 5, size)
    names = np.array([f"{'aAbB'[i % 4]}{i % 37}" for i in range(size)], dtype=object)
    ids = rng.permutation(size) * 7 + 3
    order = display_order(rank, n_reviews, names, ids)
    np.testing.assert_array_equal(order, reference_display_order(rank, n_reviews, names, ids))


@pytest.mark.parametrize("high", [5, 70_000, 2**40])
def test_stable_argsort_is_numpys_stable_argsort(high):
    key = np.random.default_rng(high).integers(0, high, 5_000)
    np.testing.assert_array_equal(stable_argsort(key), np.argsort(key, kind="stable"))


def test_display_order_all_ascii_and_all_tied():
    names = np.array(["b", "B", "a", "A", "c"], dtype=object)
    rank = np.full(5, np.nan)
    order = display_order(rank, np.zeros(5, dtype=np.int64), names, np.array([5, 4, 3, 2, 1]))
    # Every row ties on rank and review count: casefolded name, then id.
    assert names[order].tolist() == ["A", "a", "B", "b", "c"]


def test_display_order_distinct_keys_ignore_names():
    rank = np.array([3.0, 1.0, 2.0])
    names = np.array([None, "zed", "Émile"], dtype=object)
    order = display_order(rank, np.array([3, 3, 3]), names, np.array([1, 2, 3]))
    assert order.tolist() == [1, 2, 0]


ASCII_NAMES = st.text(alphabet="aAbBzZ09 ~\n\x7f\x01", max_size=20)


def reference_name_order(names):
    keys = _name_keys(list(names))
    return np.array(sorted(range(len(keys)), key=keys.__getitem__), dtype=np.int64)


@settings(max_examples=400, deadline=None)
@given(
    st.lists(
        st.one_of(ASCII_NAMES, st.sampled_from(["Ann", "ann", "ANN", "", "a" * 17])),
        min_size=1,
        max_size=40,
    )
)
def test_ascii_name_order_is_the_casefolded_name_sort(names):
    # Byte chunks of the lowercased names: prefixes, shared 8-byte chunks, empty names, equal
    # names (kept in row order), names shorter and longer than 8 and 16 bytes.
    order = _ascii_name_order(names)
    assert order is not None
    np.testing.assert_array_equal(order, reference_name_order(names))


@pytest.mark.parametrize(
    "names", [["a", None], ["a", float("nan")], ["é", "e"], ["a\0b", "a"], ["x", 3], []]
)
def test_ascii_name_order_leaves_other_names_to_the_key_sort(names):
    assert _ascii_name_order(names) is None
    np.testing.assert_array_equal(
        _name_order(np.array(names, dtype=object)), reference_name_order(names)
    )


def test_ascii_name_order_large_shuffled():
    rng = np.random.default_rng(3)
    stems = ["Candidate", "candidate", "CANDIDATE x", "Ann", "ann-marie", ""]
    numbers, widths = rng.integers(0, 3_000, 20_000), rng.integers(0, 24, 20_000)
    names = [f"{stems[i % 6]} {numbers[i]:05d}"[: widths[i]] for i in range(20_000)]
    np.testing.assert_array_equal(
        _name_order(np.array(names, dtype=object)), reference_name_order(names)
    )


def reference_competition_ranks(scores):
    """1 + the number of scores strictly higher (after rounding to TIE_DECIMALS)."""
    rounded = np.round(np.asarray(scores, dtype=float), TIE_DECIMALS)
    return np.array([1 + int((rounded > s).sum()) for s in rounded], dtype=np.int64)


@settings(max_examples=300, deadline=None)
@given(
    st.lists(
        st.one_of(
            st.sampled_from([0.0, -0.0, 1.0, 2.5, 1.0 + 1e-12, 1.0 - 4e-10, 70.0]),
            st.floats(-100, 100, allow_nan=False),
        ),
        max_size=60,
    )
)
def test_competition_ranks_match_definition(scores):
    ranks = competition_ranks(np.array(scores, dtype=float))
    np.testing.assert_array_equal(ranks, reference_competition_ranks(scores))


@pytest.mark.parametrize("scale", [1e-9, 1.0, 1e5, 3e6])
def test_competition_ranks_integer_keys_and_float_fallback(scale):
    # Large magnitudes take the float path; both must match the definition.
    rng = np.random.default_rng(int(scale * 10) % 97)
    scores = np.round(rng.normal(0, 3, 3_000), 1) * scale
    scores[::7] += 4e-10 * scale
    np.testing.assert_array_equal(competition_ranks(scores), reference_competition_ranks(scores))


def reference_rank_and_order(score, n_reviews, names, ids):
    """Competition ranks of the finite scores (NaN: none), then the display order of the ranks."""
    rank = np.full(len(score), np.nan)
    finite = ~np.isnan(score)
    rank[finite] = reference_competition_ranks(score[finite])
    return rank, reference_display_order(rank, n_reviews, names, ids)


SCORES = st.one_of(
    st.just(np.nan),
    st.sampled_from([0.0, -0.0, 1.0, 2.5, 1.0 + 1e-12, 1.0 - 4e-10, 70.0, 70.0 + 6e-10]),
    st.floats(-100, 100, allow_nan=False),
    st.floats(-3e6, 3e6, allow_nan=False),  # past 1e6 the ranks take the float path
)


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(rows(), st.data())
def test_rank_and_order_is_competition_ranks_then_display_order(data, draw):
    _, n_reviews, names, ids = data
    score = np.array(draw.draw(st.lists(SCORES, min_size=len(ids), max_size=len(ids))), dtype=float)
    rank, order = rank_and_order(score, n_reviews, names, ids)
    expected_rank, expected_order = reference_rank_and_order(score, n_reviews, names, ids)
    np.testing.assert_array_equal(rank, expected_rank)
    np.testing.assert_array_equal(order, expected_order)


def test_rank_and_order_without_room_for_integer_keys():
    # Tie levels up to 1e15 times 20,001 review counts overflow 63 bits: ranks, then order.
    score = np.array([999_999.5, 0.0, 999_999.5, np.nan])
    n_reviews = np.array([3, 1, 20_000, 0])
    names = np.array(["b", "a", "c", "d"], dtype=object)
    rank, order = rank_and_order(score, n_reviews, names, np.arange(4))
    np.testing.assert_array_equal(rank, [1, 3, 1, np.nan])
    assert order.tolist() == [2, 0, 1, 3]


@pytest.mark.parametrize("distinct", [7, 2_000, None])
def test_rank_and_order_large(distinct):
    # 30,000 rows: mostly tied (7 distinct scores), some ties, continuous; unranked rows too.
    rng = np.random.default_rng(7 if distinct is None else distinct)
    size = 30_000
    if distinct is None:
        score = rng.normal(60, 15, size)
    else:
        score = rng.integers(0, distinct, size) / distinct * 100
    score[rng.random(size) < 0.05] = np.nan
    n_reviews = np.where(np.isnan(score), 0, rng.integers(1, 5, size))
    names = np.array([f"{'aAbB'[i % 4]}{i % 37}" for i in range(size)], dtype=object)
    ids = rng.permutation(size) * 7 + 3
    rank, order = rank_and_order(score, n_reviews, names, ids)
    finite = ~np.isnan(score)
    expected_rank = np.full(size, np.nan)
    expected_rank[finite] = competition_ranks(score[finite])
    np.testing.assert_array_equal(rank, expected_rank)
    np.testing.assert_array_equal(order, reference_display_order(rank, n_reviews, names, ids))


def test_row_competition_ranks_each_row_alone():
    rng = np.random.default_rng(4)
    matrix = rng.integers(0, 6, size=(7, 30)).astype(float) / 3
    ranks = row_competition_ranks(matrix)
    for row, expected in zip(ranks, map(reference_competition_ranks, matrix), strict=True):
        np.testing.assert_array_equal(row, expected)


def _reviews(status, recommendation):
    size = len(status)
    return pd.DataFrame(
        {
            "review_id": np.arange(1, size + 1),
            "candidate_id": np.arange(size) // 2 + 1,
            "reviewer_id": np.arange(size) % 3 + 10,
            "rubric_id": 1,
            "status": status,
            "recommendation": recommendation,
            "confidence": 2,
        }
    )


STATUS = ["submitted", "draft", None, "submitted", "submitted", "draft"]
RECOMMENDATION = ["yes", None, "strong_no", "no", "strong_yes", "yes"]


@pytest.mark.parametrize(
    "categories",
    [list(STATUSES), ["submitted", "draft", "withdrawn"], ["draft"]],
)
def test_submitted_reads_categorical_codes_as_the_strings(categories):
    plain = _reviews(STATUS, RECOMMENDATION)
    held = [s if s in categories else None for s in STATUS]
    coded = plain.assign(status=pd.Categorical(held, categories=categories))
    expected = [s == "submitted" and s in categories for s in STATUS]
    assert submitted(coded)["review_id"].tolist() == plain["review_id"][expected].tolist()
    if "submitted" in categories:
        assert submitted(coded)["review_id"].tolist() == submitted(plain)["review_id"].tolist()


@pytest.mark.parametrize(
    "categories",
    [list(RECOMMENDATIONS), ["yes", "no", "strong_yes", "strong_no"], ["yes", "maybe", "no"]],
)
def test_recommendation_counts_read_categorical_codes(categories):
    plain = _reviews(STATUS, RECOMMENDATION)
    kept = [r if r in categories else None for r in RECOMMENDATION]
    coded = pd.Series(pd.Categorical(kept, categories=categories))
    codes = np.arange(6) // 2
    expected = _recommendation_counts(pd.Series(kept, dtype=object), codes, 3)
    np.testing.assert_array_equal(_recommendation_counts(coded, codes, 3), expected)
    if set(categories) >= set(RECOMMENDATIONS):
        by_object = _recommendation_counts(plain["recommendation"], codes, 3)
        np.testing.assert_array_equal(_recommendation_counts(coded, codes, 3), by_object)
        assert by_object.tolist() == [[0, 0, 1, 0], [1, 1, 0, 0], [0, 0, 1, 1]]


def test_categorical_keeps_values_it_cannot_hold():
    assert isinstance(categorical(["draft", None, "submitted"], STATUSES), pd.Categorical)
    values = pd.Series(["draft", "withdrawn"], dtype=object)
    assert categorical(values, STATUSES) is values


def test_rank_candidates_same_with_categorical_and_object_columns():
    committee = simulate_committee(5, n_candidates=80, n_reviewers=12, n_criteria=3)
    reviews = committee.reviews.copy()
    reviews.loc[reviews.index % 7 == 0, "status"] = "draft"
    reviews.loc[reviews.index % 5 == 0, "recommendation"] = None
    as_object = reviews.astype({"status": object, "recommendation": object})
    frames = (committee.candidates, committee.scores, committee.criteria)
    for method in ("mean", "adjusted"):
        coded = rank_candidates(frames[0], reviews, *frames[1:], method=method, bootstrap=20)
        plain = rank_candidates(frames[0], as_object, *frames[1:], method=method, bootstrap=20)
        pd.testing.assert_frame_equal(coded, plain, check_exact=True)


def _dense_frames(review_ids, criterion_order=(1, 2, 3)):
    reviews = _reviews(["submitted"] * len(review_ids), ["yes"] * len(review_ids))
    reviews["review_id"] = review_ids
    scores = pd.DataFrame(
        {
            "review_id": np.repeat(review_ids, 3),
            "criterion_id": np.tile(criterion_order, len(review_ids)),
            "value": np.arange(3 * len(review_ids)) % 5 + 1,
        }
    )
    criteria = pd.DataFrame(
        {
            "criterion_id": [1, 2, 3],
            "rubric_id": 1,
            "name": ["A", "B", "C"],
            "weight": [1.0, 2.0, 1.0],
            "scale_min": 1,
            "scale_max": 5,
            "position": [1, 2, 3],
        }
    )
    return reviews, scores, criteria


def test_dense_layout_accepts_reviews_in_any_order_of_distinct_ids():
    reviews, scores, criteria = _dense_frames([40, 12, 33, 7, 90, 15], criterion_order=(2, 3, 1))
    dense = score_reviews(reviews, scores, criteria)
    general = score_reviews(reviews, scores.iloc[::-1].reset_index(drop=True), criteria)
    assert dense.matrix is not None and general.matrix is None
    np.testing.assert_array_equal(dense.total, general.total)


def test_dense_layout_refused_for_repeated_review_ids_or_mixed_rows():
    reviews, scores, criteria = _dense_frames([4, 2, 4, 1])
    assert _dense_values(reviews, scores, criteria) is None
    reviews, scores, criteria = _dense_frames([5, 2, 8, 1])
    swapped = scores.copy()
    swapped.loc[[1, 3], "review_id"] = swapped.loc[[3, 1], "review_id"].to_numpy()
    assert _dense_values(reviews, scores, criteria) is not None
    assert _dense_values(reviews, swapped, criteria) is None
    # A review's last score carrying the next review's id: one unequal pair inside a row, one
    # equal pair across rows, the same number of equal neighbours as a good layout has.
    shifted = scores.copy()
    shifted.loc[2, "review_id"] = 2
    assert _dense_values(reviews, shifted, criteria) is None


def test_in_review_order_follows_reviews_then_criteria_rows():
    reviews, scores, criteria = _dense_frames([40, 12, 33])
    shuffled = scores.iloc[[8, 0, 4, 3, 7, 1, 5, 2, 6]].reset_index(drop=True)
    extra = pd.DataFrame({"review_id": [99], "criterion_id": [1], "value": [3]})
    mixed = pd.concat([shuffled, extra], ignore_index=True)
    ordered = _in_review_order(mixed, reviews, criteria.iloc[[2, 0, 1]].reset_index(drop=True))
    assert ordered["review_id"].tolist() == [40] * 3 + [12] * 3 + [33] * 3
    assert ordered["criterion_id"].tolist() == [3, 1, 2] * 3
    merged = ordered.merge(scores, on=["review_id", "criterion_id"], suffixes=("", "_was"))
    assert (merged["value"] == merged["value_was"]).all() and len(merged) == 9


def test_dense_layout_leaves_out_the_scores_of_drafts():
    committee = simulate_committee(2, n_candidates=50, n_reviewers=12, n_criteria=4)
    reviews = committee.reviews.copy()
    reviews.loc[reviews.index % 6 == 1, "status"] = "draft"
    counted = submitted(reviews)
    dense = score_reviews(counted, committee.scores, committee.criteria)
    shuffled = committee.scores.sample(frac=1, random_state=3).reset_index(drop=True)
    general = score_reviews(counted, shuffled, committee.criteria)
    assert dense.matrix is not None and general.matrix is None
    assert dense.matrix.shape == (len(counted), 4)
    np.testing.assert_allclose(dense.total, general.total, rtol=1e-14)
    as_float = committee.scores.astype({"value": float})  # general path, same order of additions
    np.testing.assert_array_equal(
        dense.total, score_reviews(counted, as_float, committee.criteria).total
    )
    # A draft missing scores (reviews 2 and 8 are drafts) leaves the submitted reviews dense.
    partial = committee.scores.drop(index=[4 * 1 + 2, 4 * 7]).reset_index(drop=True)
    assert score_reviews(counted, partial, committee.criteria).matrix is not None
    # A submitted review missing a score does not.
    incomplete = committee.scores.drop(index=[0]).reset_index(drop=True)
    assert score_reviews(counted, incomplete, committee.criteria).matrix is None
    ranked = rank_candidates(committee.candidates, reviews, committee.scores, committee.criteria)
    general_ranked = rank_candidates(committee.candidates, reviews, shuffled, committee.criteria)
    pd.testing.assert_frame_equal(ranked, general_ranked, check_exact=False, rtol=1e-12)
