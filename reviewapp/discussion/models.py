from datetime import datetime

from sqlalchemy import ForeignKey, Index, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from reviewapp.db import UTCDateTime, utcnow
from reviewapp.extensions import db


class DiscussionMessage(db.Model):
    """One message in a candidate's committee thread.

    Messages are never deleted from the table: the author's delete and the chair's hide are
    timestamps, so the audit trail and the thread's order stay intact.
    """

    __tablename__ = "discussion_messages"
    __table_args__ = (
        Index("ix_discussion_messages_candidate_id_created_at", "candidate_id", "created_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    position_id: Mapped[int] = mapped_column(
        ForeignKey("positions.id", ondelete="CASCADE"), index=True
    )
    candidate_id: Mapped[int] = mapped_column(ForeignKey("candidates.id", ondelete="CASCADE"))
    author_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    body: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    deleted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    hidden_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    hidden_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))

    author: Mapped["User | None"] = relationship(foreign_keys=[author_id])  # noqa: F821

    def __repr__(self) -> str:
        return (
            f"<DiscussionMessage {self.id} candidate={self.candidate_id} author={self.author_id}>"
        )

    @property
    def is_visible(self) -> bool:
        """Deleted and hidden messages leave the thread for everyone."""
        return self.deleted_at is None and self.hidden_at is None
