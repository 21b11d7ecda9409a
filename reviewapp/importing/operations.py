"""The import pipeline: files → batch items → (parallel) text and profile → candidates.

Each file is written inside its own SAVEPOINT, so a bad file never half-writes a candidate and
never stops the batch. Operations flush and audit; the caller commits (the `progress` callback
may commit after each file, which is how the background job publishes its progress).
"""

import hashlib
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from reviewapp import audit
from reviewapp.candidates import operations as candidates
from reviewapp.candidates.models import Candidate, Document
from reviewapp.db import utcnow
from reviewapp.extensions import db
from reviewapp.importing.archive import Member, iter_zip
from reviewapp.importing.dedupe import Facts, MatchIndex
from reviewapp.importing.extract import FAILED, NO_TEXT_LAYER, Extraction, extract_text
from reviewapp.importing.isolate import extract_many
from reviewapp.importing.limits import DEFAULT_LIMITS, Limits
from reviewapp.importing.manifest import ManifestError, ManifestRow, read_manifest
from reviewapp.importing.models import BatchStatus, DuplicatePair, ImportBatch, ImportItem, Outcome
from reviewapp.importing.parse import parse_cv
from reviewapp.importing.profiles import apply_profile, merge_profiles, tag_evidence
from reviewapp.importing.sniff import RejectedFile, extension_of, sniff
from reviewapp.positions.models import Position
from reviewapp.textutil import clean_display_text, strip_control_chars

Progress = Callable[[ImportBatch, ImportItem], None]


@dataclass(frozen=True)
class Parsed(Extraction):
    """An Extraction with the parsed profile, computed in the worker process too."""

    profile: dict | None = None


def extract_and_parse(data: bytes, filename: str, *, limits: Limits = DEFAULT_LIMITS) -> Parsed:
    """Run in an isolated worker: text extraction, then the (pure) CV parser."""
    ex = extract_text(data, filename, limits=limits)
    text = strip_control_chars(ex.text)
    profile = parse_cv(text).to_dict() if text.strip() else None
    return Parsed(text, ex.media_type, ex.kind, ex.status, ex.error, ex.pages, profile)


def commit_every(seconds: float = 0.5) -> Progress:
    """A progress callback that commits at most every `seconds`: the batch's state is published
    for the status page and survives a crash, without one fsync per file."""
    last = [0.0]

    def progress(batch: ImportBatch, item: ImportItem) -> None:
        now = time.monotonic()
        if now - last[0] >= seconds or batch.processed >= batch.total_files:
            db.session.commit()
            last[0] = now

    return progress


class ImportFailed(Exception):
    """The run itself failed (e.g. an invalid manifest): nothing was imported."""


def limits_from_config(config) -> Limits:
    size = int(config.get("MAX_FILE_SIZE") or DEFAULT_LIMITS.max_file_bytes)
    return Limits(max_file_bytes=size)


def create_batch(
    position: Position,
    files: Iterable[tuple[str, bytes]],
    *,
    actor=None,
    manifest: tuple[str, bytes] | None = None,
    source: str = "cli",
) -> ImportBatch:
    """A queued batch whose items hold the uploaded bytes until the job has handled them."""
    batch = ImportBatch(position_id=position.id, created_by_id=getattr(actor, "id", None))
    batch.source = source
    if manifest is not None:
        batch.manifest_name = clean_display_text(manifest[0]) or "manifest"
        batch.manifest = manifest[1]
    for name, data in files:
        batch.items.append(_item(name, data))
    batch.total_files = len(batch.items)
    db.session.add(batch)
    db.session.flush()
    audit.record(
        "import.queue",
        batch,
        actor=actor,
        position=position,
        summary=f"{batch.total_files} file(s)",
    )
    return batch


def _item(name: str, data: bytes) -> ImportItem:
    return ImportItem(
        display_name=clean_display_text(name) or "(unnamed)",
        sha256=hashlib.sha256(data).hexdigest(),
        size_bytes=len(data),
        content=data,
    )


def import_files(
    position: Position,
    files: Iterable[tuple[str, bytes]],
    *,
    manifest: tuple[str, bytes] | None = None,
    actor=None,
    progress: Progress | None = None,
    limits: Limits = DEFAULT_LIMITS,
    workers: int | None = None,
) -> ImportBatch:
    """Import files (zips unpacked in memory) into a position; one report line per file."""
    batch = create_batch(position, files, actor=actor, manifest=manifest)
    return run_batch(batch, actor=actor, progress=progress, limits=limits, workers=workers)


