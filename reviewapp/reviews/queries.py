"""Read-side queries for the reviewer's pages: one query per list, never one per row."""

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import and_, case, or_
from sqlalchemy.orm import joinedload, selectinload

from reviewapp.assignments.models import Assignment
from reviewapp.candidates.models import Candidate, Document
from reviewapp.conflicts.models import Conflict, ConflictStatus
from reviewapp.extensions import db
from reviewapp.positions.models import Position
from reviewapp.reviews.models import Review, ReviewStatus, ReviewUpdateRequest, Score
from reviewapp.rubrics.models import Rubric


@dataclass(frozen=True, slots=True)
class MyAssignment:
    """One row of "My reviews": plain values, no ORM objects (a reviewer may have hundreds)."""

    assignment_id: int
    candidate_name: str
    status: str  # declined, not started, draft, submitted
    review_id: int | None
    saved_at: datetime | None
    update_requested: bool  # the chair asked to move the review to the current rubric


def _status(declined_at, review_status) -> str:
    if declined_at is not None:
        return "declined"
    if review_status is None:
        return "not started"
    return "submitted" if review_status == ReviewStatus.SUBMITTED else "draft"


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
    """The reviewer's assignments on the position, conflicted ones left out, by candidate name.

    One query of plain columns, the open update request of each review included: building
    ORM objects (and decoding candidates' JSON profiles) for every row cost most of the page
    (benchmarks/RESULTS.md)."""
    requested = (
        db.select(ReviewUpdateRequest.id)
        .where(
            ReviewUpdateRequest.review_id == Review.id,
            ReviewUpdateRequest.resolved_at.is_(None),
            ReviewUpdateRequest.rubric_id != Review.rubric_id,
        )
        .exists()
    )
    rows = db.session.execute(
        db.select(
            Assignment.id,
            Candidate.name,
            Assignment.declined_at,
            Review.id,
            Review.status,
            Review.updated_at,
            requested,
        )
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
    return [
        MyAssignment(aid, name, _status(declined, status), rid, saved, bool(rid and asked))
        for aid, name, declined, rid, status, saved, asked in rows
    ]


def scoring_assignment(position: Position, assignment_id: int, *, page: bool) -> Assignment | None:
    """The assignment with what the scoring request reads, in up to four statements: its
    stage, candidate, review and the review's rubric joined, the scores, the rubric's criteria
    and (for the `page`) the candidate's documents with their text; without `page` (the saves)
    the candidate's big columns (profile, attributes) stay unloaded."""
    candidate = joinedload(Assignment.candidate)
    review = joinedload(Assignment.review)
    options = [
        joinedload(Assignment.stage),
        review.selectinload(Review.scores),
        review.joinedload(Review.rubric).selectinload(Rubric.criteria),
    ]
    if page:
        options.append(candidate.selectinload(Candidate.documents).undefer(Document.text))
    else:
        options.append(candidate.load_only(Candidate.id, Candidate.position_id, Candidate.name))
    return db.session.scalar(
        db.select(Assignment)
        .options(*options)
        .where(Assignment.id == assignment_id, Assignment.position_id == position.id)
    )


def latest_rubric(position: Position, *, criteria: bool = True) -> Rubric | None:
    """The position's current (highest) rubric version, with its criteria unless told not
    to (two statements, or one)."""
    query = db.select(Rubric).where(Rubric.position_id == position.id)
    if criteria:
        query = query.options(selectinload(Rubric.criteria))
    return db.session.scalar(query.order_by(Rubric.version.desc()).limit(1))


@dataclass(frozen=True)
class NextAssignment:
    assignment_id: int
    candidate_name: str


def next_assignment(user, current: Assignment) -> NextAssignment | None:
    """The reviewer's next open (not submitted, not declined) assignment on the position after
    `current` in the order of "My reviews" (candidate name, then id), wrapping round to the
    first; conflicted and merged candidates are left out as there. One query."""
    candidate = current.candidate
    after = or_(
        Candidate.name > candidate.name,
        and_(Candidate.name == candidate.name, Assignment.id > current.id),
    )
    order = [Candidate.name, Assignment.id]
    if candidate.merged_into_id is None:  # else the current one is not in the list: from the top
        order.insert(0, case((after, 0), else_=1))
    row = db.session.execute(
        db.select(Assignment.id, Candidate.name)
        .join(Candidate, Candidate.id == Assignment.candidate_id)
        .outerjoin(Review, Review.assignment_id == Assignment.id)
        .where(
            Assignment.position_id == current.position_id,
            Assignment.reviewer_id == user.id,
            Assignment.id != current.id,
            Assignment.declined_at.is_(None),
            or_(Review.id.is_(None), Review.status != ReviewStatus.SUBMITTED),
            Candidate.merged_into_id.is_(None),
            _not_conflicted(),
        )
        .order_by(*order)
        .limit(1)
    ).first()
    return NextAssignment(*row) if row is not None else None


def other_reviews(candidate: Candidate, *, exclude_assignment_id: int) -> list[Review]:
    """Other committee members' submitted reviews of the candidate (same stage or any), with
    their reviewers and scored criteria loaded."""
    return list(
        db.session.scalars(
            db.select(Review)
            .join(Assignment, Review.assignment_id == Assignment.id)
            .options(
                joinedload(Review.assignment).joinedload(Assignment.reviewer),
                selectinload(Review.scores).joinedload(Score.criterion),
            )
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


def declined_assignments(candidate_ids, *, stage_id: int | None = None) -> list[Assignment]:
    """Declined assignments of the given candidates (any stage unless one is given), newest
    first, with reviewer and candidate loaded, for the chair to read the reasons."""
    query = (
        db.select(Assignment)
        .options(joinedload(Assignment.reviewer), joinedload(Assignment.candidate))
        .where(Assignment.candidate_id.in_(candidate_ids), Assignment.declined_at.is_not(None))
        .order_by(Assignment.declined_at.desc(), Assignment.id)
    )
    if stage_id is not None:
        query = query.where(Assignment.stage_id == stage_id)
    return list(db.session.scalars(query))
