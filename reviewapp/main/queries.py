"""Read-side queries for the dashboard: one query per table shown, never one per row."""

from dataclasses import dataclass

from sqlalchemy import and_, case, func

from reviewapp.assignments.models import Assignment
from reviewapp.auth.models import User
from reviewapp.conflicts.models import Conflict, ConflictStatus
from reviewapp.extensions import db
from reviewapp.positions.models import Membership, Position, Role
from reviewapp.reviews.models import Review, ReviewStatus


@dataclass(frozen=True)
class Progress:
    position: Position
    assigned: int
    drafts: int
    submitted: int

    @property
    def percent(self) -> int:
        return round(100 * self.submitted / self.assigned) if self.assigned else 0


def reviewer_progress(user: User) -> list[Progress]:
    """Per position where the user reviews: assignments (minus declined and conflicted ones),
    drafts and submitted reviews."""
    conflicted = (
        db.select(Conflict.id)
        .where(
            Conflict.reviewer_id == Assignment.reviewer_id,
            Conflict.candidate_id == Assignment.candidate_id,
            Conflict.status != ConflictStatus.DISMISSED,
        )
        .exists()
    )
    rows = db.session.execute(
        db.select(
            Position,
            func.count(Assignment.id),
            func.count(case((Review.status == ReviewStatus.DRAFT, 1))),
            func.count(case((Review.status == ReviewStatus.SUBMITTED, 1))),
        )
        .join(
            Membership,
            and_(
                Membership.position_id == Position.id,
                Membership.user_id == user.id,
                Membership.role == Role.REVIEWER,
                Membership.is_active.is_(True),
            ),
        )
        .outerjoin(
            Assignment,
            and_(
                Assignment.position_id == Position.id,
                Assignment.reviewer_id == user.id,
                Assignment.declined_at.is_(None),
                ~conflicted,
            ),
        )
        .outerjoin(Review, Review.assignment_id == Assignment.id)
        .group_by(Position.id)
        .order_by(Position.created_at.desc())
    ).all()
    return [
        Progress(position, assigned, drafts, submitted)
        for position, assigned, drafts, submitted in rows
    ]