def _manifest_rows(batch: ImportBatch, limits: Limits) -> dict[str, ManifestRow]:
    if batch.manifest is None:
        return {}
    try:
        rows = read_manifest(batch.manifest, batch.manifest_name, limits=limits)
    except ManifestError as exc:
        raise ImportFailed(f"manifest {batch.manifest_name}: {exc}") from exc
    return {_base(row.file): row for row in rows}


def _base(name: str) -> str:
    return name.replace("\\", "/").rsplit("/", 1)[-1].strip().lower()


def _finish_item(batch: ImportBatch, item: ImportItem, outcome: str, reason: str = "") -> None:
    item.outcome, item.reason, item.content = outcome, clean_display_text(reason, 500), None
    if outcome != Outcome.SKIPPED:
        batch.processed += 1
    setattr(batch, outcome, getattr(batch, outcome) + 1)


def _is_zip(item: ImportItem, data: bytes) -> bool:
    return extension_of(item.display_name) == "zip" or (
        data[:4] == b"PK\x03\x04" and extension_of(item.display_name) not in {"docx", "xlsx"}
    )


def _unpack(batch: ImportBatch, limits: Limits) -> None:
    """Replace each pending zip by one item per member; refused members fail with a reason."""
    for item in [i for i in batch.items if i.outcome == Outcome.PENDING]:
        data = item.content or b""
        if not _is_zip(item, data):
            continue
        prefix = item.display_name
        try:
            sniff(data, item.display_name, allowed=frozenset({"zip"}))
            members = list(iter_zip(data, limits=limits))
        except RejectedFile as exc:
            _finish_item(batch, item, Outcome.FAILED, exc.reason)
            continue
        for member in members:
            child = _item(f"{prefix}/{member.name}", getattr(member, "data", b""))
            batch.items.append(child)
            if not isinstance(member, Member):
                _finish_item(batch, child, Outcome.FAILED, member.reason)
        batch.total_files += len(members) - 1
        _finish_item(batch, item, Outcome.SKIPPED, f"archive: {len(members)} file(s) unpacked")
    db.session.flush()


def _load_index(position: Position) -> MatchIndex:
    index = MatchIndex()
    rows = db.session.execute(
        db.select(Candidate.id, Candidate.name, Candidate.emails, Candidate.profile).where(
            Candidate.position_id == position.id, Candidate.merged_into_id.is_(None)
        )
    )
    for cid, name, emails, profile in rows:
        index.add(
            cid, Facts.from_profile(name if (profile or {}).get("name") else "", emails, profile)
        )
    return index


def run_batch(
    batch: ImportBatch,
    *,
    actor=None,
    progress: Progress | None = None,
    limits: Limits = DEFAULT_LIMITS,
    workers: int | None = None,
) -> ImportBatch:
    """Process every pending item of a batch; ImportFailed if the run itself cannot proceed."""
    position = db.session.get(Position, batch.position_id)
    batch.status, batch.started_at = BatchStatus.RUNNING, utcnow()
    try:
        rows = _manifest_rows(batch, limits)
    except ImportFailed as exc:
        batch.status, batch.error, batch.finished_at = BatchStatus.FAILED, str(exc), utcnow()
        raise
    _unpack(batch, limits)
    pending = _dedupe_bytes(batch, position, progress)
    index = _load_index(position)
    by_id = {item.id: item for item in pending}
    contents = dict(
        db.session.execute(
            db.select(ImportItem.id, ImportItem.content).where(
                ImportItem.batch_id == batch.id, ImportItem.outcome == Outcome.PENDING
            )
        ).all()
    )
    jobs = ((item.id, contents.get(item.id) or b"", item.display_name) for item in pending)
    for item_id, extraction in extract_many(
        jobs, limits=limits, workers=workers, extractor=extract_and_parse
    ):
        item, data = by_id[item_id], contents.pop(item_id, None) or b""
        row = rows.get(_base(item.display_name))
        _store_one(batch, item, data, extraction, row, position, index)
        if progress:
            progress(batch, item)
    batch.status, batch.finished_at = BatchStatus.DONE, utcnow()
    audit.record(
        "import.finish",
        batch,
        actor=actor,
        position=position,
        summary=", ".join(f"{n} {k}" for k, n in batch.totals().items()),
        new=batch.totals(),
    )
    db.session.flush()
    return batch


