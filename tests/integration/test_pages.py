"""Admin, committee and dashboard pages, and who may open them."""

import re

import pytest

from reviewapp.audit import AuditEvent
from reviewapp.auth.models import Invitation, User
from reviewapp.extensions import db
from reviewapp.positions.models import Membership, Position
from tests import factories

pytestmark = pytest.mark.integration


@pytest.fixture
def admin():
    return factories.create_user("admin@example.org", name="Ada Admin", is_admin=True)


def test_admin_creates_user_and_gets_invitation_link(client, auth, admin):
    auth.login("admin@example.org")
    response = auth.post(
        "/admin/users",
        {
            "email": "new@example.org",
            "display_name": "Nia New",
            "institution": "ETH",
            "expertise": "graphs",
        },
    )
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    link = re.search(r'value="(http://reviewapp.test/invite/[^"]+)"', page).group(1)
    user = db.session.scalars(db.select(User).filter_by(email="new@example.org")).one()
    assert (user.display_name, user.institution, user.password_hash) == ("Nia New", "ETH", None)
    auth.logout()
    assert "Welcome, Nia New" in client.get(link).get_data(as_text=True)


def test_admin_pages_are_hidden_from_other_users(client, auth):
    factories.create_user("rev@example.org")
    auth.login("rev@example.org")
    for path in ("/admin/users", "/admin/positions/new", "/admin/users/1"):
        response = client.get(path)
        assert response.status_code == 404
        assert "There is nothing here" in response.get_data(as_text=True)


def test_admin_creates_position_then_adds_chair_by_invitation(client, auth, admin):
    auth.login("admin@example.org")
    response = auth.post("/admin/positions/new", {"slug": "bio-2027", "title": "Biology"})
    assert response.headers["Location"] == "/p/bio-2027/committee"
    response = auth.post(
        "/p/bio-2027/committee",
        {"email": "chair@example.org", "display_name": "Cy Chair", "role": "chair"},
    )
    assert "Invitation for Cy Chair" in response.get_data(as_text=True)
    membership = db.session.scalars(db.select(Membership)).one()
    assert (membership.user.email, membership.role) == ("chair@example.org", "chair")
    assert db.session.scalar(db.select(db.func.count(Invitation.id))) == 1


def test_new_person_without_name_is_refused(client, auth, admin):
    factories.create_position("bio-2027")
    auth.login("admin@example.org")
    response = auth.post("/p/bio-2027/committee", {"email": "x@example.org", "role": "reviewer"})
    assert "Give a name for someone new" in response.get_data(as_text=True)
    assert db.session.scalars(db.select(User).filter_by(email="x@example.org")).all() == []


def test_chair_manages_only_their_position(client, auth):
    chair = factories.create_user("chair@example.org")
    factories.create_position("mine", chair=chair)
    factories.create_position("theirs")
    auth.login("chair@example.org")
    assert client.get("/p/mine/committee").status_code == 200
    assert client.get("/p/mine/settings").status_code == 200
    for path in ("/p/theirs/", "/p/theirs/committee", "/p/theirs/settings", "/p/nope/"):
        assert client.get(path).status_code == 404


def test_reviewer_sees_position_but_not_committee_pages(client, auth):
    reviewer = factories.create_user("rev@example.org")
    factories.create_position("mine", reviewers=(reviewer,))
    auth.login("rev@example.org")
    assert client.get("/p/mine/").status_code == 200
    assert client.get("/p/mine/committee").status_code == 404
    response = auth.post(
        "/p/mine/settings",
        {
            "title": "Hijacked",
            "status": "open",
            "reviews_per_candidate": 1,
            "shortlist_size": 1,
            "visibility": "visible",
        },
    )
    assert response.status_code == 404
    assert db.session.scalars(db.select(Position.title)).one() == "Assistant Professor"


def test_settings_form_ignores_extra_fields(client, auth):
    chair = factories.create_user("chair@example.org")
    position = factories.create_position("mine", chair=chair)
    auth.login("chair@example.org")
    auth.post(
        "/p/mine/settings",
        {
            "title": "New title",
            "status": "closed",
            "reviews_per_candidate": 2,
            "shortlist_size": 5,
            "visibility": "hidden",
            "slug": "stolen",
            "id": 99,
        },
    )
    db.session.refresh(position)
    assert (position.title, position.status, position.reviews_per_candidate, position.slug) == (
        "New title",
        "closed",
        2,
        "mine",
    )


