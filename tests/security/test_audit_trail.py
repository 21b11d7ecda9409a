"""Item 30, the audit half: every score, rubric, import, export, assignment, conflict override
and role change leaves an append-only entry (who, when in UTC, what, old → new), with no
secrets, and its one-line summary cannot carry a line break."""

from datetime import UTC, timedelta

import pytest

from reviewapp.assignments.operations import assign
from reviewapp.audit import AuditEvent, AuditLogIsAppendOnly
from reviewapp.candidates.models import Candidate
from reviewapp.cli import main
from reviewapp.conflicts.operations import add_conflict, decide_conflict
from reviewapp.db import utcnow
from reviewapp.extensions import db
from reviewapp.positions.operations import add_member
from reviewapp.reviews.operations import ReviewInput, save_review
from reviewapp.rubrics.operations import save_rubric
from tests import factories

pytestmark = pytest.mark.integration

ANY, SKIP = object(), object()
CRITERIA = [{"name": "Research", "min": 1, "max": 5}, {"name": "Teaching", "min": 1, "max": 5}]


def events(action: str) -> list[AuditEvent]:
    db.session.expire_all()
    return db.session.scalars(
        db.select(AuditEvent).where(AuditEvent.action == action).order_by(AuditEvent.id)
    ).all()


def test_every_kind_of_change_is_audited_with_who_when_and_old_new(app, runner, tmp_path):
    started = utcnow() - timedelta(seconds=1)
    chair = factories.create_user("chair@example.org")
    rev = factories.create_user("rev@example.org")
    position = factories.create_position("lab", chair=chair, reviewers=(rev,))
    rubric, _ = save_rubric(position, CRITERIA, actor=chair)
    relabelled = [dict(CRITERIA[0], name="Research record"), CRITERIA[1]]
    save_rubric(position, relabelled, actor=chair)
    db.session.commit()

    cv = tmp_path / "eve.txt"
    cv.write_text("Eve Example\neve@example.org\nResearch: secret CV sentence\n")
    result = runner.invoke(main, ["import", "lab", str(cv), "--workers", "0"])
    assert result.exit_code == 0, result.output
    eve = db.session.scalar(db.select(Candidate))
    assignment = assign(eve, rev, position.default_stage, actor=chair)
    first = ReviewInput(scores={rubric.criteria[0].id: 3})
    save_review(assignment, rubric, first, submit=False, expected_version=0, actor=rev)
    db.session.commit()
    second = ReviewInput(
        scores={c.id: 4 for c in rubric.criteria}, recommendation="yes", confidence=2
    )
    save_review(assignment, rubric, second, submit=True, expected_version=1, actor=rev)
    conflict = add_conflict(position, chair, eve, source="chair", kind="coauthor", actor=chair)
    decide_conflict(conflict, status="dismissed", actor=chair)
    add_member(position, rev, "chair", actor=chair)
    db.session.commit()
    out = tmp_path / "pack.xlsx"
    result = runner.invoke(main, ["export", "lab", "--out", str(out)])
    assert result.exit_code == 0, result.output

    expected = {  # action: (actor, old, new); ANY: present, content not checked here
        "rubric.create": (chair.id, None, ANY),
        "rubric.update": (chair.id, ANY, ANY),
        "import.finish": (None, None, ANY),
        "candidate.create": (None, None, SKIP),
        "assignment.create": (chair.id, None, ANY),
        "review.save": (rev.id, None, ANY),
        "review.submit": (rev.id, {"status": "draft", "version": 1}, ANY),
        "conflict.dismiss": (chair.id, {"status": "confirmed"}, {"status": "dismissed"}),
        "member.update": (
            chair.id,
            {"role": "reviewer", "is_active": True},
            {"role": "chair", "is_active": True},
        ),
        "export.create": (None, None, ANY),
    }
    missing = [action for action in expected if not events(action)]
    assert missing == []
    for action, (actor, old, new) in expected.items():
        entry = events(action)[-1]
        assert entry.actor_id == actor, action
        assert entry.created_at.tzinfo is not None and entry.created_at.utcoffset() == timedelta(0)
        assert started <= entry.created_at.astimezone(UTC) <= utcnow(), action
        for got, want in ((entry.old, old), (entry.new, new)):
            if want is ANY:
                assert got, action
            elif want is not SKIP:
                assert got == want, action
    submitted = events("review.submit")[-1].new
    assert submitted["status"] == "submitted"
    assert sorted(submitted["scores"].values()) == [4, 4]
    everything = " ".join(f"{e.summary} {e.old} {e.new}" for e in events_all())
    assert "secret CV sentence" not in everything
    assert "correct horse" not in everything


def events_all() -> list[AuditEvent]:
    return db.session.scalars(db.select(AuditEvent)).all()


def test_audit_summary_cannot_carry_a_line_break(app):
    chair = factories.create_user("chair@example.org")
    position = factories.create_position("lab", chair=chair)
    factories.create_candidate(position, "Eve\r\n2026-01-01 admin deleted everything")
    summaries = [e.summary for e in events_all()]
    assert summaries and all("\r" not in s and "\n" not in s for s in summaries)


def test_audit_entries_cannot_be_edited_or_deleted_through_the_orm(app):
    factories.create_user("chair@example.org")
    factories.create_position("lab")
    entry = events_all()[0]
    entry.summary = "rewritten"
    with pytest.raises(AuditLogIsAppendOnly):
        db.session.flush()
    db.session.rollback()
    db.session.delete(events_all()[0])
    with pytest.raises(AuditLogIsAppendOnly):
        db.session.flush()
    db.session.rollback()
