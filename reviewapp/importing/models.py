"""Import batches, their per-file items, and possible duplicates left for the chair."""

from datetime import datetime
from enum import StrEnum

from sqlalchemy import (
    CheckConstraint,
    Float,
    ForeignKey,
    Index,
    LargeBinary,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, deferred, mapped_column, relationship

from reviewapp.db import JSONType, UTCDateTime, utcnow
from reviewapp.extensions import db


def _in(column: str, values) -> str:
    return f"{column} IN ({', '.join(repr(str(v)) for v in values)})"


class BatchStatus(StrEnum):
    QUEUED = "queued"
    RUNNING = "running"
    DONE = "done"
    FAILED = "failed"
    INTERRUPTED = "interrupted"


class Outcome(StrEnum):
    PENDING = "pending"
    NEW = "new"
    ATTACHED = "attached"
    UNCHANGED = "unchanged"
    FAILED = "failed"
    SKIPPED = "skipped"


class PairStatus(StrEnum):
    OPEN = "open"
    MERGED = "merged"
    KEPT_APART = "kept_apart"


class ImportBatch(db.Model):
    """One run of the importer (a CLI call or a browser upload); totals are kept up to date."""

    __tablename__ = "import_batches"
    __table_args__ = (
        CheckConstraint(_in("status", BatchStatus), name="status"),
        Index("ix_import_batches_position_id_created_at", "position_id", "created_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    position_id: Mapped[int] = mapped_column(ForeignKey("positions.id", ondelete="CASCADE"))
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    source: Mapped[str] = mapped_column(String(16), default="cli")  # "cli", "upload", "demo"
    status: Mapped[str] = mapped_column(String(16), default=BatchStatus.QUEUED)
    error: Mapped[str] = mapped_column(Text, default="")
    total_files: Mapped[int] = mapped_column(default=0)
    processed: Mapped[int] = mapped_column(default=0)
    new: Mapped[int] = mapped_column(default=0)
    attached: Mapped[int] = mapped_column(default=0)
    unchanged: Mapped[int] = mapped_column(default=0)
    failed: Mapped[int] = mapped_column(default=0)
    skipped: Mapped[int] = mapped_column(default=0)
    manifest: Mapped[bytes | None] = deferred(mapped_column(LargeBinary))
    manifest_name: Mapped[str] = mapped_column(String(255), default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    started_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    position: Mapped["Position"] = relationship()  # noqa: F821
    created_by: Mapped["User | None"] = relationship()  # noqa: F821
    items: Mapped[list["ImportItem"]] = relationship(
        back_populates="batch", cascade="all, delete-orphan", order_by="ImportItem.id"
    )

    def __repr__(self) -> str:
        return f"<ImportBatch {self.id} position={self.position_id} {self.status}>"

    @property
    def is_finished(self) -> bool:
        return self.status in (BatchStatus.DONE, BatchStatus.FAILED, BatchStatus.INTERRUPTED)

    def totals(self) -> dict[str, int]:
        return {
            "new": self.new,
            "attached": self.attached,
            "unchanged": self.unchanged,
            "failed": self.failed,
            "skipped": self.skipped,
        }


class ImportItem(db.Model):
    """One file of a batch and what became of it; `content` holds uploaded bytes until done."""

    __tablename__ = "import_items"
    __table_args__ = (CheckConstraint(_in("outcome", Outcome), name="outcome"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    batch_id: Mapped[int] = mapped_column(
        ForeignKey("import_batches.id", ondelete="CASCADE"), index=True
    )
    display_name: Mapped[str] = mapped_column(String(255))
    sha256: Mapped[str] = mapped_column(String(64), default="")
    size_bytes: Mapped[int] = mapped_column(default=0)
    outcome: Mapped[str] = mapped_column(String(16), default=Outcome.PENDING)
    reason: Mapped[str] = mapped_column(Text, default="")
    candidate_id: Mapped[int | None] = mapped_column(
        ForeignKey("candidates.id", ondelete="SET NULL"), index=True
    )
    document_id: Mapped[int | None] = mapped_column(ForeignKey("documents.id", ondelete="SET NULL"))
    content: Mapped[bytes | None] = deferred(mapped_column(LargeBinary))

    batch: Mapped[ImportBatch] = relationship(back_populates="items")

    def __repr__(self) -> str:
        return f"<ImportItem {self.id} {self.display_name!r} {self.outcome}>"

    def report(self) -> dict:
        return {
            "file": self.display_name,
            "outcome": self.outcome,
            "reason": self.reason,
            "candidate_id": self.candidate_id,
            "document_id": self.document_id,
        }


class DuplicatePair(db.Model):
    """Two candidates that may be one person; the chair merges them or keeps them apart."""

    __tablename__ = "duplicate_pairs"
    __table_args__ = (
        UniqueConstraint("candidate_a_id", "candidate_b_id"),
        CheckConstraint(_in("status", PairStatus), name="status"),
        CheckConstraint("candidate_a_id < candidate_b_id", name="ordered"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    position_id: Mapped[int] = mapped_column(
        ForeignKey("positions.id", ondelete="CASCADE"), index=True
    )
    candidate_a_id: Mapped[int] = mapped_column(
        ForeignKey("candidates.id", ondelete="CASCADE"), index=True
    )
    candidate_b_id: Mapped[int] = mapped_column(
        ForeignKey("candidates.id", ondelete="CASCADE"), index=True
    )
    score: Mapped[float] = mapped_column(Float, default=0.0)
    evidence: Mapped[dict] = mapped_column(JSONType, default=dict)
    status: Mapped[str] = mapped_column(String(16), default=PairStatus.OPEN)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    candidate_a: Mapped["Candidate"] = relationship(foreign_keys=[candidate_a_id])  # noqa: F821
    candidate_b: Mapped["Candidate"] = relationship(foreign_keys=[candidate_b_id])  # noqa: F821

    def __repr__(self) -> str:
        return f"<DuplicatePair {self.candidate_a_id}~{self.candidate_b_id} {self.status}>"

    def other(self, candidate_id: int) -> "Candidate":  # noqa: F821
        return self.candidate_b if candidate_id == self.candidate_a_id else self.candidate_a
