from datetime import datetime

from sqlalchemy import ForeignKey, Index, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from reviewapp.db import UTCDateTime, utcnow
from reviewapp.extensions import db


class Assignment(db.Model):
    """A reviewer asked to review a candidate in a stage."""

    __tablename__ = "assignments"
    __table_args__ = (
        UniqueConstraint("reviewer_id", "candidate_id", "stage_id"),
        Index("ix_assignments_candidate_id_stage_id", "candidate_id", "stage_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    position_id: Mapped[int] = mapped_column(
        ForeignKey("positions.id", ondelete="CASCADE"), index=True
    )
    stage_id: Mapped[int] = mapped_column(ForeignKey("stages.id", ondelete="CASCADE"))
    candidate_id: Mapped[int] = mapped_column(ForeignKey("candidates.id", ondelete="CASCADE"))
    reviewer_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    declined_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    decline_reason: Mapped[str] = mapped_column(Text, default="")

    reviewer: Mapped["User"] = relationship(foreign_keys=[reviewer_id])  # noqa: F821
    candidate: Mapped["Candidate"] = relationship()  # noqa: F821
    stage: Mapped["Stage"] = relationship()  # noqa: F821
    review: Mapped["Review | None"] = relationship(  # noqa: F821
        back_populates="assignment", uselist=False, cascade="all, delete-orphan"
    )

    def __repr__(self) -> str:
        return (
            f"<Assignment {self.id} reviewer={self.reviewer_id} "
            f"candidate={self.candidate_id} stage={self.stage_id}>"
        )

    @property
    def is_declined(self) -> bool:
        return self.declined_at is not None
