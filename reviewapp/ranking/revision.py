"""positions.data_revision: one counter per position that changes whenever a ranking can.

The ranking cache is keyed by it (`frames.data_version`), so reading the key is one indexed
lookup instead of aggregates over every score. A `before_flush` listener bumps it for every
ORM change to the rows a ranking is computed from: candidates (import, edit, merge), stage
membership, assignments, conflicts, rubric versions and weights, and SUBMITTED reviews and
their scores (drafts never reach a ranking, so a reviewer's autosave does not invalidate the
chairs' cached ranking; submitting or reopening a review changes its status and does).
Bulk Core inserts bypass the ORM and call `bump` themselves (importing/writer.py).

The bump is an atomic ``UPDATE ... SET data_revision = data_revision + 1`` (no lost update
between concurrent writers), positions in id order (no deadlock between two of them).
"""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import event, inspect, select, update
from sqlalchemy.orm import Session

from reviewapp.assignments.models import Assignment
from reviewapp.candidates.models import Candidate
from reviewapp.conflicts.models import Conflict
from reviewapp.positions.models import Position, Stage, StageCandidate
from reviewapp.reviews.models import Review, ReviewStatus, Score
from reviewapp.rubrics.models import Criterion, Rubric

_DIRECT = (Candidate, Assignment, Conflict, Rubric, Stage)


def bump(session: Session, position_ids: Iterable[int]) -> None:
    """Increment the data revision of these positions (inside the caller's transaction)."""
    for position_id in sorted({int(p) for p in position_ids if p is not None}):
        session.execute(
            update(Position)
            .where(Position.id == position_id)
            .values(data_revision=Position.data_revision + 1)
            .execution_options(synchronize_session=False)
        )


def current(session: Session, position_id: int) -> int:
    """The committed-or-flushed revision, read from the database (not the identity map)."""
    return session.execute(
        select(Position.data_revision).where(Position.id == position_id)
    ).scalar_one()


def _review_counts(session: Session, review: Review | None, deleted: bool) -> bool:
    """Whether a change to this review (or to one of its scores) can change a ranking."""
    if review is None:
        return True  # unknown review: be safe
    if review.status == ReviewStatus.SUBMITTED:
        return True
    state = inspect(review)
    if deleted or state.pending:
        return False  # a draft created or deleted: never counted
    history = state.attrs.status.history
    return bool(history.deleted) and ReviewStatus.SUBMITTED in history.deleted


def _review_position(session: Session, review: Review) -> int | None:
    assignment = review.assignment
    if assignment is not None:
        return assignment.position_id or _id(assignment.stage and assignment.stage.position)
    return session.execute(
        select(Assignment.position_id).where(Assignment.id == review.assignment_id)
    ).scalar_one_or_none()


def _position_of(session: Session, obj, deleted: bool) -> int | None | bool:
    """The position id a changed row belongs to; False when the change cannot alter a ranking."""
    if isinstance(obj, _DIRECT):
        return obj.position_id if obj.position_id is not None else getattr(obj, "position", None)
    if isinstance(obj, Criterion):
        rubric = obj.rubric or session.get(Rubric, obj.rubric_id)
        return rubric.position_id if rubric is not None else None
    if isinstance(obj, StageCandidate):
        stage = session.get(Stage, obj.stage_id)
        return stage.position_id if stage is not None else None
    if isinstance(obj, Review):
        if not _review_counts(session, obj, deleted):
            return False
        return _review_position(session, obj)
    if isinstance(obj, Score):
        review = obj.review or (
            session.get(Review, obj.review_id) if obj.review_id is not None else None
        )
        if review is None or not _review_counts(session, review, False):
            return False if review is not None else None
        return _review_position(session, review)
    return False


def _id(position) -> int | None:
    return position.id if isinstance(position, Position) else position


@event.listens_for(Session, "before_flush")
def _bump_on_flush(session: Session, flush_context, instances) -> None:
    tracked = (*_DIRECT, Criterion, StageCandidate, Review, Score)
    changed = [(o, False) for o in session.new if isinstance(o, tracked)]
    changed += [(o, False) for o in session.dirty if isinstance(o, tracked)]
    changed += [(o, True) for o in session.deleted if isinstance(o, tracked)]
    if not changed:
        return
    positions: set[int] = set()
    with session.no_autoflush:
        for obj, deleted in changed:
            if not deleted and obj in session.dirty and not session.is_modified(obj):
                continue
            position = _id(_position_of(session, obj, deleted))
            if position is not False and position is not None:
                positions.add(position)
            # None: a row of a position not flushed yet; nothing of it is cached.
        if positions:
            bump(session, positions)
