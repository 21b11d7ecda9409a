"""The chair's decisions on possible duplicates: merge (undoable), keep apart, edit a profile.

A merge moves the documents, assignments (with their reviews) and conflicts of the absorbed
candidate to the kept one (candidates/merge_moves.py settles clashes) and remembers what it
moved and the kept candidate's previous profile, so `unmerge_candidate` can restore all of it.
Operations flush and audit; the caller commits.
"""

from reviewapp import audit
from reviewapp.candidates.merge_moves import move_related, restore_related
from reviewapp.candidates.models import Candidate, Document
from reviewapp.db import utcnow
from reviewapp.extensions import db
from reviewapp.importing.models import DuplicatePair, PairStatus
from reviewapp.importing.profiles import apply_profile, merge_profiles
from reviewapp.textutil import clean_display_text


class MergeRefused(Exception):
    pass


def pairs_of(candidate: Candidate, *, status: str | None = PairStatus.OPEN) -> list[DuplicatePair]:
    query = db.select(DuplicatePair).where(
        (DuplicatePair.candidate_a_id == candidate.id)
        | (DuplicatePair.candidate_b_id == candidate.id)
    )
    if status is not None:
        query = query.where(DuplicatePair.status == status)
    return list(db.session.scalars(query.order_by(DuplicatePair.id)))


def _snapshot(candidate: Candidate) -> dict:
    return {
        "name": candidate.name,
        "name_as_written": candidate.name_as_written,
        "emails": list(candidate.emails or []),
        "phone": candidate.phone,
        "links": candidate.links,
        "profile": candidate.profile,
        "attributes": candidate.attributes,
    }


def merge_candidates(pair: DuplicatePair, *, keep: Candidate, actor) -> Candidate:
    """Absorb the pair's other candidate into `keep`; its row stays with merged_into_id set."""
    if pair.status != PairStatus.OPEN or keep.id not in (pair.candidate_a_id, pair.candidate_b_id):
        raise MergeRefused("this pair has already been decided")
    other = pair.other(keep.id)
    if other.merged_into_id is not None or keep.merged_into_id is not None:
        raise MergeRefused("one of the two has already been merged")
    moved = [document.id for document in other.documents]
    before = _snapshot(keep)
    for document in list(other.documents):
        document.candidate_id = keep.id
    related = move_related(other.id, keep.id)
    merge = {"kept": keep.id, "before": before, "moved_documents": moved, "related": related}
    pair.evidence = {**pair.evidence, "merge": merge}
    keep.profile = merge_profiles(keep.profile or {}, other.profile or {})
    keep.attributes = {**(other.attributes or {}), **(keep.attributes or {})}
    apply_profile(keep)
    other.merged_into_id = keep.id
    pair.status, pair.decided_at = PairStatus.MERGED, utcnow()
    db.session.flush()
    db.session.expire(keep, ["documents"])
    db.session.expire(other, ["documents"])
    audit.record(
        "candidate.merge",
        keep,
        actor=actor,
        summary=f"{other.name} merged into {keep.name}",
        new={
            "merged": other.id,
            "documents": moved,
            "assignments": related["assignments"],
            "conflicts": related["conflicts"],
            "replaced_assignments": [r["assignments"][0]["id"] for r in related["removed"]],
        },
    )
    return keep


def unmerge_candidate(pair: DuplicatePair, *, actor) -> Candidate:
    """Undo a merge: documents go back, the kept candidate's profile is restored."""
    merge = (pair.evidence or {}).get("merge")
    if pair.status != PairStatus.MERGED or not merge:
        raise MergeRefused("this pair is not merged")
    keep = db.session.get(Candidate, merge["kept"])
    other = pair.other(keep.id)
    for document_id in merge.get("moved_documents") or []:
        document = db.session.get(Document, document_id)
        if document is not None and document.candidate_id == keep.id:
            document.candidate_id = other.id
    restore_related(merge.get("related") or {}, other_id=other.id, keep_id=keep.id)
    for key, value in merge["before"].items():
        setattr(keep, key, value)
    other.merged_into_id = None
    pair.status, pair.decided_at = PairStatus.OPEN, None
    pair.evidence = {k: v for k, v in pair.evidence.items() if k != "merge"}
    db.session.flush()
    db.session.expire(keep, ["documents"])
    db.session.expire(other, ["documents"])
    audit.record(
        "candidate.unmerge", other, actor=actor, summary=f"{other.name} split from {keep.name}"
    )
    return other


def keep_apart(pair: DuplicatePair, *, actor) -> DuplicatePair:
    """The chair says: two different people. The pair is not proposed again."""
    if pair.status != PairStatus.OPEN:
        raise MergeRefused("this pair has already been decided")
    pair.status, pair.decided_at = PairStatus.KEPT_APART, utcnow()
    db.session.flush()
    audit.record(
        "candidate.keep_apart",
        pair.candidate_a,
        actor=actor,
        summary=f"{pair.candidate_a.name} / {pair.candidate_b.name}",
        new={"other": pair.candidate_b_id},
    )
    return pair


def edit_profile(candidate: Candidate, *, actor, **changes) -> Candidate:
    """Chair corrections (name, emails, phone, current_position); they win over re-parsing."""
    edits = dict(candidate.edits or {})
    old = {key: edits.get(key) for key in changes}
    for key, value in changes.items():
        if key == "emails":
            value = [e.strip().lower() for e in value if e.strip()]
        elif key == "current_position":
            value = {k: clean_display_text(v, 200) for k, v in value.items() if v}
        else:
            value = clean_display_text(value or "", 200)
        if value:
            edits[key] = value
        else:
            edits.pop(key, None)
    candidate.edits = edits
    apply_profile(candidate)
    db.session.flush()
    audit.record("candidate.edit", candidate, actor=actor, old=old, new=changes)
    return candidate
