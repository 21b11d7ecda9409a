from datetime import datetime
from enum import StrEnum

from sqlalchemy import CheckConstraint, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from reviewapp.db import UTCDateTime, utcnow
from reviewapp.extensions import db


class ConflictSource(StrEnum):
    DECLARED = "declared"  # by the reviewer
    CHAIR = "chair"  # added by the chair
    DETECTED = "detected"  # found by reviewapp in the CV text


class ConflictStatus(StrEnum):
    PENDING = "pending"  # detected, awaiting the chair: blocks assignment and hides the candidate
    CONFIRMED = "confirmed"
    DISMISSED = "dismissed"  # the chair's explicit, logged override


class Conflict(db.Model):
    """A conflict of interest between a committee member and a candidate.

    Every status but DISMISSED hides the candidate from the reviewer everywhere.
    """

    __tablename__ = "conflicts"
    __table_args__ = (
        UniqueConstraint("reviewer_id", "candidate_id"),
        CheckConstraint("source IN ('declared', 'chair', 'detected')", name="source"),
        CheckConstraint("status IN ('pending', 'confirmed', 'dismissed')", name="status"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    position_id: Mapped[int] = mapped_column(
        ForeignKey("positions.id", ondelete="CASCADE"), index=True
    )
    reviewer_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    candidate_id: Mapped[int] = mapped_column(
        ForeignKey("candidates.id", ondelete="CASCADE"), index=True
    )
    source: Mapped[str] = mapped_column(String(16))
    # supervisor, coauthor, teaching, institution, mention, personal, other
    kind: Mapped[str] = mapped_column(String(32), default="other")
    reason: Mapped[str] = mapped_column(Text, default="")
    status: Mapped[str] = mapped_column(String(16), default=ConflictStatus.CONFIRMED)
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    reviewer: Mapped["User"] = relationship(foreign_keys=[reviewer_id])  # noqa: F821

    def __repr__(self) -> str:
        return (
            f"<Conflict reviewer={self.reviewer_id} candidate={self.candidate_id} "
            f"{self.source}/{self.kind} {self.status}>"
        )

    @property
    def is_blocking(self) -> bool:
        return self.status != ConflictStatus.DISMISSED
