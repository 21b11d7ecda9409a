"""Properties of parse_cv on generated text: it never raises, its result is JSON-serialisable,
and every e-mail it returns can be read off the text (no address is invented)."""

import html
import json
import re
import unicodedata

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from reviewapp.importing.parse import Profile, parse_cv
from reviewapp.textutil import strip_control_chars

pytestmark = pytest.mark.unit

# Fragments that steer generated text towards what the parser looks for.
FRAGMENTS = [
    "@", " at ", " dot ", "(at)", "[at]", "{at}", "(dot)", "[dot]", " AT ", " DOT ", ".", ",",
    "jdoe", "maria.keller", "Example", "uni-bonn", "edu", "com", "org", "de", "Email:", "mail",
    "Contact", "\n", "\n\n", "\t", "   ", "Publications", "Education", "PhD", "Ph.D.", "博士",
    "University of Bonn", "清华大学", "2019", "–", "present", "expected 2027", "+49 30 1234 5678",
    "Tel.:", "1.", "[2]", "- ", "**", "_", "<b>", "</b>", "[pdf](http://x.org)", "&#64;", "＠",
    "Keller, M.", "J. Novak", "and", "(2021).", "https://github.com/jdoe", "# ", "Jane Doe",
]  # fmt: skip
_ALNUM_RUN_RE = re.compile(r"[^\W_]+")


def _derivable(email: str, text: str) -> bool:
    """Each letter-or-digit run of the address occurs in the text (after the normalisations the
    parser applies to any input: control characters dropped, NFKC, HTML entities, case)."""
    plain = html.unescape(unicodedata.normalize("NFKC", strip_control_chars(text))).casefold()
    plain = unicodedata.normalize("NFKC", plain)
    return all(run in plain for run in _ALNUM_RUN_RE.findall(email.casefold()))


_WORDISH = st.text(alphabet="abcxyzJKé0189._-+ ", min_size=0, max_size=10)
# An address in one of its written forms, mangled by random neighbours and pieces.
address_like = st.tuples(
    _WORDISH,
    st.sampled_from(["@", " at ", "(at)", " [at] ", " AT ", "＠", "&#64;", " @ ", "{at}"]),
    _WORDISH,
    st.sampled_from([".", " dot ", "(dot)", " DOT ", "[dot]", " . "]),
    st.sampled_from(["edu", "com", "org", "de", "x", ""]),
).map("".join)
cv_like = st.lists(
    st.one_of(st.sampled_from(FRAGMENTS), st.text(max_size=12), address_like), max_size=40
).map("".join)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(text=st.one_of(st.text(max_size=2000), cv_like))
@example(text="0@0.A\x1fA")  # a control character between letters is dropped, joining them
@example(text="0[]()0@0.AA")  # an empty markdown link must not join "0" and "0@0.aa"
def test_parse_cv_never_raises_and_invents_no_email(text):
    profile = parse_cv(text)
    assert isinstance(profile, Profile)
    json.dumps(profile.to_dict(), ensure_ascii=False).encode("utf-8")
    for email in profile.emails:
        assert "@" in email
        assert _derivable(email, text), (email, text)
    assert len(profile.evidence.get("emails", [])) == len(profile.emails)


@settings(max_examples=100, deadline=None)
@given(
    local=st.from_regex(r"[a-z][a-z0-9]{1,8}(?:\.[a-z]{2,6})?", fullmatch=True),
    host=st.from_regex(r"[a-z]{2,8}", fullmatch=True),
    tld=st.sampled_from(["edu", "org", "de", "fr", "cn"]),
    form=st.sampled_from(["{l}@{h}.{t}", "{l} (at) {h} (dot) {t}", "{l} [at] {h}.{t}"]),
)
def test_parse_cv_finds_generated_addresses(local, host, tld, form):
    line = form.format(l=local, h=host, t=tld)
    assert parse_cv(f"Jane Doe\nEmail: {line}\n").emails == [f"{local}@{host}.{tld}"]
