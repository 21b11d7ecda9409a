"""Concurrency on PostgreSQL, through the real HTTP path (items 25 and 26).

Each thread has its own test client carrying the reviewer's session cookie, so every request
runs in its own app context with its own database session and connection, as under gunicorn.
SQLite serialises writers on one file lock, so these tests need PostgreSQL.
"""

import threading
from concurrent.futures import ThreadPoolExecutor
from types import SimpleNamespace

import pytest
from flask.testing import FlaskClient

from reviewapp.audit import AuditEvent
from reviewapp.extensions import db
from reviewapp.reviews.models import Review
from tests import factories
from tests.conftest import AuthActions

pytestmark = pytest.mark.integration

WRITERS = 50
STALE_MESSAGE = "changed since you opened it"


@pytest.fixture
def setup(app, client):
    if db.engine.dialect.name != "postgresql":
        pytest.skip(reason="concurrency needs PostgreSQL: SQLite serialises every writer")
    rev = factories.create_user("rev@example.org", name="Rita Reviewer")
    position = factories.create_position("cs-2027", reviewers=(rev,))
    rubric = factories.create_rubric(position)
    ada = factories.create_candidate(position, "Ada Lovelace")
    mine = factories.create_assignment(position, ada, rev)
    auth = AuthActions(client)
    auth.login("rev@example.org")
    url = f"/p/cs-2027/reviews/{mine.id}"
    csrf = auth.csrf_token(url)  # first: it stores the token's secret in the session
    name = app.config["SESSION_COOKIE_NAME"]
    cookie = client.get_cookie(name, domain=app.config["SERVER_NAME"]).value
    return SimpleNamespace(url=url, research=rubric.criteria[0].id, cookie=cookie, csrf=csrf)


def browser(app, setup) -> FlaskClient:
    """A new client in the calling thread with the reviewer's session (another tab)."""
    client = FlaskClient(app, app.response_class, use_cookies=True)
    client.set_cookie(
        app.config["SESSION_COOKIE_NAME"], setup.cookie, domain=app.config["SERVER_NAME"]
    )
    return client


def autosave(app, setup, version: int, comment: str, barrier=None):
    client = browser(app, setup)
    body = {f"criterion_{setup.research}": "3", "comment": comment, "version": str(version)}
    if barrier is not None:
        barrier.wait()
    response = client.post(setup.url + "/autosave", json=body, headers={"X-CSRFToken": setup.csrf})
    return response.status_code, response.get_json()


def audited_saves() -> int:
    return db.session.scalar(
        db.select(db.func.count(AuditEvent.id)).where(AuditEvent.action == "review.save")
    )


def test_fifty_concurrent_saves_fresh_win_stale_refused_none_lost(app, setup):
    """Item 25 under load: writers holding an old version are always refused; writers that
    read the current version race, and each save either lands (a new version) or is refused."""
    for n in range(3):  # versions 1, 2, 3
        assert autosave(app, setup, n, f"setup {n}")[0] == 200

    def writer(n: int):
        if n % 2:  # a stale tab, opened two saves ago
            return "stale-tab", autosave(app, setup, 1, f"stale {n}")
        with app.app_context():  # a tab opened just now: it read the current version
            fresh = db.session.scalar(db.select(Review.version))
            db.session.remove()
        return "fresh-tab", autosave(app, setup, fresh, f"fresh {n}")

    with ThreadPoolExecutor(max_workers=WRITERS) as pool:
        outcomes = list(pool.map(writer, range(WRITERS)))
    db.session.expire_all()

    successes = [body for kind, (status, body) in outcomes if status == 200]
    refusals = [body for kind, (status, body) in outcomes if status == 409]
    assert len(successes) + len(refusals) == WRITERS
    assert all(STALE_MESSAGE in body["error"] and body["stale"] for body in refusals)
    stale_outcomes = [status for kind, (status, _) in outcomes if kind == "stale-tab"]
    assert stale_outcomes == [409] * (WRITERS // 2)
    assert successes, "at least one fresh save must land"
    review = db.session.scalar(db.select(Review))
    # Every success produced its own version, and the final version counts them all.
    assert sorted(body["version"] for body in successes) == list(range(4, 4 + len(successes)))
    assert review.version == 3 + len(successes)
    last = max(successes, key=lambda body: body["version"])
    winner_comments = {
        f"fresh {n}" for n, (kind, (status, body)) in enumerate(outcomes)
        if status == 200 and body["version"] == last["version"]
    }  # fmt: skip
    assert {review.comment} == winner_comments
    assert audited_saves() == 3 + len(successes)


def test_fifty_concurrent_saves_on_one_version_exactly_one_wins(app, setup):
    """Item 25: all 50 tabs opened on the same version; exactly one save lands."""
    assert autosave(app, setup, 0, "first")[0] == 200
    barrier = threading.Barrier(WRITERS)
    with ThreadPoolExecutor(max_workers=WRITERS) as pool:
        outcomes = list(
            pool.map(lambda n: autosave(app, setup, 1, f"tab {n}", barrier), range(WRITERS))
        )
    statuses = [status for status, _ in outcomes]
    assert sorted(set(statuses)) == [200, 409]
    assert statuses.count(200) == 1
    winner = statuses.index(200)
    db.session.expire_all()
    review = db.session.scalar(db.select(Review))
    assert (review.version, review.comment) == (2, f"tab {winner}")
    assert audited_saves() == 2


def test_simultaneous_start_review_creates_exactly_one_review_row(app, setup):
    """Item 26: ten first saves (version 0) at once → one review row, one 200, nine 409."""
    starters = 10
    barrier = threading.Barrier(starters)
    with ThreadPoolExecutor(max_workers=starters) as pool:
        outcomes = list(
            pool.map(lambda n: autosave(app, setup, 0, f"start {n}", barrier), range(starters))
        )
    statuses = [status for status, _ in outcomes]
    assert sorted(statuses) == [200] + [409] * (starters - 1)
    db.session.expire_all()
    rows = db.session.scalars(db.select(Review)).all()
    assert [(r.version, r.comment) for r in rows] == [(1, f"start {statuses.index(200)}")]
