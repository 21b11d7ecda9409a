from datetime import datetime
from enum import StrEnum

from sqlalchemy import CheckConstraint, ForeignKey, String, Text, UniqueConstraint, event
from sqlalchemy.orm import Mapped, Session, mapped_column, relationship

from reviewapp.db import UTCDateTime, utcnow
from reviewapp.extensions import db
from reviewapp.rubrics.models import Criterion


class ReviewStatus(StrEnum):
    DRAFT = "draft"
    SUBMITTED = "submitted"


class Recommendation(StrEnum):
    STRONG_NO = "strong_no"
    NO = "no"
    YES = "yes"
    STRONG_YES = "strong_yes"

    @property
    def label(self) -> str:
        return self.value.replace("_", " ").capitalize()


class Review(db.Model):
    """One reviewer's review of one candidate in one stage.

    `version` is SQLAlchemy's optimistic-locking column: an UPDATE only succeeds against the
    version the writer read, so a stale tab can never overwrite a newer save.
    """

    __tablename__ = "reviews"
    __table_args__ = (
        CheckConstraint("status IN ('draft', 'submitted')", name="status"),
        CheckConstraint(
            "recommendation IS NULL OR recommendation IN ('strong_no', 'no', 'yes', 'strong_yes')",
            name="recommendation",
        ),
        CheckConstraint("confidence IS NULL OR confidence BETWEEN 1 AND 3", name="confidence"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    assignment_id: Mapped[int] = mapped_column(
        ForeignKey("assignments.id", ondelete="CASCADE"), unique=True
    )
    rubric_id: Mapped[int] = mapped_column(ForeignKey("rubrics.id", ondelete="RESTRICT"))
    status: Mapped[str] = mapped_column(String(16), default=ReviewStatus.DRAFT)
    recommendation: Mapped[str | None] = mapped_column(String(16))
    confidence: Mapped[int | None]
    comment: Mapped[str] = mapped_column(Text, default="")
    private_note: Mapped[str] = mapped_column(Text, default="")
    version: Mapped[int] = mapped_column(default=1)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)
    submitted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    assignment: Mapped["Assignment"] = relationship(back_populates="review")  # noqa: F821
    rubric: Mapped["Rubric"] = relationship()  # noqa: F821
    scores: Mapped[list["Score"]] = relationship(
        back_populates="review", cascade="all, delete-orphan"
    )

    __mapper_args__ = {"version_id_col": version}

    def __repr__(self) -> str:
        return f"<Review {self.id} assignment={self.assignment_id} {self.status} v{self.version}>"

    @property
    def is_submitted(self) -> bool:
        return self.status == ReviewStatus.SUBMITTED


class Score(db.Model):
    """A raw score for one criterion; the range is checked against the criterion on flush."""

    __tablename__ = "scores"
    __table_args__ = (UniqueConstraint("review_id", "criterion_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    review_id: Mapped[int] = mapped_column(ForeignKey("reviews.id", ondelete="CASCADE"))
    criterion_id: Mapped[int] = mapped_column(
        ForeignKey("criteria.id", ondelete="RESTRICT"), index=True
    )
    value: Mapped[int]

    review: Mapped["Review"] = relationship(back_populates="scores")
    criterion: Mapped["Criterion"] = relationship()

    def __repr__(self) -> str:
        return f"<Score review={self.review_id} criterion={self.criterion_id} value={self.value}>"


class ReviewUpdateRequest(db.Model):
    """The chair asked the author of a review made on an old rubric version to move it onto
    `rubric_id` (the version current at the time of asking). Resolved when the review moves."""

    __tablename__ = "review_update_requests"
    __table_args__ = (UniqueConstraint("review_id", "rubric_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    review_id: Mapped[int] = mapped_column(ForeignKey("reviews.id", ondelete="CASCADE"), index=True)
    rubric_id: Mapped[int] = mapped_column(ForeignKey("rubrics.id", ondelete="CASCADE"))
    requested_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    requested_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    resolved_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    review: Mapped["Review"] = relationship()
    requested_by: Mapped["User | None"] = relationship()  # noqa: F821

    def __repr__(self) -> str:
        return f"<ReviewUpdateRequest review={self.review_id} to rubric={self.rubric_id}>"

    @property
    def is_open(self) -> bool:
        return self.resolved_at is None


class ScoreOutOfRange(ValueError):
    pass


@event.listens_for(Session, "before_flush")
def _check_score_ranges(session, flush_context, instances) -> None:
    """No score outside its criterion's scale reaches the database, whoever writes it."""
    for obj in (*session.new, *session.dirty):
        if isinstance(obj, Score):
            criterion = obj.criterion or session.get(Criterion, obj.criterion_id)
            if criterion is None or not criterion.accepts(obj.value):
                raise ScoreOutOfRange(f"score {obj.value!r} is outside the scale of {criterion!r}")
            review_rubric_id = obj.review.rubric_id if obj.review is not None else None
            if review_rubric_id is not None and criterion.rubric_id != review_rubric_id:
                raise ScoreOutOfRange(f"{criterion!r} belongs to another rubric than the review")
