"""Property-based tests (hypothesis) for the pure rules a committee relies on.

Ranking (reviewapp.ranking): the order rows arrive in never changes the result; raising one
score never lowers that candidate's mean or median; ties share the smallest rank; review totals
stay on 0–100. Formula neutralisation (reviewapp.exports.safe, the CSV and the workbook): any
string goes through an .xlsx cell as a string, never a formula; a CSV field never starts like one.
"""

import csv
import io

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl import Workbook, load_workbook

from reviewapp.exports.csvfile import ranking_csv
from reviewapp.exports.safe import FORMULA_PREFIXES, clean_text, csv_text, set_string
from reviewapp.ranking import rank_candidates
from reviewapp.ranking.totals import compute_totals

pytestmark = pytest.mark.unit

# Two criteria of different weight and scale, so totals are not just a scaled single score.
CRITERIA = pd.DataFrame(
    {
        "criterion_id": [1, 2],
        "rubric_id": [1, 1],
        "name": ["Research", "Teaching"],
        "weight": [2.0, 1.0],
        "scale_min": [1, 0],
        "scale_max": [5, 10],
        "position": [1, 2],
    }
)
SCALE = {1: (1, 5), 2: (0, 10)}
RECOMMENDATIONS = [None, "strong_no", "no", "yes", "strong_yes"]
PROFILE = settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow], derandomize=True
)


@st.composite
def committees(draw):
    """Candidates 1..n (some unreviewed), reviewers 11.., one review per reviewed pair; each
    review scores a non-empty subset of the criteria; some reviews are drafts."""
    n_candidates = draw(st.integers(1, 6))
    n_reviewers = draw(st.integers(1, 4))
    names = draw(
        st.lists(
            st.sampled_from(["Ann", "ann", "Bo", "Émile", "Eve", "Zoë", "Cy"]),
            min_size=n_candidates,
            max_size=n_candidates,
        )
    )
    reviews, scores = [], []
    for candidate in range(1, n_candidates + 1):
        for reviewer in range(11, 11 + n_reviewers):
            if not draw(st.booleans()):
                continue
            review_id = len(reviews) + 1
            reviews.append(
                {
                    "review_id": review_id,
                    "candidate_id": candidate,
                    "reviewer_id": reviewer,
                    "rubric_id": 1,
                    "status": draw(st.sampled_from(["submitted", "submitted", "draft"])),
                    "recommendation": draw(st.sampled_from(RECOMMENDATIONS)),
                    "confidence": draw(st.sampled_from([None, 1, 2, 3])),
                }
            )
            scored = draw(st.sampled_from([(1,), (2,), (1, 2)]))
            for criterion in scored:
                low, high = SCALE[criterion]
                value = draw(st.integers(low, high))
                scores.append({"review_id": review_id, "criterion_id": criterion, "value": value})
    candidates = pd.DataFrame({"candidate_id": range(1, n_candidates + 1), "name": names})
    review_columns = ["review_id", "candidate_id", "reviewer_id", "rubric_id", "status"]
    review_columns += ["recommendation", "confidence"]
    return (
        candidates,
        pd.DataFrame(reviews, columns=review_columns),
        pd.DataFrame(scores, columns=["review_id", "criterion_id", "value"]),
    )


def rank(candidates, reviews, scores, method="mean"):
    return rank_candidates(candidates, reviews, scores, CRITERIA, method=method, bootstrap=0)


def by_candidate(ranking: pd.DataFrame) -> pd.DataFrame:
    return ranking.set_index("candidate_id").sort_index()


@PROFILE
@given(frames=committees(), seed=st.integers(0, 2**32 - 1))
def test_ranking_is_invariant_under_row_order(frames, seed):
    candidates, reviews, scores = frames
    rng = np.random.default_rng(seed)
    shuffled = (
        candidates.iloc[rng.permutation(len(candidates))],
        reviews.iloc[rng.permutation(len(reviews))],
        scores.iloc[rng.permutation(len(scores))],
    )
    for method in ("mean", "median", "zscore", "adjusted"):
        before, after = rank(*frames, method=method), rank(*shuffled, method=method)
        # Display order is a total order (rank, more reviews, folded name, id): identical.
        assert after["candidate_id"].tolist() == before["candidate_id"].tolist()
        a, b = by_candidate(before), by_candidate(after)
        assert b["n_reviews"].tolist() == a["n_reviews"].tolist()
        for column in ("score", "mean", "median", "zscore", "adjusted"):
            np.testing.assert_allclose(b[column], a[column], rtol=0, atol=1e-9)
        if method in ("mean", "median"):
            assert b["rank"].tolist() == a["rank"].tolist()


@PROFILE
@given(frames=committees(), seed=st.integers(0, 2**32 - 1))
def test_ranking_is_invariant_under_reviewer_relabelling(frames, seed):
    """Reviewer ids are labels: renaming them (a permutation) changes no score or rank."""
    candidates, reviews, scores = frames
    ids = sorted(reviews["reviewer_id"].unique())
    relabel = dict(zip(ids, np.random.default_rng(seed).permutation(ids).tolist(), strict=True))
    renamed = reviews.assign(reviewer_id=reviews["reviewer_id"].map(relabel))
    for method in ("mean", "median", "zscore", "adjusted"):
        a = by_candidate(rank(candidates, reviews, scores, method))
        b = by_candidate(rank(candidates, renamed, scores, method))
        np.testing.assert_allclose(b["score"], a["score"], rtol=0, atol=1e-9)


