"""Who may score an assignment and who may read the other reviews of a candidate."""

from reviewapp.assignments.models import Assignment
from reviewapp.auth.permissions import is_chair, membership
from reviewapp.candidates.models import Candidate
from reviewapp.candidates.permissions import can_view_candidate, is_conflicted, request_fact
from reviewapp.extensions import db
from reviewapp.positions.models import Visibility
from reviewapp.reviews.models import Review, ReviewStatus


def can_score(user, assignment: Assignment) -> bool:
    """Only the assigned reviewer, still on the committee, not declined, not conflicted."""
    if not getattr(user, "is_authenticated", False) or assignment.reviewer_id != user.id:
        return False
    if membership(user, assignment.candidate.position) is None:
        return False
    return not assignment.is_declined and not is_conflicted(user, assignment.candidate)


def has_submitted(user, candidate: Candidate) -> bool:
    """Whether the user submitted a review of the candidate, in any stage (memoised for the
    request like the facts of candidates.permissions)."""
    return request_fact("submitted", user, candidate, lambda: _has_submitted(user, candidate))


def _has_submitted(user, candidate: Candidate) -> bool:
    return (
        db.session.scalar(
            db.select(Review.id)
            .join(Assignment)
            .where(
                Assignment.reviewer_id == user.id,
                Assignment.candidate_id == candidate.id,
                Review.status == ReviewStatus.SUBMITTED,
            )
            .limit(1)
        )
        is not None
    )


def can_see_other_reviews(user, candidate: Candidate) -> bool:
    """The chair sees every review unless conflicted; a reviewer follows the position's policy:
    after_own (once their own review is submitted), hidden (never) or visible (always)."""
    if not can_view_candidate(user, candidate):
        return False
    if is_chair(user, candidate.position):
        return True
    policy = candidate.position.visibility
    if policy == Visibility.VISIBLE:
        return True
    if policy == Visibility.HIDDEN:
        return False
    return has_submitted(user, candidate)
