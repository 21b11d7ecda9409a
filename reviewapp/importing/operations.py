"""The import pipeline: files → batch items → (parallel) text and profile → candidates.

Workers extract and parse; this process writes the results a chunk at a time (writer.py), each
chunk in a SAVEPOINT, so a bad file never half-writes a candidate and never stops the batch.
Operations flush and audit; the caller commits (the `progress` callback may commit, which is
how the CLI and the background job publish progress and keep what is done if stopped).
"""

import hashlib
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from reviewapp import audit
from reviewapp.candidates.models import Candidate, Document
from reviewapp.db import utcnow
from reviewapp.extensions import db
from reviewapp.importing import liveness
from reviewapp.importing.archive import Member, iter_zip
from reviewapp.importing.isolate import extract_in_background, warm_up
from reviewapp.importing.limits import DEFAULT_LIMITS, Limits
from reviewapp.importing.manifest import ManifestError, ManifestRow, read_manifest
from reviewapp.importing.models import BatchStatus, ImportBatch, ImportItem, Outcome
from reviewapp.importing.rows import base_name
from reviewapp.importing.sniff import RejectedFile, extension_of, sniff
from reviewapp.importing.tasks import extract_and_parse
from reviewapp.importing.writer import ChunkWriter, drop_contents, finish_item
from reviewapp.positions.models import Position
from reviewapp.textutil import clean_display_text

CHUNK_SECONDS = 0.5

Progress = Callable[[ImportBatch, ImportItem], None]


def commit_every(seconds: float = 0.5) -> Progress:
    """A progress callback that commits at most every `seconds`: the batch's state is published
    for the status page and survives a crash, without one fsync per file."""
    last, finished = [0.0], [False]

    def progress(batch: ImportBatch, item: ImportItem) -> None:
        now = time.monotonic()
        done = batch.processed >= batch.total_files
        if now - last[0] >= seconds or (done and not finished[0]):
            db.session.commit()
            last[0], finished[0] = now, done

    return progress


class ImportFailed(Exception):
    """The run itself failed (e.g. an invalid manifest): nothing was imported."""


class ResumeRefused(Exception):
    """Only an interrupted batch can be resumed."""


def mark_interrupted(batch: ImportBatch) -> bool:
    """Call a "running" batch that nobody is working on interrupted; True if it was.

    The conditional UPDATE cannot overwrite a final status that its (dying) process managed to
    commit meanwhile: it waits for that transaction, then finds the status no longer running.
    """
    if batch.status != BatchStatus.RUNNING or liveness.is_running(batch.id):
        return False
    done = f"{batch.processed} of {batch.total_files} file(s) were handled"
    error = f"The import stopped before it finished ({done}); resume it to finish the rest."
    changed = db.session.execute(
        db.update(ImportBatch)
        .where(ImportBatch.id == batch.id, ImportBatch.status == BatchStatus.RUNNING)
        .values(status=BatchStatus.INTERRUPTED, error=error)
        .execution_options(synchronize_session=False)
    ).rowcount
    db.session.refresh(batch)
    if changed:
        audit.record("import.interrupted", batch, summary=done)
    return bool(changed)


def mark_interrupted_in(position: Position) -> int:
    """mark_interrupted for every running batch of a position (the import pages call it)."""
    running = db.session.scalars(
        db.select(ImportBatch).filter_by(position_id=position.id, status=BatchStatus.RUNNING)
    ).all()
    return sum(mark_interrupted(batch) for batch in running)


def resume_batch(batch: ImportBatch, *, actor) -> ImportBatch:
    """Queue an interrupted batch again: only its files still pending will be processed."""
    if batch.status != BatchStatus.INTERRUPTED:
        raise ResumeRefused("Only an interrupted import can be resumed.")
    batch.status, batch.error, batch.finished_at = BatchStatus.QUEUED, "", None
    db.session.flush()
    left = batch.total_files - batch.processed
    audit.record("import.resume", batch, actor=actor, summary=f"{left} file(s) left")
    return batch


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
    if workers != 0:
        warm_up()  # the worker pool's server imports the readers while the batch is stored
    batch = create_batch(position, files, actor=actor, manifest=manifest)
    return run_batch(batch, actor=actor, progress=progress, limits=limits, workers=workers)


def _manifest_rows(batch: ImportBatch, limits: Limits) -> dict[str, ManifestRow]:
    if batch.manifest is None:
        return {}
    try:
        rows = read_manifest(batch.manifest, batch.manifest_name, limits=limits)
    except ManifestError as exc:
        raise ImportFailed(f"manifest {batch.manifest_name}: {exc}") from exc
    return {base_name(row.file): row for row in rows}


def _is_zip(item: ImportItem, data: bytes) -> bool:
    return extension_of(item.display_name) == "zip" or (
        data[:4] == b"PK\x03\x04" and extension_of(item.display_name) not in {"docx", "xlsx"}
    )


