"""HTML CVs: link targets hidden behind link text are kept for the profile."""

import pytest

from reviewapp.importing.extract import extract_text
from reviewapp.importing.html_text import html_to_text
from reviewapp.importing.parse import parse_cv

pytestmark = pytest.mark.unit

PAGE = b"""<!doctype html><html><head><title>Ada</title><script>var a = 1;</script></head>
<body><nav><a href="#cv">CV</a></nav><h1>Ada Lovelace</h1>
<p><a href="mailto:ada@example.org?subject=Hi">Email me</a> |
<a href="https://github.com/adal">GitHub</a> |
<a href="https://scholar.google.com/citations?user=abc123">Scholar</a> |
<a href="https://ada.example.org/">https://ada.example.org/</a> |
<a href="javascript:alert(1)">Click</a></p>
<svg><a href="https://hidden.example.org">x</a></svg>
<h2>Education</h2><ul><li>PhD, University of London, 2010 - 2014</li></ul></body></html>"""


def test_html_link_targets_follow_their_text():
    assert html_to_text(PAGE).split("\n")[:3] == [
        "CV",
        "Ada Lovelace",
        "Email me (ada@example.org) | GitHub (https://github.com/adal) | "
        "Scholar (https://scholar.google.com/citations?user=abc123) | "
        "https://ada.example.org/ | Click",
    ]


def test_html_hidden_or_script_links_add_nothing():
    text = html_to_text(PAGE)
    assert "hidden.example.org" not in text and "javascript" not in text


def test_html_cv_profile_has_email_and_links_from_hrefs():
    profile = parse_cv(extract_text(PAGE, "cv.html").text)
    assert profile.emails == ["ada@example.org"]
    assert profile.links == {
        "other": [],
        "github": "https://github.com/adal",
        "scholar": "https://scholar.google.com/citations?user=abc123",
        "homepage": "https://ada.example.org/",
    }