@PROFILE
@given(frames=committees(), data=st.data())
def test_raising_one_score_never_lowers_that_candidates_mean_or_median(frames, data):
    candidates, reviews, scores = frames
    counted = reviews.loc[reviews["status"] == "submitted", "review_id"]
    raisable = scores[scores["review_id"].isin(counted)]
    raisable = raisable[raisable["value"] < raisable["criterion_id"].map(lambda c: SCALE[c][1])]
    if raisable.empty:
        return
    row = data.draw(st.sampled_from(list(raisable.index)))
    criterion, value = scores.loc[row, "criterion_id"], scores.loc[row, "value"]
    new_value = data.draw(st.integers(value + 1, SCALE[criterion][1]))
    raised = scores.copy()
    raised.loc[row, "value"] = new_value
    review_id = scores.loc[row, "review_id"]
    candidate = reviews.loc[reviews["review_id"] == review_id, "candidate_id"].item()
    before = by_candidate(rank(candidates, reviews, scores)).loc[candidate]
    after = by_candidate(rank(candidates, reviews, raised)).loc[candidate]
    assert after["mean"] > before["mean"]  # the review total rises, so the mean does too
    assert after["median"] >= before["median"] - 1e-9
    others = by_candidate(rank(candidates, reviews, scores)).drop(index=candidate)
    others_after = by_candidate(rank(candidates, reviews, raised)).drop(index=candidate)
    np.testing.assert_allclose(others_after["mean"], others["mean"], rtol=0, atol=1e-9)


@PROFILE
@given(frames=committees(), method=st.sampled_from(["mean", "median", "zscore", "adjusted"]))
def test_ties_share_the_smallest_rank(frames, method):
    """Competition ranking: a candidate's rank is 1 + the number of candidates scoring higher
    (scores equal to 9 decimals tie); unreviewed candidates have no rank and come last."""
    out = rank(*frames, method=method)
    ranked = out[out["n_reviews"] > 0]
    rounded = ranked["score"].round(9).to_numpy()
    expected = [1 + int((rounded > s).sum()) for s in rounded]
    assert ranked["rank"].tolist() == expected
    assert out["rank"].isna().tolist() == (out["n_reviews"] == 0).tolist()
    assert out["n_reviews"].tolist() == sorted(out["n_reviews"], key=lambda n: n == 0)
    assert ranked["rank"].tolist() == sorted(ranked["rank"])


@PROFILE
@given(frames=committees())
def test_totals_and_mean_median_stay_within_0_and_100(frames):
    candidates, reviews, scores = frames
    totals = compute_totals(reviews, scores, CRITERIA)["total"]
    assert ((totals >= 0) & (totals <= 100)).all()
    assert len(totals) == (reviews["status"] == "submitted").sum()
    out = rank(candidates, reviews, scores)
    for column in ("mean", "median"):
        values = out.loc[out["n_reviews"] > 0, column]
        assert ((values >= -1e-9) & (values <= 100 + 1e-9)).all()


# --- formula neutralisation -------------------------------------------------------------------

DANGEROUS_STARTS = st.sampled_from(["=", "+", "-", "@", "\t", "\r", "＝", "#N/A", "=HYPERLINK("])
TEXTS = st.one_of(st.text(max_size=60), st.builds(str.__add__, DANGEROUS_STARTS, st.text()))


@settings(max_examples=150, deadline=None, derandomize=True)
@given(text=TEXTS)
def test_any_string_round_trips_through_an_xlsx_cell_as_a_string(text):
    wb = Workbook()
    set_string(wb.active["A1"], clean_text(text))
    buffer = io.BytesIO()
    wb.save(buffer)
    cell = load_workbook(io.BytesIO(buffer.getvalue()))["Sheet"]["A1"]
    expected = clean_text(text)
    if expected == "":
        assert cell.value is None
    else:
        assert (cell.value, cell.data_type) == (expected, "s")


@settings(max_examples=150, deadline=None, derandomize=True)
@given(text=TEXTS)
def test_csv_field_never_starts_like_a_formula_and_keeps_the_text(text):
    field = csv_text(text)
    cleaned = clean_text(text)
    assert not field.startswith(FORMULA_PREFIXES)
    assert field == ("'" + cleaned if cleaned.startswith(FORMULA_PREFIXES) else cleaned)


@settings(max_examples=60, deadline=None, derandomize=True)
@given(name=TEXTS)
def test_csv_ranking_name_cell_reads_back_neutralised(name):
    out = rank_candidates(
        pd.DataFrame({"candidate_id": [1], "name": [name]}),
        pd.DataFrame(
            {
                "review_id": [1],
                "candidate_id": [1],
                "reviewer_id": [11],
                "rubric_id": [1],
                "status": ["submitted"],
                "recommendation": ["yes"],
                "confidence": [2],
            }
        ),  # fmt: skip
        pd.DataFrame({"review_id": [1], "criterion_id": [1], "value": [4]}),
        CRITERIA,
        bootstrap=0,
    )
    text = ranking_csv(out, ["Research", "Teaching"]).decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text, newline="")))
    assert rows[1][1] == csv_text(name)
    assert not rows[1][1].startswith(FORMULA_PREFIXES)
