"""Who may see a candidate. A blocking conflict hides the candidate from that person everywhere,
chairs included (an admin who is not on the committee sees everything)."""

from reviewapp.assignments.models import Assignment
from reviewapp.auth.permissions import is_admin, is_chair, membership
from reviewapp.candidates.models import Candidate
from reviewapp.conflicts.models import Conflict, ConflictStatus
from reviewapp.extensions import db


def is_conflicted(user, candidate: Candidate) -> bool:
    return (
        db.session.scalar(
            db.select(Conflict.id).where(
                Conflict.reviewer_id == user.id,
                Conflict.candidate_id == candidate.id,
                Conflict.status != ConflictStatus.DISMISSED,
            )
        )
        is not None
    )


def is_assigned(user, candidate: Candidate) -> bool:
    return (
        db.session.scalar(
            db.select(Assignment.id)
            .where(
                Assignment.reviewer_id == user.id,
                Assignment.candidate_id == candidate.id,
                Assignment.declined_at.is_(None),
            )
            .limit(1)
        )
        is not None
    )


def can_view_candidate(user, candidate: Candidate) -> bool:
    """Chairs see every candidate they are not conflicted with; reviewers only those assigned
    to them and not conflicted; admins who are not committee members see all."""
    if not getattr(user, "is_authenticated", False):
        return False
    if is_admin(user) and membership(user, candidate.position) is None:
        return True
    if membership(user, candidate.position) is None or is_conflicted(user, candidate):
        return False
    return is_chair(user, candidate.position) or is_assigned(user, candidate)


def can_manage_candidate(user, candidate: Candidate) -> bool:
    """Edit the profile, merge, delete: a chair who is not conflicted."""
    return is_chair(user, candidate.position) and can_view_candidate(user, candidate)