def _dedupe_bytes(batch: ImportBatch, position: Position, progress) -> list[ImportItem]:
    """Items whose bytes are already stored (or earlier in this batch) are 'unchanged'."""
    pending, seen = [], set()
    for item in [i for i in batch.items if i.outcome == Outcome.PENDING]:
        if item.size_bytes == 0:
            _finish_item(batch, item, Outcome.FAILED, "the file is empty")
        elif item.sha256 in seen:
            _finish_item(batch, item, Outcome.UNCHANGED, "same file earlier in this batch")
        elif (doc := candidates.find_document(position, item.sha256)) is not None:
            item.candidate_id, item.document_id = doc.candidate_id, doc.id
            _finish_item(batch, item, Outcome.UNCHANGED, "already imported")
        else:
            seen.add(item.sha256)
            pending.append(item)
            continue
        if progress:
            progress(batch, item)
    db.session.flush()
    return pending


def _store_one(batch, item, data, extraction: Extraction, row, position, index) -> None:
    """Write one file's candidate and document in a savepoint; any error fails this file only."""
    if extraction.status == FAILED or (extraction.status == NO_TEXT_LAYER and row is None):
        _finish_item(batch, item, Outcome.FAILED, extraction.error or "could not be read")
        return
    try:
        with db.session.begin_nested():
            outcome, reason, candidate, document = _write(
                item, data, extraction, row, position, index
            )
    except Exception as exc:  # noqa: BLE001 - one file's failure must not stop the batch
        db.session.expire(item)
        _finish_item(batch, item, Outcome.FAILED, f"could not be stored: {type(exc).__name__}")
        return
    item.candidate_id, item.document_id = candidate.id, document.id
    _finish_item(batch, item, outcome, reason)


def _write(item, data, extraction, row, position, index):
    profile = getattr(extraction, "profile", None) or parse_cv(extraction.text).to_dict()
    tag_evidence(profile, item.display_name)
    if row is not None:
        profile = _override(profile, row)
    stem = _base(item.display_name).rsplit(".", 1)[0].replace("_", " ").replace("-", " ")
    name = profile.get("name") or stem.title() or "Unnamed candidate"
    facts = Facts.from_profile(profile.get("name") or "", profile.get("emails"), profile)
    match = index.match(facts)
    reason = extraction.error if extraction.status == NO_TEXT_LAYER else ""
    if match.candidate_id is not None:
        candidate = db.session.get(Candidate, match.candidate_id)
        candidate.profile = merge_profiles(candidate.profile or {}, profile)
        if row is not None and row.attributes:
            candidate.attributes = {**(candidate.attributes or {}), **row.attributes}
        apply_profile(candidate)
        outcome, reason = Outcome.ATTACHED, match.reason
        audit.record("candidate.attach", candidate, summary=item.display_name)
    else:
        if not profile.get("name"):
            profile.setdefault("flags", []).append("name not found")
        candidate = candidates.create_candidate(
            position,
            name=name,
            name_as_written=profile.get("name_as_written") or "",
            emails=profile.get("emails") or [],
            phone=profile.get("phone") or "",
            links=profile.get("links") or {},
            profile=profile,
            attributes=dict(row.attributes) if row is not None else None,
        )
        outcome = Outcome.NEW
        for other_id, score, evidence in match.possible:
            _add_pair(position, candidate.id, other_id, score, evidence)
    document = candidates.add_document(
        candidate,
        data=data,
        filename=item.display_name,
        media_type=extraction.media_type or "application/octet-stream",
        text=strip_control_chars(extraction.text),
        status=extraction.status,
        error=extraction.error or "",
    )
    index.add(
        candidate.id, Facts.from_profile(profile.get("name") or "", candidate.emails, profile)
    )
    return outcome, reason, candidate, document


def _override(profile: dict, row: ManifestRow) -> dict:
    """Manifest values win over parsed ones; blank manifest cells never erase parsed data."""
    profile = dict(profile)
    evidence = dict(profile.get("evidence") or {})
    if row.name:
        profile["name"] = profile["name_as_written"] = row.name
        evidence["name"] = {"line": row.row, "text": row.name, "document": "manifest"}
    if row.emails:
        parsed = [e for e in profile.get("emails") or [] if e.lower() not in row.emails]
        profile["emails"] = list(row.emails) + parsed
        evidence["emails"] = [{"line": row.row, "text": ", ".join(row.emails)}]
    profile["evidence"] = evidence
    return profile


def _add_pair(position, a: int, b: int, score: float, evidence: dict) -> None:
    low, high = sorted((a, b))
    exists = db.session.scalar(
        db.select(DuplicatePair.id).filter_by(candidate_a_id=low, candidate_b_id=high)
    )
    if exists is None:
        pair = DuplicatePair(
            position_id=position.id,
            candidate_a_id=low,
            candidate_b_id=high,
            score=score,
            evidence=evidence,
        )
        db.session.add(pair)
        db.session.flush()


def find_documents_of(candidate: Candidate) -> list[Document]:
    return list(candidate.documents)
