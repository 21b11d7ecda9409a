"""Who sees the other reviews of a candidate (security items 22 and 23)."""

from types import SimpleNamespace

import pytest
from flask import g

from reviewapp.conflicts.models import Conflict, ConflictSource, ConflictStatus
from reviewapp.extensions import db
from reviewapp.reviews import operations
from reviewapp.reviews.permissions import can_see_other_reviews
from tests import factories

pytestmark = pytest.mark.integration


@pytest.fixture
def setup(app):
    chair = factories.create_user("chair@example.org", name="Chair Person")
    first = factories.create_user("first@example.org", name="Fay First")
    second = factories.create_user("second@example.org", name="Sam Second")
    outsider = factories.create_user("out@example.org", name="Olga Outsider")
    position = factories.create_position("cs-2027", chair=chair, reviewers=(first, second))
    rubric = factories.create_rubric(position)
    ada = factories.create_candidate(position, "Ada Lovelace")
    a1 = factories.create_assignment(position, ada, first)
    a2 = factories.create_assignment(position, ada, second)
    operations.save_review(
        a1,
        rubric,
        operations.ReviewInput(
            scores={c.id: 4 for c in rubric.criteria if c.is_required},
            recommendation="strong_yes",
            confidence=3,
            comment="FIRST-SECRET-COMMENT",
        ),
        submit=True,
        expected_version=0,
        actor=first,
    )
    db.session.commit()
    return SimpleNamespace(
        position=position, rubric=rubric, ada=ada, chair=chair, first=first, second=second,
        outsider=outsider, a2=a2,
    )  # fmt: skip


def sees(user, candidate) -> bool:
    g.pop("_memberships", None)
    return can_see_other_reviews(user, candidate)


def set_policy(position, policy: str) -> None:
    position.visibility = policy
    db.session.commit()


def submit_second(s) -> None:
    operations.save_review(
        s.a2,
        s.rubric,
        operations.ReviewInput(
            scores={c.id: 2 for c in s.rubric.criteria if c.is_required},
            recommendation="no",
            confidence=1,
        ),
        submit=True,
        expected_version=0,
        actor=s.second,
    )
    db.session.commit()


def test_after_own_hides_until_own_review_submitted(setup):
    assert sees(setup.second, setup.ada) is False
    submit_second(setup)
    assert sees(setup.second, setup.ada) is True


def test_after_own_a_draft_is_not_enough(setup):
    operations.save_review(
        setup.a2, setup.rubric, operations.ReviewInput(scores={}), submit=False,
        expected_version=0, actor=setup.second,
    )  # fmt: skip
    db.session.commit()
    assert sees(setup.second, setup.ada) is False


def test_hidden_policy_hides_even_after_submitting(setup):
    set_policy(setup.position, "hidden")
    submit_second(setup)
    assert sees(setup.second, setup.ada) is False
    assert sees(setup.chair, setup.ada) is True


def test_visible_policy_shows_before_submitting(setup):
    set_policy(setup.position, "visible")
    assert sees(setup.second, setup.ada) is True


@pytest.mark.parametrize("policy", ["after_own", "hidden", "visible"])
def test_chair_sees_all_unless_conflicted(setup, policy):
    set_policy(setup.position, policy)
    assert sees(setup.chair, setup.ada) is True
    db.session.add(
        Conflict(
            position_id=setup.position.id, reviewer_id=setup.chair.id, candidate_id=setup.ada.id,
            source=ConflictSource.DECLARED, status=ConflictStatus.CONFIRMED,
        )
    )  # fmt: skip
    db.session.commit()
    assert sees(setup.chair, setup.ada) is False


@pytest.mark.parametrize("policy", ["after_own", "hidden", "visible"])
def test_outsider_and_conflicted_reviewer_never_see(setup, policy):
    set_policy(setup.position, policy)
    submit_second(setup)
    assert sees(setup.outsider, setup.ada) is False
    db.session.add(
        Conflict(
            position_id=setup.position.id, reviewer_id=setup.second.id, candidate_id=setup.ada.id,
            source=ConflictSource.DETECTED, status=ConflictStatus.PENDING,
        )
    )  # fmt: skip
    db.session.commit()
    assert sees(setup.second, setup.ada) is False


def test_scoring_page_shows_others_only_after_own_submission(setup, client, auth):
    auth.login("second@example.org")
    url = f"/p/cs-2027/reviews/{setup.a2.id}"
    before = client.get(url).get_data(as_text=True)
    assert "FIRST-SECRET-COMMENT" not in before
    assert "Fay First" not in before
    assert "Other reviews" not in before
    submit_second(setup)
    after = client.get(url).get_data(as_text=True)
    assert "FIRST-SECRET-COMMENT" in after
    assert "<strong>Fay First</strong>:\n      Strong yes" in after
