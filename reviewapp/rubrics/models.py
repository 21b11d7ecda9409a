from datetime import datetime

from sqlalchemy import CheckConstraint, Float, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from reviewapp.db import JSONType, UTCDateTime, utcnow
from reviewapp.extensions import db


class Rubric(db.Model):
    """One version of a position's rubric. A review keeps the version it was made on, so a change
    of scale, weight or criteria creates a new version instead of changing what old scores meant."""

    __tablename__ = "rubrics"
    __table_args__ = (UniqueConstraint("position_id", "version"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    position_id: Mapped[int] = mapped_column(ForeignKey("positions.id", ondelete="CASCADE"))
    version: Mapped[int] = mapped_column(default=1)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))

    criteria: Mapped[list["Criterion"]] = relationship(
        back_populates="rubric", cascade="all, delete-orphan", order_by="Criterion.order"
    )

    def __repr__(self) -> str:
        return f"<Rubric {self.id} position={self.position_id} v{self.version}>"


class Criterion(db.Model):
    __tablename__ = "criteria"
    __table_args__ = (
        UniqueConstraint("rubric_id", "name"),
        CheckConstraint("weight > 0", name="weight_positive"),
        CheckConstraint("scale_min < scale_max", name="scale_ordered"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    rubric_id: Mapped[int] = mapped_column(ForeignKey("rubrics.id", ondelete="CASCADE"))
    name: Mapped[str] = mapped_column(String(120))
    description: Mapped[str] = mapped_column(Text, default="")
    weight: Mapped[float] = mapped_column(Float, default=1.0)
    scale_min: Mapped[int] = mapped_column(default=1)
    scale_max: Mapped[int] = mapped_column(default=5)
    # {"5": "exceptional: ...", "1": "weak: ..."}; keys are levels as strings (JSON object keys).
    levels: Mapped[dict] = mapped_column(JSONType, default=dict)
    order: Mapped[int] = mapped_column(default=0)
    is_required: Mapped[bool] = mapped_column(default=True)

    rubric: Mapped["Rubric"] = relationship(back_populates="criteria")

    def __repr__(self) -> str:
        return (
            f"<Criterion {self.id} {self.name!r} w={self.weight} {self.scale_min}-{self.scale_max}>"
        )

    def accepts(self, value: int) -> bool:
        return self.scale_min <= value <= self.scale_max
