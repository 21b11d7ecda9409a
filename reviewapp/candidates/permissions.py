"""Who may see a candidate. A blocking conflict hides the candidate from that person everywhere,
chairs included (an admin who is not on the committee sees everything).

The facts the predicates read (conflicted? assigned?) are memoised for the request, so a page
that asks several predicates about one candidate queries each fact once; any flush of the
session forgets them, so a request that writes (declares a conflict, declines) reads afresh."""

from flask import g, has_request_context
from sqlalchemy import event
from sqlalchemy.orm import Session

from reviewapp.assignments.models import Assignment
from reviewapp.auth.permissions import is_admin, is_chair, membership
from reviewapp.candidates.models import Candidate
from reviewapp.conflicts.models import Conflict, ConflictStatus
from reviewapp.extensions import db


def request_fact(kind: str, user, candidate: Candidate, compute):
    """`compute()` once per request for (kind, user, candidate); uncached outside a request
    context, forgotten after every flush (see `_forget_facts`)."""
    if not has_request_context():
        return compute()
    facts = g.setdefault("_candidate_facts", {})
    key = (kind, user.id, candidate.id)
    if key not in facts:
        facts[key] = compute()
    return facts[key]


def note_fact(kind: str, user, candidate: Candidate, value: bool) -> None:
    """Record a fact the caller has just established from rows it loaded (e.g. the scoring
    page's own assignment proves "assigned"), so the predicates need not query it again."""
    if has_request_context():
        g.setdefault("_candidate_facts", {})[(kind, user.id, candidate.id)] = value


@event.listens_for(Session, "after_flush")
@event.listens_for(Session, "after_rollback")
def _forget_facts(session, *_args) -> None:
    if has_request_context():
        g.pop("_candidate_facts", None)


def is_conflicted(user, candidate: Candidate) -> bool:
    return request_fact("conflicted", user, candidate, lambda: _is_conflicted(user, candidate))


def _is_conflicted(user, candidate: Candidate) -> bool:
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
    return request_fact("assigned", user, candidate, lambda: _is_assigned(user, candidate))


def _is_assigned(user, candidate: Candidate) -> bool:
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


def hidden_candidate_ids(user, position=None) -> set[int]:
    """The candidates a blocking (not dismissed) conflict hides from `user`: of `position`, or
    of every position when it is None. The one definition of "what a conflict hides", used to
    filter lists not built from a candidate query (import reports, the audit log, rankings,
    export files)."""
    if not getattr(user, "is_authenticated", False):
        return set()
    query = db.select(Conflict.candidate_id).where(
        Conflict.reviewer_id == user.id, Conflict.status != ConflictStatus.DISMISSED
    )
    if position is not None:
        query = query.where(Conflict.position_id == position.id)
    return set(db.session.scalars(query))


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
