"""Reviews made on an old rubric version: the chair asks their authors to update, and the
author moves the review onto the current version.

Until the author saves it on the current version, a review keeps its version and its scores
keep their meaning (ranking reads each review against its own rubric). When it moves, a score
carries over only for a criterion of the same name and the same scale; the others are entered
again. Operations flush and audit; the caller commits.
"""

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.orm import joinedload

from reviewapp import audit
from reviewapp.assignments.models import Assignment
from reviewapp.candidates.models import Candidate
from reviewapp.conflicts.models import Conflict, ConflictStatus
from reviewapp.db import utcnow
from reviewapp.extensions import db
from reviewapp.positions.models import Position
from reviewapp.reviews.models import Review, ReviewUpdateRequest
from reviewapp.rubrics.models import Rubric


class UpdateRequestError(ValueError):
    pass


@dataclass(frozen=True)
class OutdatedReview:
    review: Review
    version: int
    request: ReviewUpdateRequest | None  # the latest request for the current version

    @property
    def requested_at(self) -> datetime | None:
        return self.request.requested_at if self.request else None


def carried_scores(review: Review, rubric: Rubric) -> dict[int, int]:
    """Scores of `review` that keep their meaning on `rubric`: same criterion name (case
    folded) and same scale. Keyed by the criterion id in `rubric`."""
    targets = {c.name.casefold(): c for c in rubric.criteria}
    # The old version's criteria in one load, not one lazy load per score.
    olds = {c.id: c for c in review.rubric.criteria}
    carried = {}
    for score in review.scores:
        old = olds.get(score.criterion_id) or score.criterion
        new = targets.get(old.name.casefold())
        if new is not None and (new.scale_min, new.scale_max) == (old.scale_min, old.scale_max):
            carried[new.id] = score.value
    return carried


def outdated_reviews(position: Position, current: Rubric, viewer) -> list[OutdatedReview]:
    """Reviews of the position on another rubric version than `current`, leaving out the
    candidates the viewer is conflicted with, by candidate name then reviewer."""
    hidden = db.select(Conflict.candidate_id).where(
        Conflict.reviewer_id == viewer.id, Conflict.status != ConflictStatus.DISMISSED
    )
    rows = db.session.execute(
        db.select(Review, Rubric.version)
        .join(Rubric, Rubric.id == Review.rubric_id)
        .join(Assignment, Assignment.id == Review.assignment_id)
        .join(Candidate, Candidate.id == Assignment.candidate_id)
        .options(
            joinedload(Review.assignment).joinedload(Assignment.reviewer),
            joinedload(Review.assignment).joinedload(Assignment.candidate),
        )
        .where(
            Assignment.position_id == position.id,
            Review.rubric_id != current.id,
            Candidate.merged_into_id.is_(None),
            Candidate.id.not_in(hidden),
        )
        .order_by(Candidate.name, Assignment.reviewer_id)
    ).all()
    requests = {
        r.review_id: r
        for r in db.session.scalars(
            db.select(ReviewUpdateRequest).where(
                ReviewUpdateRequest.rubric_id == current.id,
                ReviewUpdateRequest.review_id.in_([review.id for review, _ in rows]),
            )
        )
    }
    return [OutdatedReview(review, version, requests.get(review.id)) for review, version in rows]


def request_updates(
    *, position: Position, current: Rubric, review_ids: list[int] | None, actor
) -> int:
    """Ask the authors of the given outdated reviews (None: all the actor may see) to move
    them to `current`. Asking again refreshes the time of the request. Returns how many."""
    outdated = outdated_reviews(position, current, actor)
    if review_ids is not None:
        wanted = set(review_ids)
        outdated = [o for o in outdated if o.review.id in wanted]
        if len(outdated) != len(wanted):
            raise UpdateRequestError("Some of the chosen reviews are not on an old rubric version.")
    if not outdated:
        raise UpdateRequestError("No review is on an old rubric version.")
    now = utcnow()
    for item in outdated:
        request = item.request
        if request is None:
            request = ReviewUpdateRequest(review_id=item.review.id, rubric_id=current.id)
            db.session.add(request)
        request.requested_at, request.requested_by_id = now, actor.id
        request.resolved_at = None
    db.session.flush()
    audit.record(
        "review.update_request",
        current,
        actor=actor,
        position=position,
        summary=f"{len(outdated)} review(s) asked to move to rubric version {current.version}",
        new={"review_ids": [o.review.id for o in outdated], "rubric_version": current.version},
    )
    return len(outdated)


def open_request(review: Review | None) -> ReviewUpdateRequest | None:
    """The open request to move this review, if the chair asked and it has not moved yet."""
    if review is None:
        return None
    return db.session.scalar(
        db.select(ReviewUpdateRequest)
        .where(
            ReviewUpdateRequest.review_id == review.id,
            ReviewUpdateRequest.resolved_at.is_(None),
            ReviewUpdateRequest.rubric_id != review.rubric_id,
        )
        .order_by(ReviewUpdateRequest.requested_at.desc())
        .limit(1)
    )


def resolve_requests(review: Review, *, old_rubric_id: int, actor) -> None:
    """The review moved from `old_rubric_id` to its current rubric: close open requests."""
    now = utcnow()
    requests = db.session.scalars(
        db.select(ReviewUpdateRequest).where(
            ReviewUpdateRequest.review_id == review.id, ReviewUpdateRequest.resolved_at.is_(None)
        )
    ).all()
    for request in requests:
        request.resolved_at = now
    db.session.flush()
    audit.record(
        "review.move_rubric",
        review,
        actor=actor,
        position=review.rubric.position_id,
        summary=f"review {review.id} moved to rubric version {review.rubric.version}",
        old={"rubric_id": old_rubric_id},
        new={"rubric_id": review.rubric_id, "requests_resolved": len(requests)},
    )
