"""What a merge does to the work already attached to the two candidates, and how undo reverses it.

The absorbed candidate's assignments (with their reviews) and conflicts move to the kept
candidate. Where both have one for the same reviewer (and stage), one must give way, since the
database allows one per reviewer (and stage):
- assignments: the one whose review is further along (submitted > draft > none) stays on the
  kept candidate; on a tie the kept candidate's own;
- conflicts: a blocking one beats a dismissed one (the safe side); on a tie the kept one's.
When the absorbed candidate's row wins, the kept candidate's row (and its review, scores and
update requests) is saved in the merge record and removed; undo puts it back with its ids.
When the kept candidate's row wins, the other simply stays on the absorbed candidate, which
nobody sees until undo. Operations flush; the caller commits.
"""

from datetime import datetime

from sqlalchemy import Table

from reviewapp.assignments.models import Assignment
from reviewapp.conflicts.models import Conflict
from reviewapp.db import UTCDateTime
from reviewapp.extensions import db
from reviewapp.reviews.models import Review, ReviewStatus, ReviewUpdateRequest, Score


def _rank(assignment: Assignment) -> int:
    review = assignment.review
    if review is None:
        return 0
    return 2 if review.status == ReviewStatus.SUBMITTED else 1


def _rows(table: Table, column, ids: list[int]) -> list[dict]:
    if not ids:
        return []
    result = db.session.execute(table.select().where(column.in_(ids))).mappings()
    out = []
    for row in result:
        out.append(
            {k: v.isoformat() if isinstance(v, datetime) else v for k, v in dict(row).items()}
        )
    return out


def _restore(table: Table, rows: list[dict]) -> None:
    if not rows:
        return
    dates = {c.name for c in table.columns if isinstance(c.type, UTCDateTime)}
    values = [
        {k: datetime.fromisoformat(v) if k in dates and v else v for k, v in row.items()}
        for row in rows
    ]
    db.session.execute(table.insert(), values)


def _snapshot_assignment(assignment: Assignment) -> dict:
    """The assignment, its review, the review's scores and update requests, as JSON rows."""
    review_ids = [assignment.review.id] if assignment.review is not None else []
    return {
        "assignments": _rows(Assignment.__table__, Assignment.__table__.c.id, [assignment.id]),
        "reviews": _rows(Review.__table__, Review.__table__.c.id, review_ids),
        "scores": _rows(Score.__table__, Score.__table__.c.review_id, review_ids),
        "update_requests": _rows(
            ReviewUpdateRequest.__table__, ReviewUpdateRequest.__table__.c.review_id, review_ids
        ),
    }


def move_related(other_id: int, keep_id: int) -> dict:
    """Move the absorbed candidate's assignments and conflicts; returns what undo needs."""
    record: dict = {"assignments": [], "conflicts": [], "removed": [], "removed_conflicts": []}
    kept = {
        (a.reviewer_id, a.stage_id): a
        for a in db.session.scalars(db.select(Assignment).filter_by(candidate_id=keep_id))
    }
    for assignment in db.session.scalars(db.select(Assignment).filter_by(candidate_id=other_id)):
        clash = kept.get((assignment.reviewer_id, assignment.stage_id))
        if clash is not None:
            if _rank(assignment) <= _rank(clash):
                continue  # the kept candidate's stays; this one waits on the absorbed one
            record["removed"].append(_snapshot_assignment(clash))
            db.session.delete(clash)
            db.session.flush()
        assignment.candidate_id = keep_id
        record["assignments"].append(assignment.id)
    kept_conflicts = {
        c.reviewer_id: c
        for c in db.session.scalars(db.select(Conflict).filter_by(candidate_id=keep_id))
    }
    for conflict in db.session.scalars(db.select(Conflict).filter_by(candidate_id=other_id)):
        clash = kept_conflicts.get(conflict.reviewer_id)
        if clash is not None:
            if not conflict.is_blocking or clash.is_blocking:
                continue
            record["removed_conflicts"] += _rows(
                Conflict.__table__, Conflict.__table__.c.id, [clash.id]
            )
            db.session.delete(clash)
            db.session.flush()
        conflict.candidate_id = keep_id
        record["conflicts"].append(conflict.id)
    db.session.flush()
    return record


def restore_related(record: dict, *, other_id: int, keep_id: int) -> None:
    """Undo move_related: moved rows go back, removed rows come back with their ids."""
    for assignment_id in record.get("assignments") or []:
        assignment = db.session.get(Assignment, assignment_id)
        if assignment is not None and assignment.candidate_id == keep_id:
            assignment.candidate_id = other_id
    for conflict_id in record.get("conflicts") or []:
        conflict = db.session.get(Conflict, conflict_id)
        if conflict is not None and conflict.candidate_id == keep_id:
            conflict.candidate_id = other_id
    db.session.flush()
    for removed in record.get("removed") or []:
        _restore(Assignment.__table__, removed["assignments"])
        _restore(Review.__table__, removed["reviews"])
        _restore(Score.__table__, removed["scores"])
        _restore(ReviewUpdateRequest.__table__, removed["update_requests"])
    _restore(Conflict.__table__, record.get("removed_conflicts") or [])
    db.session.flush()
