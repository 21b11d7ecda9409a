"""Candidate and document operations. They flush and audit; the caller commits."""

import hashlib

from reviewapp import audit
from reviewapp.candidates.models import Candidate, Document
from reviewapp.extensions import db
from reviewapp.positions.models import Position
from reviewapp.textutil import clean_display_text


def find_document(position: Position, sha256: str) -> Document | None:
    return db.session.execute(
        db.select(Document).filter_by(position_id=position.id, sha256=sha256)
    ).scalar_one_or_none()


def create_candidate(
    position: Position,
    *,
    name: str,
    name_as_written: str = "",
    emails: list[str] | None = None,
    phone: str = "",
    links: dict | None = None,
    profile: dict | None = None,
    attributes: dict | None = None,
    actor=None,
) -> Candidate:
    candidate = Candidate(
        position_id=position.id,
        name=clean_display_text(name, 200) or "Unnamed candidate",
        name_as_written=clean_display_text(name_as_written or name, 200),
        emails=[e.strip().lower() for e in (emails or []) if e.strip()],
        phone=clean_display_text(phone, 64),
        links=links or {},
        profile=profile or {},
        attributes=attributes or {},
    )
    db.session.add(candidate)
    db.session.flush()
    audit.record(
        "candidate.create", candidate, actor=actor, position=position, summary=candidate.name
    )
    return candidate


def add_document(
    candidate: Candidate,
    *,
    data: bytes,
    filename: str,
    media_type: str,
    text: str,
    status: str,
    error: str = "",
    actor=None,
) -> Document:
    """Attach a file; its original name is kept only as cleaned display text."""
    document = Document(
        position_id=candidate.position_id,
        sha256=hashlib.sha256(data).hexdigest(),
        media_type=media_type,
        original_name=clean_display_text(filename) or "document",
        size_bytes=len(data),
        content=data,
        text=text,
        extraction_status=status,
        extraction_error=error,
    )
    candidate.documents.append(document)
    db.session.flush()
    audit.record(
        "document.add",
        document,
        actor=actor,
        summary=document.original_name,
        new={"candidate_id": candidate.id, "sha256": document.sha256},
    )
    return document
