import pytest

from reviewapp.audit import AuditEvent
from reviewapp.auth.models import LoginAttempt, User
from reviewapp.extensions import db
from tests import factories

pytestmark = pytest.mark.integration


def test_login_shows_dashboard(client, auth):
    factories.create_user("ada@example.org", name="Ada Lovelace")
    response = auth.login("ada@example.org")
    assert response.status_code == 302
    assert response.headers["Location"] == "/"
    page = client.get("/").get_data(as_text=True)
    assert "Ada Lovelace" in page
    assert "Dashboard" in page


def test_login_email_is_case_insensitive(auth):
    factories.create_user("ada@example.org")
    assert auth.login("ADA@Example.org").status_code == 302


def test_login_same_message_for_unknown_user_and_wrong_password(auth):
    factories.create_user("ada@example.org")
    wrong_password = auth.login("ada@example.org", "not the password").get_data(as_text=True)
    unknown_user = auth.login("nobody@example.org", "not the password").get_data(as_text=True)
    assert "Invalid email or password." in wrong_password
    assert "Invalid email or password." in unknown_user


def test_login_throttled_after_repeated_failures(app, client, auth):
    factories.create_user("ada@example.org")
    for _ in range(app.config["LOGIN_THROTTLE_PER_ACCOUNT"]):
        assert auth.login("ada@example.org", "wrong").status_code == 200
    response = auth.login("ada@example.org")  # even the right password waits now
    assert response.status_code == 429
    assert "Too many attempts" in response.get_data(as_text=True)


def test_login_throttle_not_bypassed_by_forged_forwarded_for(app, client, auth):
    factories.create_user("ada@example.org")
    for n in range(app.config["LOGIN_THROTTLE_PER_ACCOUNT"]):
        token = auth.csrf_token("/login")
        client.post(
            "/login",
            data={"email": "ada@example.org", "password": "wrong", "csrf_token": token},
            headers={"X-Forwarded-For": f"10.0.0.{n}"},
        )
    addresses = {a.address for a in db.session.scalars(db.select(LoginAttempt))}
    assert addresses == {"127.0.0.1"}
    token = auth.csrf_token("/login")
    response = client.post(
        "/login",
        data={"email": "ada@example.org", "password": factories.PASSWORD, "csrf_token": token},
        headers={"X-Forwarded-For": "10.9.9.9"},
    )
    assert response.status_code == 429


def test_password_hash_is_scrypt_and_long_unicode_passphrase_works(auth):
    passphrase = "Fünf große Würfel 🎲 " * 20  # 420 characters, no truncation
    user = factories.create_user("ada@example.org", password=passphrase)
    assert user.password_hash.startswith("scrypt:")
    assert passphrase not in user.password_hash
    assert auth.login("ada@example.org", passphrase[:-1]).status_code == 200
    assert auth.login("ada@example.org", passphrase).status_code == 302


def test_logout_invalidates_copied_session_cookie(app, client, auth):
    factories.create_user("ada@example.org")
    auth.login("ada@example.org")
    stolen = client.get_cookie(app.config["SESSION_COOKIE_NAME"], domain="reviewapp.test").value
    auth.logout()
    thief = app.test_client()
    thief.set_cookie(app.config["SESSION_COOKIE_NAME"], stolen, domain="reviewapp.test")
    response = thief.get("/")
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/login")


def test_deactivated_user_is_signed_out(app, client, auth):
    user = factories.create_user("ada@example.org")
    auth.login("ada@example.org")
    assert client.get("/").status_code == 200
    user.is_active = False
    db.session.commit()
    assert client.get("/").status_code == 302
    assert auth.login("ada@example.org").status_code == 200  # refused, same message


def test_session_cookie_flags(app, client, auth):
    factories.create_user("ada@example.org")
    response = auth.login("ada@example.org")
    cookie = response.headers["Set-Cookie"]
    assert "HttpOnly" in cookie
    assert "SameSite=Lax" in cookie


def test_login_requires_csrf_token(client):
    factories.create_user("ada@example.org")
    response = client.post(
        "/login", data={"email": "ada@example.org", "password": factories.PASSWORD}
    )
    assert response.status_code == 400
    assert "expired" in response.get_data(as_text=True)


def test_login_next_never_leaves_the_site(client, auth):
    factories.create_user("ada@example.org")
    token = auth.csrf_token("/login")
    response = client.post(
        "/login?next=https://evil.example/",
        data={"email": "ada@example.org", "password": factories.PASSWORD, "csrf_token": token},
    )
    assert response.headers["Location"] == "/"


def test_invitation_sets_password_once(app, client, auth):
    from reviewapp.auth import operations

    user = factories.create_user("new@example.org", password=None)
    token = operations.create_invitation(user, actor=None)
    db.session.commit()
    page = client.get(f"/invite/{token}")
    assert "Choose a password" in page.get_data(as_text=True)
    response = client.post(
        f"/invite/{token}",
        data={
            "password": "a long new passphrase",
            "confirm": "a long new passphrase",
            "csrf_token": auth.csrf_token(f"/invite/{token}"),
        },
    )
    assert response.status_code == 302
    assert db.session.get(User, user.id).check_password("a long new passphrase")
    auth.logout()
    assert client.get(f"/invite/{token}").status_code == 404


def test_login_and_logout_are_audited(auth):
    factories.create_user("ada@example.org")
    auth.login("ada@example.org")
    auth.logout()
    actions = db.session.scalars(db.select(AuditEvent.action).order_by(AuditEvent.id)).all()
    assert actions == ["user.create", "user.login", "user.logout"]


def test_every_page_has_security_headers(client):
    response = client.get("/login")
    assert "default-src 'self'" in response.headers["Content-Security-Policy"]
    assert "frame-ancestors 'none'" in response.headers["Content-Security-Policy"]
    assert response.headers["X-Content-Type-Options"] == "nosniff"