def test_removing_last_chair_is_refused_and_removal_is_audited(client, auth):
    chair = factories.create_user("chair@example.org")
    reviewer = factories.create_user("rev@example.org")
    factories.create_position("mine", chair=chair, reviewers=(reviewer,))
    members = {m.user.email: m for m in db.session.scalars(db.select(Membership))}
    auth.login("chair@example.org")
    response = auth.post(
        f"/p/mine/committee/{members['chair@example.org'].id}/deactivate", follow_redirects=True
    )
    assert "at least one chair" in response.get_data(as_text=True)
    auth.post(f"/p/mine/committee/{members['rev@example.org'].id}/deactivate")
    db.session.expire_all()
    assert [
        m.is_active for m in db.session.scalars(db.select(Membership).order_by(Membership.id))
    ] == [True, False]
    assert db.session.scalars(
        db.select(AuditEvent.action).where(AuditEvent.action == "member.deactivate")
    ).all() == ["member.deactivate"]


def test_get_never_changes_state(client, auth):
    chair = factories.create_user("chair@example.org")
    reviewer = factories.create_user("rev@example.org")
    factories.create_position("mine", chair=chair, reviewers=(reviewer,))
    auth.login("chair@example.org")
    member_id = db.session.scalars(
        db.select(Membership.id).join(User).where(User.email == "rev@example.org")
    ).one()
    assert client.get(f"/p/mine/committee/{member_id}/deactivate").status_code == 405
    assert client.get("/logout").status_code == 405


def test_post_without_csrf_is_refused_and_changes_nothing(client, auth):
    chair = factories.create_user("chair@example.org")
    position = factories.create_position("mine", chair=chair)
    auth.login("chair@example.org")
    response = client.post(
        "/p/mine/settings",
        data={
            "title": "No token",
            "status": "open",
            "reviews_per_candidate": 3,
            "shortlist_size": 10,
            "visibility": "after_own",
        },
    )
    assert response.status_code == 400
    db.session.refresh(position)
    assert position.title == "Assistant Professor"


def test_error_pages_leak_nothing(client, auth, monkeypatch):
    factories.create_user("rev@example.org")
    auth.login("rev@example.org")

    def boom(user):
        raise RuntimeError("secret internals /etc/passwd")

    monkeypatch.setattr("reviewapp.main.routes.reviewer_progress", boom)
    response = client.get("/")
    page = response.get_data(as_text=True)
    assert response.status_code == 500
    assert "Something went wrong" in page
    assert "secret internals" not in page
    assert "Traceback" not in page


def test_too_large_request_gets_friendly_413(app, client, auth):
    factories.create_user("rev@example.org")
    auth.login("rev@example.org")
    body = b"x" * (app.config["MAX_CONTENT_LENGTH"] + 1)
    response = client.post("/logout", data=body, content_type="application/octet-stream")
    assert response.status_code == 413
    assert "Upload too large" in response.get_data(as_text=True)


def test_dashboard_shows_each_role_its_work(client, auth, admin):
    chair = factories.create_user("chair@example.org")
    reviewer = factories.create_user("rev@example.org")
    factories.create_position("mine", title="Chem faculty", chair=chair, reviewers=(reviewer,))
    auth.login("rev@example.org")
    page = client.get("/").get_data(as_text=True)
    assert "My reviews" in page
    assert "0 of 0 submitted" in page
    assert "Positions I chair" not in page
    auth.logout()
    auth.login("chair@example.org")
    page = client.get("/").get_data(as_text=True)
    assert "Positions I chair" in page
    assert "My reviews" not in page
    auth.logout()
    auth.login("admin@example.org")
    page = client.get("/").get_data(as_text=True)
    assert "Administration" in page
    assert "Chem faculty" in page


def test_position_tabs_follow_the_role(client, auth):
    chair = factories.create_user("chair@example.org")
    reviewer = factories.create_user("rev@example.org")
    factories.create_position("mine", chair=chair, reviewers=(reviewer,))
    auth.login("chair@example.org")
    page = client.get("/p/mine/").get_data(as_text=True)
    assert "My reviews" not in page
    assert ">Ranking</a>" in page
    auth.logout()
    auth.login("rev@example.org")
    page = client.get("/p/mine/").get_data(as_text=True)
    assert ">My reviews</a>" in page
    assert ">Ranking</a>" not in page
