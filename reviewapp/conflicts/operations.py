"""Conflict operations: run the detector over a position, store what it finds as pending rows,
and the chair's and reviewers' decisions. They flush and audit; the caller commits."""

from dataclasses import dataclass

from reviewapp import audit
from reviewapp.auth.models import User
from reviewapp.candidates.models import Candidate, Document
from reviewapp.conflicts.detect import CandidateText, ConflictDetector, DetectedConflict, Member
from reviewapp.conflicts.models import Conflict, ConflictSource, ConflictStatus
from reviewapp.db import utcnow
from reviewapp.extensions import db
from reviewapp.positions.models import Membership, Position

KINDS = ("supervisor", "coauthor", "teaching", "colleague", "institution", "personal", "other")


class ConflictError(ValueError):
    """Refused, with a message for the person who asked."""


@dataclass(frozen=True)
class Finding:
    member: User
    candidate: Candidate
    detected: DetectedConflict

    def as_dict(self) -> dict:
        return {
            "reviewer": self.member.email,
            "reviewer_name": self.member.display_name,
            "candidate_id": self.candidate.id,
            "candidate": self.candidate.name,
            "kind": self.detected.kind,
            "evidence": self.detected.evidence,
            "line": self.detected.line_no,
        }


def committee_users(position: Position) -> list[User]:
    return list(
        db.session.scalars(
            db.select(User)
            .join(Membership, Membership.user_id == User.id)
            .where(Membership.position_id == position.id, Membership.is_active.is_(True))
            .order_by(User.display_name, User.id)
        )
    )


def position_candidates(position: Position) -> list[Candidate]:
    return list(
        db.session.scalars(
            db.select(Candidate)
            .where(Candidate.position_id == position.id, Candidate.merged_into_id.is_(None))
            .order_by(Candidate.name, Candidate.id)
        )
    )


def candidate_texts(candidates: list[Candidate]) -> list[CandidateText]:
    """Each candidate's documents' text joined (one query for all documents)."""
    texts: dict[int, list[str]] = {c.id: [] for c in candidates}
    if texts:
        rows = db.session.execute(
            db.select(Document.candidate_id, Document.text)
            .where(Document.candidate_id.in_(list(texts)))
            .order_by(Document.id)
        )
        for candidate_id, text in rows:
            texts[candidate_id].append(text or "")
    result = []
    for c in candidates:
        current = (c.profile or {}).get("current_position") or {}
        result.append(
            CandidateText(
                id=c.id,
                name=c.name,
                text="\n".join(texts[c.id]),
                current_institution=current.get("institution")
                if isinstance(current, dict)
                else None,
                emails=tuple(c.emails or ()),
            )
        )
    return result


def detect_position_conflicts(position: Position) -> list[Finding]:
    """Every committee member × every candidate's CV text; strongest kind first per pair."""
    users = committee_users(position)
    members = [Member(u.id, u.display_name, u.email, u.institution or None) for u in users]
    by_id = {u.id: u for u in users}
    candidates = position_candidates(position)
    by_candidate = {c.id: c for c in candidates}
    detector = ConflictDetector(members)
    findings = []
    for text in candidate_texts(candidates):
        for found in detector.detect(text):
            findings.append(Finding(by_id[found.member_id], by_candidate[text.id], found))
    return findings


def _existing(position: Position) -> dict[tuple[int, int], Conflict]:
    rows = db.session.scalars(db.select(Conflict).filter_by(position_id=position.id))
    return {(c.reviewer_id, c.candidate_id): c for c in rows}


def store_detected_conflicts(position: Position, *, actor) -> list[Conflict]:
    """Store each newly detected pair as a pending conflict (its strongest kind and evidence).
    A pair that already has a row (pending, confirmed or dismissed) is left as it is."""
    existing = _existing(position)
    created = []
    for finding in detect_position_conflicts(position):
        key = (finding.member.id, finding.candidate.id)
        if key in existing:
            continue
        conflict = Conflict(
            position_id=position.id,
            reviewer_id=finding.member.id,
            candidate_id=finding.candidate.id,
            source=ConflictSource.DETECTED,
            kind=finding.detected.kind,
            reason=finding.detected.evidence,
            status=ConflictStatus.PENDING,
        )
        db.session.add(conflict)
        existing[key] = conflict
        created.append(conflict)
    db.session.flush()
    if created:
        audit.record(
            "conflict.detect",
            None,
            actor=actor,
            position=position,
            summary=f"{len(created)} new detected conflict(s)",
            new={"pairs": [[c.reviewer_id, c.candidate_id, c.kind] for c in created]},
        )
    return created


def decide_conflict(conflict: Conflict, *, status: str, actor) -> None:
    """The chair confirms or dismisses; a dismissal is the explicit, logged override."""
    if status not in (ConflictStatus.CONFIRMED, ConflictStatus.DISMISSED):
        raise ConflictError("Confirm or dismiss.")
    old = conflict.status
    conflict.status = status
    conflict.decided_by_id = getattr(actor, "id", None)
    conflict.decided_at = utcnow()
    audit.record(
        f"conflict.{'confirm' if status == ConflictStatus.CONFIRMED else 'dismiss'}",
        conflict,
        actor=actor,
        summary=f"reviewer {conflict.reviewer_id} / candidate {conflict.candidate_id}",
        old={"status": old},
        new={"status": status},
    )


def add_conflict(
    position: Position,
    reviewer: User,
    candidate: Candidate,
    *,
    source: str,
    kind: str = "other",
    reason: str = "",
    actor,
) -> Conflict:
    """A declared (by the reviewer) or chair-added conflict, confirmed at once. An existing row
    for the pair (say a dismissed detection) becomes confirmed."""
    if candidate.position_id != position.id:
        raise ConflictError("The candidate belongs to another position.")
    kind = kind if kind in KINDS else "other"
    conflict = _existing(position).get((reviewer.id, candidate.id))
    old = None if conflict is None else {"status": conflict.status, "source": conflict.source}
    if conflict is None:
        conflict = Conflict(
            position_id=position.id, reviewer_id=reviewer.id, candidate_id=candidate.id
        )
        db.session.add(conflict)
    conflict.source, conflict.kind = source, kind
    conflict.reason = (reason or "").strip()[:2000]
    conflict.status = ConflictStatus.CONFIRMED
    conflict.decided_by_id, conflict.decided_at = getattr(actor, "id", None), utcnow()
    db.session.flush()
    audit.record(
        "conflict.add",
        conflict,
        actor=actor,
        summary=f"{reviewer.email} / candidate {candidate.id} ({source})",
        old=old,
        new={"status": conflict.status, "source": source, "kind": kind},
    )
    return conflict


def remove_conflict(conflict: Conflict, *, actor) -> None:
    """The chair removes a declared or manual conflict (detected ones are dismissed instead,
    so a re-run does not bring them back)."""
    if conflict.source == ConflictSource.DETECTED:
        raise ConflictError("Dismiss a detected conflict instead of removing it.")
    audit.record(
        "conflict.remove",
        conflict,
        actor=actor,
        summary=f"reviewer {conflict.reviewer_id} / candidate {conflict.candidate_id}",
        old={"status": conflict.status, "source": conflict.source, "kind": conflict.kind},
    )
    db.session.delete(conflict)
    db.session.flush()
