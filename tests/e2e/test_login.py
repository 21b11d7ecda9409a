import pytest

from reviewapp.extensions import db
from tests import factories

pytestmark = pytest.mark.e2e


def test_login_through_the_real_page_shows_dashboard(live_app, page):
    with live_app.app_context():
        reviewer = factories.create_user("rev@example.org", name="Grace Hopper")
        factories.create_position(
            "cs-2027", title="Assistant Professor in CS", reviewers=(reviewer,)
        )
        db.session.remove()
    page.goto("/")
    assert page.url.endswith("/login?next=%2F")
    page.get_by_label("Email").fill("rev@example.org")
    page.get_by_label("Password").fill(factories.PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url("**/")
    assert page.get_by_role("heading", name="Dashboard").is_visible()
    assert page.get_by_text("Grace Hopper").is_visible()
    assert page.get_by_role("link", name="Assistant Professor in CS").is_visible()
    assert page.get_by_text("0 of 0 submitted").is_visible()


def test_wrong_password_keyboard_only(live_app, page):
    with live_app.app_context():
        factories.create_user("rev@example.org")
        db.session.remove()
    page.goto("/login")
    page.keyboard.press("Tab")  # skip link
    page.keyboard.press("Tab")  # brand
    page.get_by_label("Email").focus()
    page.keyboard.type("rev@example.org")
    page.keyboard.press("Tab")
    page.keyboard.type("wrong password")
    page.keyboard.press("Enter")
    assert page.get_by_role("alert").inner_text() == "Invalid email or password."
