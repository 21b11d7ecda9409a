"""Integrity that lives in the models and the database, whoever writes."""

import pytest
from sqlalchemy.exc import IntegrityError

from reviewapp import audit
from reviewapp.assignments.operations import assign
from reviewapp.audit import AuditEvent, AuditLogIsAppendOnly
from reviewapp.auth.models import User
from reviewapp.candidates.operations import create_candidate
from reviewapp.extensions import db
from reviewapp.reviews.models import Review, Score, ScoreOutOfRange
from reviewapp.rubrics.operations import create_rubric_version
from tests import factories

pytestmark = [pytest.mark.integration, pytest.mark.usefixtures("app")]


def _review_setup():
    reviewer = factories.create_user("rev@example.org")
    position = factories.create_position("mine", reviewers=(reviewer,))
    rubric = create_rubric_version(
        position, [{"name": "Research", "weight": 2, "min": 1, "max": 5}], actor=None
    )
    candidate = create_candidate(position, name="Ann Lee")
    assignment = assign(candidate, reviewer, position.default_stage, actor=None)
    review = Review(assignment=assignment, rubric=rubric)
    db.session.add(review)
    db.session.commit()
    return review, rubric.criteria[0]


def test_audit_events_cannot_be_changed_or_deleted():
    entry = audit.record("test.event", summary="line one\r\nforged line")
    db.session.commit()
    assert entry.summary == "line one forged line"
    entry.summary = "rewritten"
    with pytest.raises(AuditLogIsAppendOnly):
        db.session.commit()
    db.session.rollback()
    db.session.delete(entry)
    with pytest.raises(AuditLogIsAppendOnly):
        db.session.commit()
    db.session.rollback()
    assert db.session.scalars(db.select(AuditEvent.summary)).all() == ["line one forged line"]


def test_audit_never_stores_secrets():
    entry = audit.record("test.event", new={"password": "hunter2hunter2", "name": "A"})
    assert entry.new == {"name": "A"}


def test_score_outside_the_scale_is_refused():
    review, criterion = _review_setup()
    review.scores.append(Score(criterion=criterion, value=6))
    with pytest.raises(ScoreOutOfRange):
        db.session.commit()
    db.session.rollback()
    assert db.session.scalars(db.select(Score)).all() == []


def test_score_unique_per_review_and_criterion():
    review, criterion = _review_setup()
    db.session.add_all(
        [
            Score(review=review, criterion=criterion, value=3),
            Score(review=review, criterion=criterion, value=4),
        ]
    )
    with pytest.raises(IntegrityError):
        db.session.commit()
    db.session.rollback()


def test_email_is_unique_case_insensitively():
    factories.create_user("ada@example.org")
    db.session.add(User(email="ADA@EXAMPLE.ORG", display_name="Other"))
    with pytest.raises(IntegrityError):
        db.session.commit()
    db.session.rollback()
