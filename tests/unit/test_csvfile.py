"""The ranking CSV: BOM, exact headers, numbers as numbers, formula-like text neutralised."""

import csv
import io

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from reviewapp.exports import ranking_csv
from reviewapp.exports.safe import FORMULA_PREFIXES, clean_text, csv_text
from reviewapp.ranking import rank_candidates
from tests.unit.ranking_data import OVERALL

pytestmark = pytest.mark.unit


def ranking(names, values):
    """One review per candidate with an Overall score (T = 10 × score); None = no review."""
    candidates = pd.DataFrame({"candidate_id": range(1, len(names) + 1), "name": names})
    reviewed = [(i + 1, v) for i, v in enumerate(values) if v is not None]
    reviews = pd.DataFrame(
        {
            "review_id": [c for c, _ in reviewed],
            "candidate_id": [c for c, _ in reviewed],
            "reviewer_id": 5,
            "rubric_id": 1,
            "status": "submitted",
            "recommendation": "yes",
            "confidence": 2,
        }
    )
    scores = pd.DataFrame(
        {
            "review_id": [c for c, _ in reviewed],
            "criterion_id": 1,
            "value": [v for _, v in reviewed],
        }
    )
    return rank_candidates(
        candidates, reviews, scores, OVERALL, bootstrap=0, reviews_per_candidate=1
    )


def rows(data: bytes):
    return list(csv.reader(io.StringIO(data.decode("utf-8-sig"), newline="")))


def test_csv_starts_with_a_bom_and_uses_crlf():
    data = ranking_csv(ranking(["Ann"], [8]), ["Overall"])
    assert data.startswith(b"\xef\xbb\xbfRank,Candidate,")
    assert data.count(b"\r\n") == 2


def test_csv_headers_match_the_ranking_sheet():
    assert rows(ranking_csv(ranking(["Ann"], [8]), ["Overall"]))[0] == [
        "Rank", "Candidate", "Score", "Mean", "Median", "Z-calibrated", "Adjusted", "Reviews",
        "Std", "Flags", "Rank 90% interval", "P(top K)", "Overall", "Strong no", "No", "Yes",
        "Strong yes",
    ]  # fmt: skip


def test_csv_values_hand_computed():
    # Ann 8 → 80; Bo 2.5 → 25; Cy has no review: empty score and rank, "insufficient reviews".
    data = ranking_csv(ranking(["Ann", "Bo", "Cy"], [8, 2.5, None]), ["Overall"])
    table = rows(data)
    assert table[1] == ["1", "Ann", "80", "80", "80", "80", "80", "1", "0", "", "", "", "8"] + [
        "0", "0", "1", "0",
    ]  # fmt: skip
    assert table[2][:3] == ["2", "Bo", "25"]
    assert table[3][:3] == ["", "Cy", ""]
    assert table[3][9] == "insufficient reviews"
    frame = pd.read_csv(io.BytesIO(data), encoding="utf-8-sig")
    assert frame["Score"].tolist()[:2] == [80.0, 25.0]
    assert frame["Candidate"].tolist() == ["Ann", "Bo", "Cy"]


def test_csv_rounds_floats_to_six_decimals():
    # 2/3 of the scale → 66.666666666… written as 66.666667.
    data = ranking_csv(ranking(["Ann"], [20 / 3]), ["Overall"])
    assert rows(data)[1][2] == "66.666667"


def test_csv_neutralises_formula_like_text():
    names = ["=1+1", "+cmd", "-2", "@SUM(A1)", "\tx", "\rx"]
    table = rows(ranking_csv(ranking(names, [5] * 6), ["Overall"]))
    assert sorted(r[1] for r in table[1:]) == sorted("'" + n for n in names)


def test_csv_quotes_commas_quotes_and_newlines():
    names = ['Smith, "Jo"', "Line\nbreak"]
    data = ranking_csv(ranking(names, [5, 4]), ["Overall"])
    assert b'"Smith, ""Jo"""' in data
    assert [r[1] for r in rows(data)[1:]] == names


def test_csv_empty_ranking_has_only_headers():
    empty = rank_candidates(pd.DataFrame(), pd.DataFrame(), pd.DataFrame(), pd.DataFrame())
    assert len(rows(ranking_csv(empty, []))) == 1


@settings(max_examples=100, deadline=None)
@given(text=st.text(min_size=1, max_size=30))
def test_csv_text_never_starts_like_a_formula(text):
    field = csv_text(text)
    assert not field.startswith(FORMULA_PREFIXES)
    cleaned = clean_text(text)
    assert field in (cleaned, "'" + cleaned)
    assert (field != cleaned) == cleaned.startswith(FORMULA_PREFIXES)


@settings(max_examples=30, deadline=None)
@given(text=st.text(min_size=1, max_size=30))
def test_csv_any_name_round_trips_through_a_csv_reader(text):
    table = rows(ranking_csv(ranking([text], [5]), ["Overall"]))
    assert table[1][1] == csv_text(text)
