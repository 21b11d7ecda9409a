"""The whole review loop in a real browser (issue 4, "Done when")."""

import re

import pytest
from playwright.sync_api import expect

from reviewapp.candidates.models import Candidate
from reviewapp.extensions import db
from reviewapp.reviews.models import Review
from tests import factories
from tests.e2e.actions import login

pytestmark = pytest.mark.e2e


def logout(page):
    page.get_by_role("button", name="Log out").click()
    page.wait_for_url("**/login**")


@pytest.fixture
def committee(live_app):
    with live_app.app_context():
        factories.create_user("chair@example.org", name="Carla Chair")
        factories.create_user("grace@example.org", name="Grace Hopper", expertise="compilers")
        factories.create_user("alan@example.org", name="Alan Turing", expertise="computability")
        factories.create_user("tengyu@example.org", name="Tengyu Ma", expertise="learning theory")
        chair = db.session.scalar(db.select(factories.User).filter_by(email="chair@example.org"))
        position = factories.create_position("cs-2027", title="Assistant Professor", chair=chair)
        factories.create_candidate(
            position, "Ada Lovelace",
            text="Ada Lovelace\nPhD, Stanford University\nAdvisor: Tengyu Ma\nAnalytical engines",
        )  # fmt: skip
        factories.create_candidate(position, "Bob Babbage", text="Bob Babbage\nDifference engines")
        db.session.remove()


def review_of(live_app, email):
    with live_app.app_context():
        review = db.session.scalar(
            db.select(Review)
            .join(Review.assignment)
            .join(Candidate, Candidate.name == "Ada Lovelace")
            .where(
                Review.assignment.has(reviewer_id=_user_id(email)),
                Review.assignment.has(candidate_id=Candidate.id),
            )
        )
        result = None if review is None else (review.status, review.comment, review.version)
        db.session.remove()
        return result


def _user_id(email):
    return db.session.scalar(db.select(factories.User.id).filter_by(email=email))


def chair_sets_up(page):
    login(page, "chair@example.org")
    page.goto("/p/cs-2027/committee")
    for email in ("grace@example.org", "alan@example.org", "tengyu@example.org"):
        page.get_by_label("Email").fill(email)
        page.get_by_label("Role").select_option("reviewer")
        page.get_by_role("button", name="Add to committee").click()
        expect(page.get_by_text("is on the committee as reviewer")).to_be_visible()
    page.get_by_role("link", name="Rubric").click()
    page.get_by_label("Start from").select_option(label="Template: Faculty search")
    page.get_by_role("button", name="Load into the editor").click()
    page.get_by_role("button", name="Save rubric").click()
    expect(page.get_by_text("Rubric saved: version 1 (created).")).to_be_visible()
    page.get_by_role("link", name="Conflicts").click()
    page.get_by_role("button", name="Run detection").click()
    expect(page.get_by_text("Detection found 1 new conflict(s) to review.")).to_be_visible()
    row = page.get_by_role("row").filter(has_text="Tengyu Ma")
    expect(row).to_contain_text("Ada Lovelace")
    expect(row).to_contain_text("supervisor")
    page.get_by_role("link", name="Assignments").click()
    page.get_by_role("link", name="Assign automatically").click()
    page.get_by_label("Reviewers per candidate").fill("2")
    page.get_by_role("button", name="Propose").click()
    expect(page.locator("#proposal-summary")).to_contain_text("4 pairs")
    page.get_by_role("button", name="Apply this assignment").click()
    expect(page.get_by_text("Applied: 4 new assignment(s), 0 removed.")).to_be_visible()
    ada_row = page.get_by_role("row").filter(has_text="Ada Lovelace")
    expect(ada_row.get_by_text("conflict")).to_be_visible()  # Tengyu Ma is never assigned Ada
    expect(ada_row.get_by_role("button", name=re.compile("^Unassign"))).to_have_count(2)
    logout(page)


def open_ada(page):
    page.goto("/p/cs-2027/reviews/")
    page.get_by_role("link", name="Ada Lovelace").click()
    expect(page.get_by_role("heading", name="Ada Lovelace")).to_be_visible()


