"""Item 17 (session id rotates at login, no fixation; Secure cookie over HTTPS; a deactivated
user's copied cookie stops working) and item 29 (removing a reviewer who has reviews:
deactivated, never deleted; the reviews are kept and still counted; the removal is audited)."""

import pytest

from reviewapp.audit import AuditEvent
from reviewapp.auth.models import User
from reviewapp.extensions import db
from reviewapp.positions.models import Membership
from reviewapp.ranking import rank_candidates
from reviewapp.ranking.frames import load_frames
from reviewapp.reviews.models import Review
from tests import factories

pytestmark = pytest.mark.integration
DOMAIN = "reviewapp.test"


def cookie_of(app, client) -> str | None:
    cookie = client.get_cookie(app.config["SESSION_COOKIE_NAME"], domain=DOMAIN)
    return None if cookie is None else cookie.value


def client_with(app, value: str):
    other = app.test_client()
    other.set_cookie(app.config["SESSION_COOKIE_NAME"], value, domain=DOMAIN)
    return other


def test_session_is_replaced_at_login_so_a_planted_cookie_stays_anonymous(app, client, auth):
    factories.create_user("ada@example.org")
    auth.csrf_token("/login")  # the anonymous session now holds a CSRF secret
    planted = cookie_of(app, client)
    assert planted is not None
    assert auth.login("ada@example.org").status_code == 302
    after = cookie_of(app, client)
    assert after != planted
    assert client.get("/").status_code == 200
    attacker = client_with(app, planted)
    response = attacker.get("/")
    assert (response.status_code, response.headers["Location"][:6]) == (302, "/login")


def test_session_cookie_is_secure_when_configured_for_https(app, client, auth):
    factories.create_user("ada@example.org")
    app.config["SESSION_COOKIE_SECURE"] = True
    try:
        cookie = auth.login("ada@example.org").headers["Set-Cookie"]
    finally:
        app.config["SESSION_COOKIE_SECURE"] = False
    assert "; Secure" in cookie and "HttpOnly" in cookie and "SameSite=Lax" in cookie


def test_copied_cookie_fails_once_the_admin_deactivates_the_user(app, client, auth):
    factories.create_user("admin@example.org", is_admin=True)
    ada = factories.create_user("ada@example.org")
    auth.login("ada@example.org")
    copied = cookie_of(app, client)
    assert client_with(app, copied).get("/").status_code == 200
    auth.logout()
    auth.login("admin@example.org")
    assert auth.post(f"/admin/users/{ada.id}/deactivate").status_code == 302
    response = client_with(app, copied).get("/")
    assert (response.status_code, response.headers["Location"][:6]) == (302, "/login")


@pytest.fixture
def ranked(app):
    return factories.create_ranked_committee()


def ann_row(position):
    frames = load_frames(position)
    ranking = rank_candidates(
        frames.candidates, frames.reviews, frames.scores, frames.criteria, bootstrap=0
    )
    row = ranking.set_index("name").loc["Ann Ito"]
    return int(row["n_reviews"]), round(float(row["mean"]), 3)


def test_removing_a_reviewer_with_reviews_deactivates_keeps_and_counts_them(ranked, client, auth):
    olu = ranked["reviewers"][1]
    before_reviews = db.session.scalar(db.select(db.func.count(Review.id)))
    assert ann_row(ranked["position"]) == (2, 83.333)
    member = db.session.scalar(db.select(Membership).filter_by(user_id=olu.id))
    auth.login("chair@uni.example")
    response = auth.post(f"/p/{ranked['position'].slug}/committee/{member.id}/deactivate")
    assert response.status_code == 302
    db.session.expire_all()
    assert db.session.get(Membership, member.id).is_active is False
    assert db.session.get(User, olu.id) is not None
    assert db.session.scalar(db.select(db.func.count(Review.id))) == before_reviews
    assert ann_row(ranked["position"]) == (2, 83.333)  # Olu's review of Ann still counts
    actions = db.session.scalars(
        db.select(AuditEvent.action).where(AuditEvent.action == "member.deactivate")
    ).all()
    assert actions == ["member.deactivate"]


def test_no_route_hard_deletes_a_user_or_member(app):
    """Removal is deactivation: no URL rule deletes an account, a membership or a review."""
    deleting = [
        rule.rule
        for rule in app.url_map.iter_rules()
        if "DELETE" in rule.methods
        or (
            "delete" in rule.rule.lower()
            and rule.endpoint.split(".")[0] in ("admin", "positions", "reviews", "auth")
        )
    ]
    assert deleting == []
