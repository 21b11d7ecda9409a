from datetime import datetime
from enum import StrEnum

from sqlalchemy import (
    CheckConstraint,
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


class ExtractionStatus(StrEnum):
    PENDING = "pending"
    OK = "ok"
    NO_TEXT_LAYER = "no_text_layer"
    FAILED = "failed"


class Candidate(db.Model):
    """A person applying to a position, built from one or more documents.

    `profile` holds the parsed fields with their evidence; `edits` holds the chair's corrections,
    which win over re-parsing. A duplicate merged into another candidate keeps its row with
    `merged_into_id` set, so a merge can be undone.
    """

    __tablename__ = "candidates"
    __table_args__ = (Index("ix_candidates_position_id_name", "position_id", "name"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    position_id: Mapped[int] = mapped_column(ForeignKey("positions.id", ondelete="CASCADE"))
    name: Mapped[str] = mapped_column(String(200))
    name_as_written: Mapped[str] = mapped_column(String(200), default="")
    emails: Mapped[list] = mapped_column(JSONType, default=list)
    phone: Mapped[str] = mapped_column(String(64), default="")
    links: Mapped[dict] = mapped_column(JSONType, default=dict)
    profile: Mapped[dict] = mapped_column(JSONType, default=dict)
    edits: Mapped[dict] = mapped_column(JSONType, default=dict)
    # Extra manifest columns (e.g. "Area", "Referee"), kept as given.
    attributes: Mapped[dict] = mapped_column(JSONType, default=dict)
    merged_into_id: Mapped[int | None] = mapped_column(
        ForeignKey("candidates.id", ondelete="SET NULL"), index=True
    )
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    position: Mapped["Position"] = relationship()  # noqa: F821
    documents: Mapped[list["Document"]] = relationship(
        back_populates="candidate", cascade="all, delete-orphan", order_by="Document.id"
    )

    def __repr__(self) -> str:
        return f"<Candidate {self.id} {self.name!r} position={self.position_id}>"

    @property
    def is_merged(self) -> bool:
        return self.merged_into_id is not None


class Document(db.Model):
    """One uploaded file. The original name is display text only; bytes are keyed by sha256."""

    __tablename__ = "documents"
    __table_args__ = (
        UniqueConstraint("position_id", "sha256"),
        CheckConstraint(
            "extraction_status IN ('pending', 'ok', 'no_text_layer', 'failed')",
            name="extraction_status",
        ),
        CheckConstraint("content IS NOT NULL OR storage_key IS NOT NULL", name="has_bytes"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    position_id: Mapped[int] = mapped_column(ForeignKey("positions.id", ondelete="CASCADE"))
    candidate_id: Mapped[int] = mapped_column(
        ForeignKey("candidates.id", ondelete="CASCADE"), index=True
    )
    sha256: Mapped[str] = mapped_column(String(64))
    media_type: Mapped[str] = mapped_column(String(100))
    original_name: Mapped[str] = mapped_column(String(255))
    size_bytes: Mapped[int]
    content: Mapped[bytes | None] = deferred(mapped_column(LargeBinary))
    storage_key: Mapped[str | None] = mapped_column(String(255))
    text: Mapped[str] = deferred(mapped_column(Text, default=""))
    extraction_status: Mapped[str] = mapped_column(String(16), default=ExtractionStatus.PENDING)
    extraction_error: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    candidate: Mapped["Candidate"] = relationship(back_populates="documents")

    def __repr__(self) -> str:
        return f"<Document {self.id} {self.original_name!r} {self.media_type}>"