def test_review_loop_rubric_assign_conflict_score_blind_and_two_tabs(live_app, committee, page):
    chair_sets_up(page)

    # Grace scores Ada with the keyboard, autosaves a draft, reloads, submits.
    login(page, "grace@example.org")
    open_ada(page)
    expect(page.get_by_text("Analytical engines")).to_be_visible()
    page.get_by_label("Research").focus()
    page.keyboard.press("4")
    for key in ("4", "3", "5", "4"):  # Publications, Teaching, Service/Fit, Letters
        page.keyboard.press("Tab")
        page.keyboard.press(key)
    page.keyboard.press("Tab")
    page.keyboard.type("Y")  # recommendation: Yes
    page.keyboard.press("Tab")
    page.keyboard.press("3")  # confidence
    page.keyboard.press("Tab")
    page.keyboard.type("GRACE-COMMENT: a strong research programme")
    expect(page.locator("#autosave-status")).to_contain_text("Saved at", timeout=10000)
    assert review_of(live_app, "grace@example.org")[:2] == (
        "draft",
        "GRACE-COMMENT: a strong research programme",
    )
    page.reload()
    expect(page.get_by_label("Research")).to_have_value("4")
    expect(page.get_by_label("Overall recommendation")).to_have_value("yes")
    expect(page.get_by_label("Comment to the committee")).to_have_value(
        "GRACE-COMMENT: a strong research programme"
    )
    page.get_by_role("button", name="Submit review").focus()
    page.keyboard.press("Enter")
    expect(page.get_by_text("Review submitted.")).to_be_visible()
    assert review_of(live_app, "grace@example.org")[0] == "submitted"
    logout(page)

    # Alan, also on Ada, cannot see Grace's review before submitting his own.
    login(page, "alan@example.org")
    open_ada(page)
    expect(page.get_by_text("GRACE-COMMENT")).to_have_count(0)
    expect(page.get_by_text("Other reviews")).to_have_count(0)
    url = page.url

    # Two tabs: the second cannot overwrite the first.
    tab_a, tab_b = page.context.new_page(), page.context.new_page()
    tab_a.goto(url)
    tab_b.goto(url)
    tab_a.get_by_label("Comment to the committee").fill("from tab A")
    expect(tab_a.locator("#autosave-status")).to_contain_text("Saved at", timeout=10000)
    tab_b.get_by_label("Comment to the committee").fill("from tab B")
    expect(tab_b.locator("#autosave-status")).to_contain_text(
        "changed since you opened it", timeout=10000
    )
    expect(tab_b.get_by_label("Comment to the committee")).to_have_value("from tab B")
    tab_b.get_by_role("button", name="Save draft").click()
    expect(tab_b.get_by_role("alert")).to_contain_text("changed since you opened it")
    expect(tab_b.get_by_label("Comment to the committee")).to_have_value("from tab B")
    assert review_of(live_app, "alan@example.org")[:2] == ("draft", "from tab A")
    tab_a.close()
    tab_b.close()

    # Tengyu Ma (conflicted with Ada) never sees her.
    logout(page)
    login(page, "tengyu@example.org")
    page.goto("/p/cs-2027/reviews/")
    expect(page.get_by_text("Ada Lovelace")).to_have_count(0)
    expect(page.get_by_role("link", name="Bob Babbage")).to_be_visible()


def test_draft_survives_going_offline_and_is_restored_from_the_browser(live_app, page):
    with live_app.app_context():
        chair = factories.create_user("chair@example.org")
        grace = factories.create_user("grace@example.org", name="Grace Hopper")
        position = factories.create_position("cs-2027", chair=chair, reviewers=(grace,))
        factories.create_rubric(position)
        ada = factories.create_candidate(position, "Ada Lovelace")
        factories.create_assignment(position, ada, grace)
        db.session.remove()
    login(page, "grace@example.org")
    tab = page.context.new_page()  # its console shows the failed (offline) requests
    open_ada(tab)
    url = tab.url
    tab.context.set_offline(True)
    tab.get_by_label("Comment to the committee").fill("typed while offline")
    expect(tab.locator("#autosave-status")).to_contain_text("Not saved — will retry", timeout=10000)
    tab.close()  # the laptop's lid closes before the network returns
    page.context.set_offline(False)
    assert review_of(live_app, "grace@example.org") is None
    again = page.context.new_page()
    again.goto(url)
    expect(again.get_by_label("Comment to the committee")).to_have_value("typed while offline")
    expect(again.locator("#autosave-status")).to_contain_text("Saved at", timeout=10000)
    assert review_of(live_app, "grace@example.org") == ("draft", "typed while offline", 1)
    again.close()
