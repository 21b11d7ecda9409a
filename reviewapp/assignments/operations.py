"""Assignment operations. They flush and audit; the caller commits."""

from reviewapp import audit
from reviewapp.assignments.models import Assignment
from reviewapp.candidates.models import Candidate
from reviewapp.conflicts.models import Conflict, ConflictStatus
from reviewapp.db import utcnow
from reviewapp.extensions import db
from reviewapp.positions.models import Stage


class AssignmentError(ValueError):
    """Refused, with a message for the chair."""


def blocking_conflict(reviewer_id: int, candidate_id: int) -> Conflict | None:
    return db.session.execute(
        db.select(Conflict).where(
            Conflict.reviewer_id == reviewer_id,
            Conflict.candidate_id == candidate_id,
            Conflict.status != ConflictStatus.DISMISSED,
        )
    ).scalar_one_or_none()


def assign(candidate: Candidate, reviewer, stage: Stage, *, actor) -> Assignment:
    """Assign a reviewer to a candidate (idempotent); refused while a conflict stands."""
    if stage.position_id != candidate.position_id:
        raise AssignmentError("The stage belongs to another position.")
    if blocking_conflict(reviewer.id, candidate.id) is not None:
        raise AssignmentError(
            f"{reviewer.display_name} has a conflict of interest with {candidate.name}."
        )
    existing = db.session.execute(
        db.select(Assignment).filter_by(
            reviewer_id=reviewer.id, candidate_id=candidate.id, stage_id=stage.id
        )
    ).scalar_one_or_none()
    if existing is not None:
        return existing
    assignment = Assignment(
        position_id=candidate.position_id,
        stage=stage,
        candidate=candidate,
        reviewer=reviewer,
        created_by_id=getattr(actor, "id", None),
    )
    db.session.add(assignment)
    db.session.flush()
    audit.record(
        "assignment.create",
        assignment,
        actor=actor,
        summary=f"{reviewer.email} → {candidate.name}",
        new={"reviewer_id": reviewer.id, "candidate_id": candidate.id, "stage_id": stage.id},
    )
    return assignment


def decline_assignment(assignment: Assignment, *, reason: str, actor) -> None:
    """The reviewer declines, saying why; a started review stays stored but is no longer asked."""
    reason = (reason or "").strip()
    if not reason:
        raise AssignmentError("Say briefly why you decline, for the chair.")
    if assignment.is_declined:
        return
    assignment.declined_at = utcnow()
    assignment.decline_reason = reason[:500]
    audit.record(
        "assignment.decline",
        assignment,
        actor=actor,
        summary=f"{assignment.reviewer.email} declined candidate {assignment.candidate_id}",
        new={"reason": assignment.decline_reason},
    )


def unassign(assignment: Assignment, *, actor) -> None:
    """Remove an assignment; refused once the reviewer has started a review (it is kept)."""
    if assignment.review is not None:
        raise AssignmentError(
            f"{assignment.reviewer.display_name} has started a review of this candidate: "
            "it stays assigned."
        )
    audit.record(
        "assignment.delete",
        assignment,
        actor=actor,
        summary=f"{assignment.reviewer.email} ✕ {assignment.candidate.name}",
        old={"reviewer_id": assignment.reviewer_id, "candidate_id": assignment.candidate_id},
    )
    db.session.delete(assignment)
    db.session.flush()
