"""Export jobs: a decision pack built in the background and kept for its requester to download."""

from datetime import datetime
from enum import StrEnum

from sqlalchemy import CheckConstraint, ForeignKey, Index, LargeBinary, String, Text
from sqlalchemy.orm import Mapped, deferred, mapped_column, relationship

from reviewapp.db import JSONType, UTCDateTime, utcnow
from reviewapp.extensions import db


class ExportStatus(StrEnum):
    QUEUED = "queued"
    RUNNING = "running"
    DONE = "done"
    FAILED = "failed"
    EXPIRED = "expired"  # done, and its file deleted after EXPORT_KEEP_DAYS


FINISHED = (ExportStatus.DONE, ExportStatus.FAILED, ExportStatus.EXPIRED)


class ExportJob(db.Model):
    """One requested export: its options, its state, and when done the file itself (until it
    expires: `operations.expire_exports` drops files older than EXPORT_KEEP_DAYS).

    `options`: format, method, anonymize, include_private_notes, weights (what-if weights by
    criterion name; empty for the saved rubric). `hidden_candidate_ids`: the candidates the
    requester's conflicts kept out of the file, so that nobody whose conflicts hide more can
    download it (`permissions.can_download_export_job`).
    """

    __tablename__ = "export_jobs"
    __table_args__ = (
        CheckConstraint(
            "status IN ({})".format(", ".join(f"'{s}'" for s in ExportStatus)), name="status"
        ),
        Index("ix_export_jobs_position_id_created_at", "position_id", "created_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    position_id: Mapped[int] = mapped_column(ForeignKey("positions.id", ondelete="CASCADE"))
    stage_id: Mapped[int] = mapped_column(ForeignKey("stages.id", ondelete="CASCADE"))
    requested_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    options: Mapped[dict] = mapped_column(JSONType, default=dict)
    status: Mapped[str] = mapped_column(String(16), default=ExportStatus.QUEUED)
    error: Mapped[str] = mapped_column(Text, default="")
    filename: Mapped[str] = mapped_column(String(255), default="")
    mimetype: Mapped[str] = mapped_column(String(100), default="")
    size: Mapped[int] = mapped_column(default=0)
    result: Mapped[bytes | None] = deferred(mapped_column(LargeBinary))
    hidden_candidate_ids: Mapped[list] = mapped_column(JSONType, default=list)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    started_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    position: Mapped["Position"] = relationship()  # noqa: F821
    stage: Mapped["Stage"] = relationship()  # noqa: F821
    requested_by: Mapped["User | None"] = relationship()  # noqa: F821

    @property
    def is_finished(self) -> bool:
        return self.status in FINISHED

    def __repr__(self) -> str:
        return f"<ExportJob {self.id} position={self.position_id} {self.status}>"
