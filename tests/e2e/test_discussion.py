"""The committee thread in a real browser: a reviewer who has submitted posts, the chair hides."""

import pytest

from reviewapp.extensions import db
from reviewapp.reviews import operations
from tests import factories
from tests.e2e.actions import login

pytestmark = pytest.mark.e2e


def test_discussion_post_then_chair_hides_in_browser(live_app, page):
    with live_app.app_context():
        chair = factories.create_user("chair@example.org", name="Chair Person")
        rev = factories.create_user("rev@example.org", name="Grace Hopper")
        position = factories.create_position("cs-2027", chair=chair, reviewers=(rev,))
        rubric = factories.create_rubric(position)
        ada = factories.create_candidate(position, "Ada Lovelace")
        assignment = factories.create_assignment(position, ada, rev)
        operations.save_review(
            assignment, rubric,
            operations.ReviewInput(scores={c.id: 4 for c in rubric.criteria if c.is_required},
                                   recommendation="yes", confidence=2),
            submit=True, expected_version=0, actor=rev,
        )  # fmt: skip
        db.session.commit()
        score_url = f"/p/cs-2027/reviews/{assignment.id}"
        detail_url = f"/p/cs-2027/candidates/{ada.id}"
        db.session.remove()

    login(page, "rev@example.org")
    page.goto(score_url)
    page.get_by_label("Message to the committee").fill("Great <letters>\nthin teaching")
    page.get_by_role("button", name="Post message").click()
    page.wait_for_url(f"**{score_url}#discussion")
    message = page.locator(".discussion-message")
    assert message.count() == 1
    assert "Grace Hopper" in message.inner_text()
    assert "Great <letters>\nthin teaching" in message.inner_text()
    page.get_by_role("button", name="Log out").click()

    login(page, "chair@example.org")
    page.goto(detail_url)
    assert page.locator(".discussion-message").count() == 1
    page.get_by_role("button", name="Hide the message of Grace Hopper").click()
    page.wait_for_url(f"**{detail_url}#discussion")
    assert page.locator(".discussion-message").count() == 0
    assert page.get_by_text("No messages yet.").is_visible()
