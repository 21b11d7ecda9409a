"""Saving reviews. The operation validates everything first and writes nothing on error."""

import math
from dataclasses import dataclass, field

from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm.exc import StaleDataError

from reviewapp import audit
from reviewapp.assignments.models import Assignment
from reviewapp.db import utcnow
from reviewapp.extensions import db
from reviewapp.reviews import updates
from reviewapp.reviews.models import Recommendation, Review, ReviewStatus, Score
from reviewapp.rubrics.models import Rubric


class ReviewError(ValueError):
    """The review cannot be saved; `errors` maps field names to messages for the form."""

    def __init__(self, message: str, errors: dict[str, str] | None = None):
        super().__init__(message)
        self.errors = errors or {}


class StaleReview(ReviewError):
    """Somebody (another tab) saved the review after this form was opened."""


@dataclass
class ReviewInput:
    scores: dict[int, object] = field(default_factory=dict)  # criterion id -> raw value
    recommendation: str | None = None
    confidence: object = None
    comment: str = ""
    private_note: str = ""


def _as_int(value: object) -> int | None:
    """An integer score, or None for blank; anything else (1.5, NaN, 1e309, 'x') is invalid."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if isinstance(value, bool):
        raise ValueError
    if isinstance(value, float):
        if not math.isfinite(value) or not value.is_integer():
            raise ValueError
        return int(value)
    if isinstance(value, int):
        return value
    text = str(value).strip()
    if not text.lstrip("+-").isdigit() or len(text) > 6:
        raise ValueError
    return int(text)


def validate_review(rubric: Rubric, data: ReviewInput, *, submit: bool) -> dict[int, int]:
    """Return the clean scores by criterion id; raise ReviewError listing every problem.

    Drafts may leave criteria blank; a submitted review needs every required criterion,
    a recommendation and a confidence.
    """
    errors: dict[str, str] = {}
    criteria = {c.id: c for c in rubric.criteria}
    unknown = set(data.scores) - set(criteria)
    if unknown:
        errors["scores"] = "A score was given for a criterion that is not in this rubric."
    clean: dict[int, int] = {}
    for cid, criterion in criteria.items():
        try:
            value = _as_int(data.scores.get(cid))
        except ValueError:
            errors[f"criterion_{cid}"] = f"{criterion.name}: enter a whole number."
            continue
        if value is None:
            if submit and criterion.is_required:
                errors[f"criterion_{cid}"] = f"{criterion.name} is required."
        elif not criterion.accepts(value):
            errors[f"criterion_{cid}"] = (
                f"{criterion.name}: choose a value from {criterion.scale_min} "
                f"to {criterion.scale_max}."
            )
        else:
            clean[cid] = value
    if data.recommendation not in (None, "", *Recommendation):
        errors["recommendation"] = "Choose a recommendation from the list."
    elif submit and not data.recommendation:
        errors["recommendation"] = "Choose a recommendation."
    try:
        confidence = _as_int(data.confidence)
    except ValueError:
        confidence, errors["confidence"] = None, "Confidence is 1, 2 or 3."
    if confidence is not None and not 1 <= confidence <= 3:
        errors["confidence"] = "Confidence is 1, 2 or 3."
    elif submit and confidence is None and "confidence" not in errors:
        errors["confidence"] = "Choose a confidence."
    if errors:
        raise ReviewError("The review was not saved: please correct the marked fields.", errors)
    return clean


def save_review(
    assignment: Assignment,
    rubric: Rubric,
    data: ReviewInput,
    *,
    submit: bool,
    expected_version: int | None,
    actor,
) -> Review:
    """Create or update the assignment's review (compare-and-set on `version`).

    `expected_version` is the version the form was opened on: 0 means "there was no review yet",
    None skips the check (imports). A submitted review stays submitted and complete; it can be
    edited until its stage closes. Two first saves racing each other meet the unique
    assignment_id: the loser gets StaleReview, so there is exactly one review row."""
    if assignment.stage.is_closed:
        raise ReviewError(f"The stage {assignment.stage.name!r} is closed: reviews are final.")
    if assignment.is_declined:
        raise ReviewError("You declined this assignment.")
    review = assignment.review
    submit = submit or (review is not None and review.is_submitted)
    clean = validate_review(rubric, data, submit=submit)
    if review is None:
        review = Review(assignment=assignment, rubric=rubric)
        db.session.add(review)
        old, moved_from = None, None
    else:
        if expected_version is not None and review.version != expected_version:
            raise StaleReview(
                "This review changed since you opened it (another tab or "
                "device saved it). Your input is still in the form: copy what "
                "you need, reload, and save again."
            )
        old = {"status": review.status, "version": review.version}
        moved_from = review.rubric_id if review.rubric_id != rubric.id else None
        if moved_from is not None:
            # The column too, not only the relationship: the score check runs before flush.
            review.rubric, review.rubric_id = rubric, rubric.id
    try:
        # No autoflush while the review changes: a racing writer must surface here, as
        # StaleReview, not from a lazy load halfway through.
        with db.session.no_autoflush:
            review.recommendation = data.recommendation or None
            review.confidence = _as_int(data.confidence)
            review.comment = (data.comment or "").strip()
            review.private_note = (data.private_note or "").strip()
            by_criterion = {s.criterion_id: s for s in review.scores}
            for cid, score in list(by_criterion.items()):
                if cid not in clean:
                    review.scores.remove(score)
            for cid, value in clean.items():
                if cid in by_criterion:
                    by_criterion[cid].value = value
                else:
                    review.scores.append(Score(criterion_id=cid, value=value))
            if submit:
                review.status = ReviewStatus.SUBMITTED
                review.submitted_at = review.submitted_at or utcnow()
            # Always an UPDATE of the review row, so every save bumps (and checks) `version`:
            # a save that only changes scores writes no column of the review otherwise, and a
            # stale tab would then overwrite those scores unchecked.
            review.updated_at = utcnow()
        db.session.flush()
    except (StaleDataError, IntegrityError) as error:
        raise StaleReview(
            "This review changed since you opened it (another tab or device saved it). "
            "Your input is still in the form: reload and save again."
        ) from error
    audit.record(
        "review.submit" if submit else "review.save",
        review,
        actor=actor,
        position=assignment.position_id,
        summary=f"{assignment.reviewer.email} on candidate {assignment.candidate_id}",
        old=old,
        new={"status": review.status, "scores": {str(k): v for k, v in clean.items()}},
    )
    if moved_from is not None:
        updates.resolve_requests(review, old_rubric_id=moved_from, actor=actor)
    return review
