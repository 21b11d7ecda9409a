"""Fault: the database disappears during a save → a clear 503, never a 500 traceback.

The outage is simulated where it hurts most: the COMMIT fails with OperationalError, as when
PostgreSQL restarts or the connection drops between the flush and the commit.
"""

from contextlib import contextmanager
from types import SimpleNamespace

import pytest
from sqlalchemy import event
from sqlalchemy.exc import OperationalError

from reviewapp.extensions import db
from reviewapp.reviews.errors import UNAVAILABLE
from reviewapp.reviews.models import Review
from tests import factories

pytestmark = pytest.mark.integration


@contextmanager
def database_down():
    """Every COMMIT on the app's engine fails as if the server had gone away."""

    def fail(conn):
        raise OperationalError("COMMIT", {}, ConnectionError("server closed the connection"))

    event.listen(db.engine, "commit", fail)
    try:
        yield
    finally:
        event.remove(db.engine, "commit", fail)


@pytest.fixture
def setup(app):
    rev = factories.create_user("rev@example.org", name="Rita Reviewer")
    position = factories.create_position("cs-2027", reviewers=(rev,))
    rubric = factories.create_rubric(position)
    ada = factories.create_candidate(position, "Ada Lovelace")
    mine = factories.create_assignment(position, ada, rev)
    research = rubric.criteria[0].id
    url = f"/p/cs-2027/reviews/{mine.id}"
    return SimpleNamespace(url=url, research=research)


def reviews():
    db.session.expire_all()
    return [(r.comment, r.version) for r in db.session.scalars(db.select(Review))]


def test_autosave_when_database_is_down_answers_503_json_then_saves_on_retry(setup, client, auth):
    auth.login("rev@example.org")
    headers = {"X-CSRFToken": auth.csrf_token(setup.url)}
    draft = {f"criterion_{setup.research}": "4", "comment": "typed offline", "version": "0"}
    with database_down():
        response = client.post(setup.url + "/autosave", json=draft, headers=headers)
    assert response.status_code == 503
    assert response.get_json() == {"error": UNAVAILABLE, "retry": True}
    assert response.headers["Retry-After"] == "10"
    assert reviews() == []
    again = client.post(setup.url + "/autosave", json=draft, headers=headers)
    assert (again.status_code, again.get_json()["version"]) == (200, 1)
    assert reviews() == [("typed offline", 1)]


def test_form_save_when_database_is_down_shows_clear_page_without_traceback(setup, client, auth):
    auth.login("rev@example.org")
    form = {
        f"criterion_{setup.research}": "4",
        "comment": "typed offline",
        "version": "0",
        "save_draft": "Save draft",
    }
    with database_down():
        response = auth.post(setup.url, form)
    page = response.get_data(as_text=True)
    assert response.status_code == 503
    assert "Could not save" in page and "kept in this browser" in page
    for leak in ("Traceback", "OperationalError", "COMMIT", "server closed"):
        assert leak not in page
    assert reviews() == []
