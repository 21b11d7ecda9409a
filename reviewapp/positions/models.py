from datetime import datetime
from enum import StrEnum

from sqlalchemy import CheckConstraint, ForeignKey, String, Text, UniqueConstraint, false
from sqlalchemy.orm import Mapped, mapped_column, relationship

from reviewapp.db import UTCDateTime, utcnow
from reviewapp.extensions import db


class PositionStatus(StrEnum):
    OPEN = "open"
    CLOSED = "closed"


class Visibility(StrEnum):
    """When a reviewer may read the other reviews of a candidate (HotCRP/pretalx style)."""

    AFTER_OWN = "after_own"  # once they have submitted their own review (default)
    HIDDEN = "hidden"  # never; only the chair sees all reviews
    VISIBLE = "visible"  # always


class Role(StrEnum):
    CHAIR = "chair"
    REVIEWER = "reviewer"


def _in(column: str, enum: type[StrEnum]) -> str:
    return f"{column} IN ({', '.join(repr(m.value) for m in enum)})"


class Position(db.Model):
    __tablename__ = "positions"
    __table_args__ = (
        CheckConstraint(_in("status", PositionStatus), name="status"),
        CheckConstraint(_in("visibility", Visibility), name="visibility"),
        CheckConstraint("reviews_per_candidate >= 1", name="reviews_per_candidate_positive"),
        CheckConstraint("shortlist_size >= 1", name="shortlist_size_positive"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(64), unique=True)
    title: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text, default="")
    status: Mapped[str] = mapped_column(String(16), default=PositionStatus.OPEN)
    reviews_per_candidate: Mapped[int] = mapped_column(default=3)
    shortlist_size: Mapped[int] = mapped_column(default=10)
    visibility: Mapped[str] = mapped_column(String(16), default=Visibility.AFTER_OWN)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # Bumped by every change that can alter a ranking (reviewapp/ranking/revision.py): the
    # ranking cache key, read in one indexed lookup instead of aggregates over all scores.
    data_revision: Mapped[int] = mapped_column(default=0, server_default="0")

    memberships: Mapped[list["Membership"]] = relationship(
        back_populates="position", cascade="all, delete-orphan"
    )
    stages: Mapped[list["Stage"]] = relationship(
        back_populates="position", cascade="all, delete-orphan", order_by="Stage.order"
    )

    def __repr__(self) -> str:
        return f"<Position {self.id} {self.slug!r}>"

    @property
    def is_open(self) -> bool:
        return self.status == PositionStatus.OPEN

    @property
    def default_stage(self) -> "Stage":
        return self.stages[0]


class Membership(db.Model):
    """A user's role on one position's committee; deactivation keeps their reviews."""

    __tablename__ = "memberships"
    __table_args__ = (
        UniqueConstraint("user_id", "position_id"),
        CheckConstraint(_in("role", Role), name="role"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    position_id: Mapped[int] = mapped_column(
        ForeignKey("positions.id", ondelete="CASCADE"), index=True
    )
    role: Mapped[str] = mapped_column(String(16))
    is_active: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    user: Mapped["User"] = relationship(back_populates="memberships")  # noqa: F821
    position: Mapped["Position"] = relationship(back_populates="memberships")

    def __repr__(self) -> str:
        return f"<Membership user={self.user_id} position={self.position_id} {self.role}>"


class Stage(db.Model):
    """A review round. The first stage (order 0) holds every candidate of the position;
    later stages hold the candidates the chair advanced (StageCandidate rows)."""

    __tablename__ = "stages"
    __table_args__ = (UniqueConstraint("position_id", "name"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    position_id: Mapped[int] = mapped_column(ForeignKey("positions.id", ondelete="CASCADE"))
    name: Mapped[str] = mapped_column(String(100))
    order: Mapped[int] = mapped_column(default=0)
    is_closed: Mapped[bool] = mapped_column(default=False)
    # The stage reviewers work in now; at most one per position (kept by stages/operations.py).
    is_current: Mapped[bool] = mapped_column(default=False, server_default=false())
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    position: Mapped["Position"] = relationship(back_populates="stages")

    def __repr__(self) -> str:
        return f"<Stage {self.id} {self.name!r} of position {self.position_id}>"

    @property
    def is_default(self) -> bool:
        return self.order == 0


class StageCandidate(db.Model):
    """A candidate advanced into a later stage."""

    __tablename__ = "stage_candidates"

    stage_id: Mapped[int] = mapped_column(
        ForeignKey("stages.id", ondelete="CASCADE"), primary_key=True
    )
    candidate_id: Mapped[int] = mapped_column(
        ForeignKey("candidates.id", ondelete="CASCADE"), primary_key=True
    )
    added_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    def __repr__(self) -> str:
        return f"<StageCandidate stage={self.stage_id} candidate={self.candidate_id}>"
