"""The five real seed CVs in ../shared/cvs/seeds against their expected.json.

Comparisons: names, e-mails and publication counts exactly; the phone exactly as written and
with the same digits once normalised; degrees, dates and flags exactly; institutions after light
normalisation (diacritics and case folded, commas and the word "at" dropped, spaces squashed), so
"University of California at Berkeley" equals "University of California, Berkeley".
"""

import json
import re
from pathlib import Path

import pytest

from reviewapp.importing.parse import merge_publications, parse_cv
from reviewapp.textutil import fold

pytestmark = pytest.mark.unit

SEEDS = Path(__file__).resolve().parents[2].parent / "shared" / "cvs" / "seeds"
SKIP_REASON = f"seed CVs not found at {SEEDS} (../shared is absent in this clone)"


def _candidates() -> list:
    expected = SEEDS / "expected.json"
    if not expected.is_file():
        return [pytest.param(None, id="seeds-absent")]
    data = json.loads(expected.read_text(encoding="utf-8"))
    return [pytest.param(c, id=c["files"][0].split("_")[0]) for c in data["candidates"]]


def _parse(filename: str):
    return parse_cv((SEEDS / filename).read_text(encoding="utf-8"))


def _institution(text: str | None) -> str:
    folded = fold(text or "").replace(",", " ")
    return " ".join(word for word in folded.split() if word != "at")


def _digits(text: str | None) -> str:
    return re.sub(r"\D", "", text or "")


def _need(candidate: dict | None) -> dict:
    if candidate is None:
        pytest.skip(reason=SKIP_REASON)
    return candidate


@pytest.mark.parametrize("candidate", _candidates())
def test_seed_name_matches_expected(candidate):
    candidate = _need(candidate)
    profile = _parse(candidate["files"][0])
    assert profile.name == candidate["name"]
    if "name_as_written" in candidate:
        assert profile.name_as_written == candidate["name_as_written"]


@pytest.mark.parametrize("candidate", _candidates())
def test_seed_emails_match_expected(candidate):
    candidate = _need(candidate)
    assert _parse(candidate["files"][0]).emails == candidate["emails"]


@pytest.mark.parametrize("candidate", _candidates())
def test_seed_phone_matches_expected(candidate):
    candidate = _need(candidate)
    profile = _parse(candidate["files"][0])
    if "phone" not in candidate:
        assert profile.phone_as_written is None
        return
    assert profile.phone_as_written == candidate["phone"]
    assert _digits(profile.phone) == _digits(candidate["phone"])


@pytest.mark.parametrize("candidate", _candidates())
def test_seed_education_matches_expected(candidate):
    candidate = _need(candidate)
    found = _parse(candidate["files"][0]).education
    expected = candidate["education"]
    assert len(found) == len(expected)
    for entry, want in zip(found, expected, strict=True):
        for key, value in want.items():
            if key == "institution":
                assert _institution(entry["institution"]) == _institution(value)
            else:
                assert entry[key] == value, (key, entry)


@pytest.mark.parametrize("candidate", _candidates())
def test_seed_publication_count_matches_expected(candidate):
    candidate = _need(candidate)
    profiles = [_parse(name) for name in candidate["files"]]
    if "publications" in candidate:
        assert profiles[0].publications["count"] == candidate["publications"]
    if "publications_in_000" in candidate:
        assert profiles[0].publications["count"] == candidate["publications_in_000"]
    if "publications_after_merge_min" in candidate:
        merged = merge_publications([p.publications["items"] for p in profiles])
        assert len(merged) >= candidate["publications_after_merge_min"]
        assert len(merged) <= sum(p.publications["count"] for p in profiles)


@pytest.mark.parametrize("candidate", _candidates())
def test_seed_listing_names_the_same_person(candidate):
    candidate = _need(candidate)
    names = {_parse(name).name for name in candidate["files"]}
    assert names == {candidate["name"]}


@pytest.mark.parametrize("candidate", _candidates())
def test_seed_evidence_points_at_real_lines(candidate):
    candidate = _need(candidate)
    text = (SEEDS / candidate["files"][0]).read_text(encoding="utf-8")
    lines = text.split("\n")
    profile = parse_cv(text)
    records = [
        profile.evidence["name"],
        *profile.evidence["emails"],
        *profile.evidence["education"],
        *profile.evidence["publications"],
    ]
    for record in records:
        assert lines[record["line"] - 1].strip() == record["text"]
