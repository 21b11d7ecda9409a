"""The append-only audit log and the one helper every operation calls to write it."""

from datetime import datetime
from typing import Any

from sqlalchemy import ForeignKey, Index, String, event
from sqlalchemy.orm import Mapped, mapped_column, relationship

from reviewapp.db import JSONType, UTCDateTime, utcnow
from reviewapp.extensions import db
from reviewapp.textutil import clean_display_text

# Keys that never enter the log, whatever an operation passes.
_SECRET_KEYS = {"password", "password_hash", "token", "token_hash", "text", "content"}


class AuditEvent(db.Model):
    __tablename__ = "audit_events"
    __table_args__ = (
        Index("ix_audit_events_position_id_created_at", "position_id", "created_at"),
        Index("ix_audit_events_object", "object_type", "object_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    actor_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), index=True
    )
    position_id: Mapped[int | None] = mapped_column(ForeignKey("positions.id", ondelete="SET NULL"))
    action: Mapped[str] = mapped_column(String(64))
    object_type: Mapped[str] = mapped_column(String(32), default="")
    object_id: Mapped[int | None]
    summary: Mapped[str] = mapped_column(String(255), default="")
    old: Mapped[dict | None] = mapped_column(JSONType)
    new: Mapped[dict | None] = mapped_column(JSONType)

    actor: Mapped["User | None"] = relationship()  # noqa: F821

    def __repr__(self) -> str:
        return f"<AuditEvent {self.id} {self.action} {self.object_type}:{self.object_id}>"


class AuditLogIsAppendOnly(RuntimeError):
    pass


@event.listens_for(AuditEvent, "before_update")
@event.listens_for(AuditEvent, "before_delete")
def _refuse_change(mapper, connection, target) -> None:
    raise AuditLogIsAppendOnly(f"{target!r} cannot be changed or deleted")


def _scrub(values: dict[str, Any] | None) -> dict[str, Any] | None:
    if values is None:
        return None
    return {k: v for k, v in values.items() if k not in _SECRET_KEYS}


def record(
    action: str,
    obj: Any = None,
    *,
    actor: Any = None,
    position: Any = None,
    summary: str = "",
    old: dict[str, Any] | None = None,
    new: dict[str, Any] | None = None,
) -> AuditEvent:
    """Add an audit entry to the session (the caller's transaction commits it).

    `obj` is any model instance with an `id`; `actor` is a User or None for the system/CLI.
    """
    if position is None and obj is not None:
        position_id = getattr(obj, "position_id", None)
    else:
        position_id = getattr(position, "id", position)
    if obj is not None and getattr(obj, "id", None) is None:
        db.session.flush()
    entry = AuditEvent(
        actor_id=getattr(actor, "id", None),
        position_id=position_id,
        action=action,
        object_type=type(obj).__name__.lower() if obj is not None else "",
        object_id=getattr(obj, "id", None),
        summary=clean_display_text(summary),
        old=_scrub(old),
        new=_scrub(new),
    )
    db.session.add(entry)
    return entry