def _unpack(batch: ImportBatch, limits: Limits) -> None:
    """Replace each pending zip by one item per member; refused members fail with a reason."""
    for item in [i for i in batch.items if i.outcome == Outcome.PENDING]:
        if not _is_zip(item, item.content or b""):
            continue
        data, prefix = item.content or b"", item.display_name
        try:
            sniff(data, item.display_name, allowed=frozenset({"zip"}))
            members = list(iter_zip(data, limits=limits))
        except RejectedFile as exc:
            finish_item(batch, item, Outcome.FAILED, exc.reason)
            continue
        for member in members:
            child = _item(f"{prefix}/{member.name}", getattr(member, "data", b""))
            batch.items.append(child)
            if not isinstance(member, Member):
                finish_item(batch, child, Outcome.FAILED, member.reason)
        batch.total_files += len(members) - 1
        finish_item(batch, item, Outcome.SKIPPED, f"archive: {len(members)} file(s) unpacked")
    db.session.flush()


@dataclass(frozen=True)
class _Pending:
    """A file still to process, as plain values: ORM items expire at every commit."""

    item: ImportItem
    id: int
    name: str
    sha256: str
    size: int


def _pending(batch: ImportBatch) -> list[_Pending]:
    items = {item.id: item for item in batch.items}
    rows = db.session.execute(
        db.select(ImportItem.id, ImportItem.display_name, ImportItem.sha256, ImportItem.size_bytes)
        .where(ImportItem.batch_id == batch.id, ImportItem.outcome == Outcome.PENDING)
        .order_by(ImportItem.id)
    )
    return [_Pending(items[i], i, name, sha, size) for i, name, sha, size in rows]


def _contents(files: list[_Pending], store: dict, step: int = 32):
    """(id, bytes, name) per file, the bytes read from the database a few files at a time so
    that a large batch never sits in memory whole; `store` keeps them until written."""
    for start in range(0, len(files), step):
        group = files[start : start + step]
        store.update(
            db.session.execute(
                db.select(ImportItem.id, ImportItem.content).where(
                    ImportItem.id.in_([file.id for file in group])
                )
            ).all()
        )
        for file in group:
            yield file.id, store.get(file.id) or b"", file.name


def run_batch(
    batch: ImportBatch,
    *,
    actor=None,
    progress: Progress | None = None,
    limits: Limits = DEFAULT_LIMITS,
    workers: int | None = None,
    chunk_size: int = 64,
) -> ImportBatch:
    """Process every pending item of a batch; ImportFailed if the run itself cannot proceed.

    Files are extracted and parsed in the worker pool; results are written in chunks
    (`writer.ChunkWriter`), and `progress` is called for every file once its chunk is written.
    A chunk is also written when results have waited `CHUNK_SECONDS`, so progress keeps moving.
    """
    with liveness.holding(batch.id):
        return _run_batch(batch, actor, progress, limits, workers, chunk_size)


def _run_batch(batch, actor, progress, limits, workers, chunk_size) -> ImportBatch:
    position = db.session.get(Position, batch.position_id)
    batch.status, batch.started_at, batch.error = BatchStatus.RUNNING, utcnow(), ""
    try:
        rows = _manifest_rows(batch, limits)
    except ImportFailed as exc:
        batch.status, batch.error, batch.finished_at = BatchStatus.FAILED, str(exc), utcnow()
        raise
    _unpack(batch, limits)
    pending = _dedupe_bytes(batch, position, _pending(batch), progress)
    by_id = {file.id: file for file in pending}
    store: dict[int, bytes | None] = {}
    writer = ChunkWriter(batch, rows=rows, actor=actor, size=chunk_size)
    last_write = time.monotonic()

    def write() -> None:
        nonlocal last_write
        for item in writer.flush():
            if progress:
                progress(batch, item)
        last_write = time.monotonic()

    results = extract_in_background(
        _contents(pending, store), limits=limits, workers=workers, extractor=extract_and_parse
    )
    for item_id, extraction in results:
        file = by_id[item_id]
        writer.add(file.item, file.name, file.sha256, store.pop(item_id, None) or b"", extraction)
        if writer.full or time.monotonic() - last_write >= CHUNK_SECONDS:
            write()
    write()
    drop_contents(batch.id)
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


def _dedupe_bytes(batch: ImportBatch, position: Position, files: list[_Pending], progress):
    """Files whose bytes are already stored (or earlier in this batch) are 'unchanged'."""
    stored: dict[str, tuple[int, int]] = {}
    shas = sorted({file.sha256 for file in files})
    for start in range(0, len(shas), 500):
        rows = db.session.execute(
            db.select(Document.sha256, Document.id, Document.candidate_id).where(
                Document.position_id == position.id, Document.sha256.in_(shas[start : start + 500])
            )
        )
        stored.update((sha, (doc_id, cid)) for sha, doc_id, cid in rows)
    pending, seen = [], set()
    for file in files:
        item = file.item
        if file.size == 0:
            finish_item(batch, item, Outcome.FAILED, "the file is empty")
        elif file.sha256 in seen:
            finish_item(batch, item, Outcome.UNCHANGED, "same file earlier in this batch")
        elif file.sha256 in stored:
            item.document_id, item.candidate_id = stored[file.sha256]
            finish_item(batch, item, Outcome.UNCHANGED, "already imported")
        else:
            seen.add(file.sha256)
            pending.append(file)
            continue
        if progress:
            progress(batch, item)
    db.session.flush()
    return pending


def find_documents_of(candidate: Candidate) -> list[Document]:
    return list(candidate.documents)
