"""Read-side queries for the reviewer's pages: one query per list, never one per row."""

from dataclasses import dataclass

from sqlalchemy import and_

from reviewapp.assignments.models import Assignment
from reviewapp.candidates.models import Candidate
from reviewapp.conflicts.models import Conflict, ConflictStatus
from reviewapp.extensions import db
from reviewapp.positions.models import Position
from reviewapp.reviews.models import Review, ReviewStatus


@dataclass(frozen=True)
class MyAssignment:
    assignment: Assignment
    candidate: Candidate
    review: Review | None

    @property
    def status(self) -> str:
        if self.assignment.is_declined:
            return "declined"
        if self.review is None:
            return "not started"
        return "submitted" if self.review.is_submitted else "draft"


def _not_conflicted():
    return ~(
        db.select(Conflict.id)
        .where(
            Conflict.reviewer_id == Assignment.reviewer_id,
            Conflict.candidate_id == Assignment.candidate_id,
            Conflict.status != ConflictStatus.DISMISSED,
        )
        .exists()
    )


def my_assignments(user, position: Position) -> list[MyAssignment]:
    """The reviewer's assignments on the position, conflicted ones left out, by candidate name."""
    rows = db.session.execute(
        db.select(Assignment, Candidate, Review)
        .join(Candidate, Candidate.id == Assignment.candidate_id)
        .outerjoin(Review, Review.assignment_id == Assignment.id)
        .where(
            Assignment.position_id == position.id,
            Assignment.reviewer_id == user.id,
            Candidate.merged_into_id.is_(None),
            _not_conflicted(),
        )
        .order_by(Candidate.name, Assignment.id)
    ).all()
    return [MyAssignment(a, c, r) for a, c, r in rows]


def next_assignment(items: list[MyAssignment], current_id: int) -> MyAssignment | None:
    """The next open (not submitted, not declined) assignment after the current one, wrapping."""
    ids = [item.assignment.id for item in items]
    start = ids.index(current_id) + 1 if current_id in ids else 0
    for item in items[start:] + items[:start]:
        if item.assignment.id != current_id and item.status in ("not started", "draft"):
            return item
    return None


def other_reviews(candidate: Candidate, *, exclude_assignment_id: int) -> list[Review]:
    """Other committee members' submitted reviews of the candidate (same stage or any)."""
    return list(
        db.session.scalars(
            db.select(Review)
            .join(Assignment, Review.assignment_id == Assignment.id)
            .where(
                and_(
                    Assignment.candidate_id == candidate.id,
                    Assignment.id != exclude_assignment_id,
                    Review.status == ReviewStatus.SUBMITTED,
                )
            )
            .order_by(Review.submitted_at)
        )
    )
