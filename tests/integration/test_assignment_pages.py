"""The chair's assignment pages: automatic proposal then apply, and the matrix."""

import re

import pytest

from reviewapp.assignments.models import Assignment
from reviewapp.extensions import db
from tests import factories

pytestmark = pytest.mark.integration


@pytest.fixture
def position(app):
    chair = factories.create_user("chair@example.org", name="Carla Chair")
    a = factories.create_user("a@example.org", name="Anna A", expertise="vision image")
    b = factories.create_user("b@example.org", name="Ben B", expertise="language text")
    position = factories.create_position("cs-2027", chair=chair, reviewers=(a, b))
    factories.create_rubric(position)
    factories.create_candidate(position, "Ivy Image", text="image vision")
    factories.create_candidate(position, "Tom Text", text="language text")
    return position


def count():
    return db.session.scalar(db.select(db.func.count(Assignment.id)))


def test_auto_preview_shows_loads_and_stores_nothing(position, client, auth):
    auth.login("chair@example.org")
    page = auth.post(
        "/p/cs-2027/assignments/auto", {"per_candidate": "1", "max_load": "1", "preview": "Propose"}
    ).get_data(as_text=True)
    assert "2 pairs · mean affinity" in page
    assert re.search(r"<td>Ivy Image</td><td>Anna A</td><td>1\.000</td><td>new</td>", page)
    assert re.search(r"<td>Tom Text</td><td>Ben B</td>", page)
    assert count() == 0


def test_auto_apply_stores_and_matrix_shows_states(position, client, auth):
    auth.login("chair@example.org")
    response = auth.post(
        "/p/cs-2027/assignments/auto", {"per_candidate": "2", "apply": "Apply this assignment"}
    )
    assert response.status_code == 302
    assert count() == 4
    page = client.get("/p/cs-2027/assignments/").get_data(as_text=True)
    assert "Applied: 4 new assignment(s), 0 removed." in page
    assert page.count('aria-label="Unassign ') == 4


def test_matrix_toggle_assigns_and_unassigns(position, client, auth):
    auth.login("chair@example.org")
    ivy = db.session.scalar(db.select(factories.User).filter_by(email="a@example.org"))
    candidate_id = db.session.scalar(db.text("select id from candidates where name='Ivy Image'"))
    url = f"/p/cs-2027/assignments/{candidate_id}/{ivy.id}"
    auth.post(url)
    assert count() == 1
    auth.post(url)
    assert count() == 0


def test_assignment_pages_are_404_for_reviewers(position, client, auth):
    auth.login("a@example.org")
    assert client.get("/p/cs-2027/assignments/").status_code == 404
    response = auth.post("/p/cs-2027/assignments/auto", {"per_candidate": "1", "apply": "y"})
    assert response.status_code == 404
    assert count() == 0
