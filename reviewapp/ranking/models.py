"""Cached rank intervals: the bootstrap of one ranking, computed once by a background job and
shared by every chair whose view of the data is the same (see `reviewapp.ranking.intervals`)."""

from datetime import datetime
from enum import StrEnum

from sqlalchemy import CheckConstraint, ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, deferred, mapped_column

from reviewapp.db import JSONType, UTCDateTime, utcnow
from reviewapp.extensions import db


class IntervalStatus(StrEnum):
    QUEUED = "queued"
    RUNNING = "running"
    DONE = "done"
    STALE = "stale"  # the data changed before the job ran: a newer key replaces it
    FAILED = "failed"


class RankingInterval(db.Model):
    """Rank intervals and P(top K) for one cache key.

    `key`: a hash of position, stage, data revision, method, what-if weights, settings and the
    hidden candidates; `hidden_candidate_ids` are the candidates kept out (the requesting
    chair's conflicts), so the job computes exactly what that key promises. `result`: a list of
    [candidate_id, rank_lo, rank_hi, p_top_k] for the ranked candidates.
    """

    __tablename__ = "ranking_intervals"
    __table_args__ = (
        CheckConstraint(
            "status IN ({})".format(", ".join(f"'{s}'" for s in IntervalStatus)), name="status"
        ),
        Index("ix_ranking_intervals_position_id", "position_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    position_id: Mapped[int] = mapped_column(ForeignKey("positions.id", ondelete="CASCADE"))
    stage_id: Mapped[int] = mapped_column(ForeignKey("stages.id", ondelete="CASCADE"))
    key: Mapped[str] = mapped_column(String(64), unique=True)
    data_revision: Mapped[int] = mapped_column()
    options: Mapped[dict] = mapped_column(JSONType, default=dict)
    hidden_candidate_ids: Mapped[list] = mapped_column(JSONType, default=list)
    status: Mapped[str] = mapped_column(String(16), default=IntervalStatus.QUEUED)
    error: Mapped[str] = mapped_column(Text, default="")
    result: Mapped[list | None] = deferred(mapped_column(JSONType))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    @property
    def is_finished(self) -> bool:
        return self.status in (IntervalStatus.DONE, IntervalStatus.STALE, IntervalStatus.FAILED)

    def __repr__(self) -> str:
        return f"<RankingInterval {self.id} position={self.position_id} {self.status}>"
