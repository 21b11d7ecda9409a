"""Fault in a real browser: the database goes away while a reviewer types, then comes back.

The server answers the autosave with 503 (reviews/errors.py); review.js keeps the draft in
localStorage, says so, and retries until the save goes through with the typed values.
"""

import json

import pytest
from playwright.sync_api import expect
from sqlalchemy import event
from sqlalchemy.exc import OperationalError

from reviewapp.extensions import db
from reviewapp.reviews.models import Review
from tests import factories
from tests.e2e.actions import login

pytestmark = pytest.mark.e2e


def _fail_commit(conn):
    raise OperationalError("COMMIT", {}, ConnectionError("server closed the connection"))


def saved_review(live_app):
    with live_app.app_context():
        review = db.session.scalar(db.select(Review))
        result = None
        if review is not None:
            result = (review.comment, sorted(s.value for s in review.scores), review.version)
        db.session.remove()
        return result


def test_save_while_database_is_down_keeps_draft_and_saves_after_recovery(live_app, page):
    with live_app.app_context():
        grace = factories.create_user("grace@example.org", name="Grace Hopper")
        position = factories.create_position("cs-2027", reviewers=(grace,))
        factories.create_rubric(position)
        ada = factories.create_candidate(position, "Ada Lovelace")
        assignment = factories.create_assignment(position, ada, grace)
        url, key = f"/p/cs-2027/reviews/{assignment.id}", f"reviewapp-review-{assignment.id}"
        engine = db.engine
        db.session.remove()
    login(page, "grace@example.org")
    tab = page.context.new_page()  # its console shows the refused (503) saves, on purpose
    tab.goto(url)
    event.listen(engine, "commit", _fail_commit)
    try:
        tab.get_by_label("Research").select_option("4")
        tab.get_by_label("Comment to the committee").fill("typed while the database was down")
        status = tab.locator("#autosave-status")
        expect(status).to_contain_text("Could not save", timeout=10000)
        expect(status).to_contain_text("kept in this browser")
        stored = json.loads(tab.evaluate(f"localStorage.getItem({key!r})"))
        assert stored["data"]["comment"] == "typed while the database was down"
        assert saved_review(live_app) is None
    finally:
        event.remove(engine, "commit", _fail_commit)
    expect(tab.locator("#autosave-status")).to_contain_text("Saved at", timeout=20000)
    assert saved_review(live_app) == ("typed while the database was down", [4], 1)
    assert tab.evaluate(f"localStorage.getItem({key!r})") is None
    tab.reload()
    expect(tab.get_by_label("Comment to the committee")).to_have_value(
        "typed while the database was down"
    )
    tab.close()
