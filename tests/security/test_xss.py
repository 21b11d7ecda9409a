"""Item 19: stored XSS. Hostile markup planted in every kind of user text (candidate name, CV
text, file name, e-mail, reviewer name, review comment and private note, rubric name,
description and level texts, position title, discussion) is escaped on every page each role
can open, including search results; every page carries a Content-Security-Policy.

Pages are found from the URL map (every GET rule, ids filled from this committee) and from the
same-site links on those pages, so a new page is checked without editing this file.
"""

import re
from types import SimpleNamespace
from urllib.parse import quote, urlsplit

import pytest

from reviewapp.extensions import db
from reviewapp.positions.models import Membership
from reviewapp.reviews.operations import ReviewInput, save_review
from reviewapp.rubrics.operations import create_rubric_version
from tests import factories
from tests.conftest import AuthActions, IsolatedClient

pytestmark = pytest.mark.integration

# Each payload carries a marker; the raw (unescaped) payload must never appear in a page.
PAYLOADS = {
    "name": "<script>alert('xss-name')</script>",
    "cv": "<img src=x onerror=alert('xss-cv')>",
    "file": "\"><svg onload=alert('xss-file')>.txt",
    "reviewer": "<b onmouseover=alert('xss-reviewer')>Rex</b>",
    "comment": "</textarea><script>alert('xss-comment')</script>",
    "note": "<iframe src=javascript:alert('xss-note')>",
    "criterion": "<script>alert('xss-criterion')</script>",
    "description": "<a href=javascript:alert('xss-description')>x</a>",
    "level": "<style>@import 'xss-level'</style>",
    "title": "<script>alert('xss-title')</script>",
}
HTML_PAGE_LIMIT = 400


@pytest.fixture
def hostile(app):
    chair = factories.create_user("chair@example.org", name="Carla Chair")
    rev = factories.create_user("rev@example.org", name=PAYLOADS["reviewer"])
    other = factories.create_user("other@example.org", name="Otto Other")
    admin = factories.create_user("admin@example.org", is_admin=True)
    position = factories.create_position(
        "xss", title=PAYLOADS["title"], chair=chair, reviewers=(rev, other)
    )
    rubric = create_rubric_version(
        position,
        [
            {
                "name": PAYLOADS["criterion"],
                "description": PAYLOADS["description"],
                "min": 1,
                "max": 5,
                "levels": {"5": PAYLOADS["level"]},
            }
        ],
        actor=None,
    )
    db.session.commit()
    candidate = factories.create_candidate(
        position,
        PAYLOADS["name"],
        text=f"{PAYLOADS['name']}\n{PAYLOADS['cv']}\nResearch on compilers",
        filename=PAYLOADS["file"],
    )
    for reviewer, submit in ((rev, True), (other, True)):
        assignment = factories.create_assignment(position, candidate, reviewer)
        save_review(
            assignment,
            rubric,
            ReviewInput(
                scores={rubric.criteria[0].id: 4},
                recommendation="yes",
                confidence=2,
                comment=PAYLOADS["comment"],
                private_note=PAYLOADS["note"],
            ),
            submit=submit,
            expected_version=0,
            actor=reviewer,
        )
    db.session.commit()
    member = db.session.scalar(db.select(Membership).filter_by(user_id=other.id))
    values = {
        "slug": position.slug,
        "candidate_id": candidate.id,
        "document_id": candidate.documents[0].id,
        "assignment_id": assignment.id,
        "reviewer_id": other.id,
        "member_id": member.id,
        "user_id": rev.id,
        "stage_id": position.default_stage.id,
        "rubric_id": rubric.id,
    }
    return SimpleNamespace(chair=chair, rev=rev, other=other, admin=admin, values=values)


def fill(rule, values: dict) -> str | None:
    path = rule.rule
    for name in rule.arguments:
        if name not in values:
            return None
        path = re.sub(r"<[^>]*\b" + name + ">", quote(str(values[name]), safe=""), path)
    return path


def crawl(app, client, values: dict, searches: list[str]) -> dict[str, str]:
    """HTML of every page the client can open: GET rules, searches, and linked pages."""
    queue = [fill(r, values) for r in app.url_map.iter_rules() if "GET" in r.methods]
    queue = [p for p in queue if p and not p.startswith(("/static", "/bootstrap"))]
    queue += searches
    pages, seen = {}, set()
    while queue and len(pages) < HTML_PAGE_LIMIT:
        path = queue.pop(0)
        if path in seen or "logout" in path:
            continue
        seen.add(path)
        response = client.get(path)
        if response.status_code != 200 or response.mimetype != "text/html":
            continue
        html = response.get_data(as_text=True)
        assert "Content-Security-Policy" in response.headers, path
        assert "script-src 'self'" in response.headers["Content-Security-Policy"], path
        pages[path] = html
        for link in re.findall(r'href="(/[^"#]*)"', html):
            link = link.replace("&amp;", "&")
            if urlsplit(link).path.startswith(("/static", "/bootstrap")):
                continue
            queue.append(link)
    return pages


@pytest.mark.parametrize("role", ["chair", "rev", "other", "admin"])
def test_hostile_text_is_escaped_on_every_page(app, hostile, role):
    app.test_client_class = IsolatedClient
    client = app.test_client()
    AuthActions(client).login(getattr(hostile, role).email)
    searches = [f"/p/xss/candidates/?q={quote(PAYLOADS['name'])}", "/p/xss/candidates/?q=compilers"]
    pages = crawl(app, client, hostile.values, searches)
    assert len(pages) >= 3
    leaks = [
        (path, key) for path, html in pages.items() for key, raw in PAYLOADS.items() if raw in html
    ]
    assert leaks == []
    # Positive control: the hostile text is on the pages, escaped (so the search means something).
    shown = "".join(pages.values())
    assert "&lt;script&gt;alert(&#39;xss-title&#39;)&lt;/script&gt;" in shown
    expected = {"chair": ("name", "cv", "criterion", "reviewer"), "rev": ("comment", "description")}
    for key in expected.get(role, ()):
        assert f"xss-{key}" in shown, f"xss-{key} is never shown to {role}: the check is blind"
