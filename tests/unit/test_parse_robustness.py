"""parse_cv never raises and stays bounded on hostile text (timings are measured in benchmarks)."""

import json
from unittest.mock import patch

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from reviewapp.importing import parse as parse_module
from reviewapp.importing.parse import Profile, parse_cv

pytestmark = pytest.mark.unit


def _random_text(size: int, seed: int) -> str:
    rng = np.random.default_rng(seed)
    return bytes(rng.integers(0, 256, size, dtype=np.uint8)).decode("latin-1")


HOSTILE = {
    "empty": "",
    "blank": " \n\t\r\n",
    "binary": _random_text(50_000, 1),
    "one_long_line": "x" * 100_000,
    "long_word_line": "Aaaa Bbbb, " * 10_000,
    "many_initials": "Publications\n" + "A. " * 30_000,
    "many_ats": "a@" * 50_000,
    "many_digits": "12 " * 30_000,
    "many_newlines": "\n" * 100_000 + "Jane Doe",
    "many_headings": "# Publications\n" * 5_000,
    "many_bullets": "Publications\n" + "- x\n" * 5_000,
    "quotes": "Publications\n1. " + '"' * 50_000,
    "stars": "Publications\n1. " + "*a " * 30_000,
    "null_and_controls": "Jane Doe\x00\x01\x02\nEducation\x0b\nPhD\x7f",
    "lone_surrogates": "Jane \ud800 Doe\nEducation",
    "big": (
        "Jane Doe\njane@example.org\nEducation\nPhD, Example University, 2010-2014\n"
        + "Publications\n"
        + "1. A. Author. A title of a paper. Venue, 2020.\n" * 40_000
    ),
}


@pytest.mark.parametrize("text", list(HOSTILE.values()), ids=list(HOSTILE))
def test_parse_cv_hostile_text_returns_serialisable_profile(text, caplog):
    profile = parse_cv(text)
    assert isinstance(profile, Profile)
    assert json.loads(json.dumps(profile.to_dict(), ensure_ascii=False)) == profile.to_dict()
    json.dumps(profile.to_dict(), ensure_ascii=False).encode("utf-8")
    assert [r.message for r in caplog.records if r.levelname == "ERROR"] == []


def test_parse_cv_big_text_reads_the_head():
    profile = parse_cv(HOSTILE["big"])
    assert (profile.name, profile.emails) == ("Jane Doe", ["jane@example.org"])
    assert profile.publications["count"] > 1000


def test_parse_cv_non_string_returns_empty_profile():
    assert parse_cv(None) == Profile()  # type: ignore[arg-type]


@settings(max_examples=60, deadline=None)
@given(st.text(max_size=400))
def test_parse_cv_arbitrary_unicode_never_raises(text):
    with patch.object(parse_module.log, "exception") as logged:
        profile = parse_cv(text)
    assert logged.call_count == 0
    assert profile.publications["count"] == len(profile.publications["items"])


@settings(max_examples=40, deadline=None)
@given(
    st.lists(
        st.sampled_from(
            [
                "Education",
                "PUBLICATIONS",
                "Ph.D. in X, University of Y, 2019 - present",
                "- ",
                "1. ",
                "[2] A. B, C. D. Title here. Venue, 2020.",
                "**Jane Doe**",
                "jane (at) x (dot) org",
                "+49 30 1234567",
                "\t",
                "2019.09 - 2021.06",
                "Assistant Professor, Z University",
                "",
                "王小明 (Xiaoming Wang)",
                "pdf bib",
                "A | B | C",
                "E DUCATION",
                "<b>x</b>",
                "[x](mailto:y)",
            ]
        ),
        max_size=40,
    )
)
def test_parse_cv_shuffled_cv_fragments_never_raise(parts):
    with patch.object(parse_module.log, "exception") as logged:
        profile = parse_cv("\n".join(parts))
    assert logged.call_count == 0
    for email in profile.emails:
        assert email == email.lower()
        assert "@" in email
