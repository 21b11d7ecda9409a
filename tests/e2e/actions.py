"""What a person does in the browser, shared by the browser tests."""

from tests import factories


def login(page, email: str) -> None:
    """Log in through the real login page with the factories' password."""
    page.goto("/login")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(factories.PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url("**/")
