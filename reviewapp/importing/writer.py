"""Write extracted files to the database a chunk at a time, in bulk.

A chunk's candidates, documents, duplicate pairs and audit entries are written with a few
multi-row Core INSERTs inside one SAVEPOINT. If anything in it fails, the savepoint is rolled
back and the chunk's files are written again one savepoint each, so a bad file fails alone and
never leaves a half-written candidate.

Matching runs before writing: a file of a person created earlier in the same chunk attaches to
that person's provisional (negative) key, which becomes the real id once inserted. Writers of
one position are serialised (an advisory transaction lock on PostgreSQL, the database's write
lock on SQLite) and each chunk first adds the candidates other imports committed meanwhile to
the match index, so parallel imports of overlapping files never create a person twice.
"""

import itertools
from dataclasses import dataclass, field

from sqlalchemy import exc as sa_exc
from sqlalchemy import func, insert, inspect

from reviewapp.audit import AuditEvent
from reviewapp.candidates.models import Candidate, Document
from reviewapp.extensions import db
from reviewapp.importing.dedupe import Facts, MatchIndex
from reviewapp.importing.extract import FAILED, NO_TEXT_LAYER, Extraction
from reviewapp.importing.manifest import ManifestRow
from reviewapp.importing.models import DuplicatePair, ImportBatch, ImportItem, Outcome
from reviewapp.importing.parse import parse_cv
from reviewapp.importing.profiles import apply_profile, merge_profiles, tag_evidence
from reviewapp.importing.rows import base_name, merged_row, new_row, override
from reviewapp.ranking import revision as ranking_revision
from reviewapp.textutil import clean_display_text, strip_control_chars

_LOCK_NAMESPACE = 7_301  # first key of pg_advisory_xact_lock(int, int): "candidate import"


def finish_item(batch: ImportBatch, item: ImportItem, outcome: str, reason: str = "") -> None:
    """Record a file's outcome and count it. The uploaded bytes are dropped in bulk at the end
    of the run (`drop_contents`): setting the deferred column here would make the ORM load
    every expired item one by one to compare its old bytes."""
    item.outcome, item.reason = outcome, clean_display_text(reason, 500)
    if outcome != Outcome.SKIPPED:
        batch.processed += 1
    setattr(batch, outcome, getattr(batch, outcome) + 1)


def drop_contents(batch_id: int) -> None:
    """The uploaded bytes of handled files are no longer needed (documents hold them)."""
    table = ImportItem.__table__
    db.session.execute(
        table.update()
        .where(
            table.c.batch_id == batch_id,
            table.c.outcome != Outcome.PENDING,
            table.c.content.isnot(None),
        )
        .values(content=None)
    )


def _load_items(items: list[ImportItem]) -> None:
    """Load the chunk's items in one query if a commit expired them: the flush of their new
    outcome would otherwise load each one by itself (2 ms per file on SQLite)."""
    states = [inspect(item) for item in items]
    expired = [state.identity[0] for state in states if state.expired and state.identity]
    if expired:
        db.session.scalars(db.select(ImportItem).where(ImportItem.id.in_(expired))).all()


def lock_position(position_id: int) -> None:
    """Serialise candidate writers of one position until the transaction ends (PostgreSQL)."""
    if db.session.get_bind().dialect.name == "postgresql":
        db.session.execute(
            db.select(func.pg_advisory_xact_lock(_LOCK_NAMESPACE, position_id))
        ).all()


def _insert_returning_ids(table, rows: list[dict]) -> list[int]:
    """Insert rows in one statement, returning their new ids in the rows' order.

    PostgreSQL batches INSERT ... RETURNING with the rows' order kept. SQLite cannot promise
    RETURNING's order, so SQLAlchemy would fall back to one statement per row; there the ids
    are assigned here instead, from the largest one, which is what SQLite itself would pick.
    That is safe because the chunk's transaction already holds SQLite's single write lock
    (`ChunkWriter._begin_outer`): nobody else can insert until it commits.
    """
    if db.session.get_bind().dialect.name != "sqlite":
        statement = insert(table).returning(table.c.id, sort_by_parameter_order=True)
        return db.session.execute(statement, rows).scalars().all()
    first = (db.session.execute(db.select(func.max(table.c.id))).scalar() or 0) + 1
    ids = list(range(first, first + len(rows)))
    db.session.execute(
        insert(table), [{**row, "id": id_} for row, id_ in zip(rows, ids, strict=True)]
    )
    return ids


@dataclass
class _Entry:
    """One extracted file; name and sha256 are kept apart from the ORM item, which is expired
    (and would be reloaded row by row) whenever the caller commits."""

    item: ImportItem
    name: str
    sha256: str
    data: bytes
    extraction: Extraction
    row: ManifestRow | None


@dataclass
class _Plan:
    """What one file becomes: its candidate key (an id, or negative while provisional)."""

    entry: _Entry
    key: int
    outcome: str
    reason: str
    profile: dict
    pairs: list = field(default_factory=list)


class ChunkWriter:
    """Collects extracted files and writes them `size` at a time (see the module docstring)."""

    def __init__(self, batch: ImportBatch, *, rows: dict, actor=None, size: int = 64) -> None:
        self.batch, self.rows, self.size = batch, rows, size
        self.batch_id, self.position_id = batch.id, batch.position_id
        self.actor_id = getattr(actor, "id", None)
        self.entries: list[_Entry] = []
        self.index = MatchIndex()
        self.seen_max_id = 0
        self._keys = itertools.count(1)

    def add(self, item: ImportItem, name: str, sha256: str, data: bytes, ex: Extraction) -> None:
        row = self.rows.get(base_name(name))
        self.entries.append(_Entry(item, name, sha256, data, ex, row))

    @property
    def full(self) -> bool:
        return len(self.entries) >= self.size

    def flush(self) -> list[ImportItem]:
        """Write the collected files; returns their items, each with its outcome set."""
        entries, self.entries = self.entries, []
        done = [entry.item for entry in entries]
        _load_items(done)
        entries = [entry for entry in entries if self._readable(entry)]
        if not entries:
            return done
        lock_position(self.position_id)
        self._begin_outer()
        self._refresh_index()
        entries = self._not_stored_meanwhile(entries)
        if not entries:
            return done
        try:
            with db.session.begin_nested():
                self._write(entries)
        except Exception:  # noqa: BLE001 - retried file by file below
            self._reload_index()
            for entry in entries:
                self._write_alone(entry)
        return done

    def _not_stored_meanwhile(self, entries: list[_Entry]) -> list[_Entry]:
        """Files another import stored since this batch checked its bytes are 'unchanged'."""
        shas = {entry.sha256 for entry in entries}
        stored = dict(
            (sha, (doc_id, cid))
            for sha, doc_id, cid in db.session.execute(
                db.select(Document.sha256, Document.id, Document.candidate_id).where(
                    Document.position_id == self.position_id, Document.sha256.in_(shas)
                )
            )
        )
        fresh = []
        for entry in entries:
            if entry.sha256 in stored:
                entry.item.document_id, entry.item.candidate_id = stored[entry.sha256]
                finish_item(self.batch, entry.item, Outcome.UNCHANGED, "already imported")
            else:
                fresh.append(entry)
        return fresh

    def _begin_outer(self) -> None:
        """Make sure the enclosing transaction has begun before the SAVEPOINT. The sqlite3
        driver begins one only at the first INSERT/UPDATE/DELETE, and a SAVEPOINT opened
        outside a transaction commits at its RELEASE: a later rollback (a crash before the
        caller commits) would then keep the chunk while the batch's counters are lost."""
        if db.session.get_bind().dialect.name == "sqlite":
            table = ImportBatch.__table__
            db.session.execute(
                table.update()
                .where(table.c.id == self.batch_id)
                .values(processed=table.c.processed)
            )

    def _readable(self, entry: _Entry) -> bool:
        """False (and the file failed) when there is nothing to store for it."""
        ex = entry.extraction
        if ex.status == FAILED or (ex.status == NO_TEXT_LAYER and entry.row is None):
            finish_item(self.batch, entry.item, Outcome.FAILED, ex.error or "could not be read")
            return False
        return True

    # ------------------------------------------------------------------ index
    def _refresh_index(self) -> None:
        """Add candidates committed since the last look (by this or another import)."""
        rows = db.session.execute(
            db.select(Candidate.id, Candidate.name, Candidate.emails, Candidate.profile).where(
                Candidate.position_id == self.position_id,
                Candidate.merged_into_id.is_(None),
                Candidate.id > self.seen_max_id,
            )
        )
        for cid, name, emails, profile in rows:
            named = name if (profile or {}).get("name") else ""
            self.index.add(cid, Facts.from_profile(named, emails, profile))
            self.seen_max_id = max(self.seen_max_id, cid)

    def _reload_index(self) -> None:
        self.index, self.seen_max_id = MatchIndex(), 0
        self._refresh_index()

    # ------------------------------------------------------------------ planning
    def _plan(self, entry: _Entry, provisional: dict[int, dict]) -> _Plan:
        """Match one file against the index and the chunk's provisional candidates."""
        ex = entry.extraction
        profile = getattr(ex, "profile", None) or parse_cv(ex.text).to_dict()
        tag_evidence(profile, entry.name)
        if entry.row is not None:
            profile = override(profile, entry.row)
        facts = Facts.from_profile(profile.get("name") or "", profile.get("emails"), profile)
        match = self.index.match(facts)
        reason = ex.error if ex.status == NO_TEXT_LAYER else ""
        if match.candidate_id is not None:
            plan = _Plan(entry, match.candidate_id, Outcome.ATTACHED, match.reason, profile)
            if plan.key < 0:
                provisional[plan.key] = merged_row(provisional[plan.key], profile, entry.row)
        else:
            key = -next(self._keys)
            if not profile.get("name") and "name not found" not in profile.get("flags", []):
                profile.setdefault("flags", []).append("name not found")
            provisional[key] = new_row(self.position_id, entry.name, entry.row, profile)
            plan = _Plan(entry, key, Outcome.NEW, reason, profile, list(match.possible))
        emails = provisional[plan.key]["emails"] if plan.key < 0 else facts.emails
        self.index.add(plan.key, facts.with_emails(emails))
        return plan

    # ------------------------------------------------------------------ writing
    def _write(self, entries: list[_Entry]) -> None:
        provisional: dict[int, dict] = {}
        plans = [self._plan(entry, provisional) for entry in entries]
        ids = self._insert_candidates(provisional)
        self._attach_existing(plans)
        real = {plan.key: ids.get(plan.key, plan.key) for plan in plans}
        documents = self._insert_documents(plans, real)
        self._insert_pairs(plans, real)
        self._insert_audit(plans, real, documents)
        db.session.flush()
        for key, cid in ids.items():
            self.index.rename(key, cid)
            self.seen_max_id = max(self.seen_max_id, cid)
        for plan, document_id in zip(plans, documents, strict=True):
            item = plan.entry.item
            item.candidate_id, item.document_id = real[plan.key], document_id
            finish_item(self.batch, item, plan.outcome, plan.reason)

    def _write_alone(self, entry: _Entry) -> None:
        """The slow path after a failed chunk: one savepoint for this one file."""
        try:
            with db.session.begin_nested():
                self._write([entry])
        except sa_exc.IntegrityError:
            self._reload_index()
            existing = db.session.execute(
                db.select(Document.id, Document.candidate_id).filter_by(
                    position_id=self.position_id, sha256=entry.sha256
                )
            ).first()
            if existing is None:
                self._fail(entry, "could not be stored: IntegrityError")
            else:
                entry.item.document_id, entry.item.candidate_id = existing
                finish_item(self.batch, entry.item, Outcome.UNCHANGED, "already imported")
        except Exception as exc:  # noqa: BLE001 - one file's failure must not stop the batch
            self._reload_index()
            self._fail(entry, f"could not be stored: {type(exc).__name__}")

    def _fail(self, entry: _Entry, reason: str) -> None:
        entry.item.candidate_id = entry.item.document_id = None
        finish_item(self.batch, entry.item, Outcome.FAILED, reason)

    def _insert_candidates(self, provisional: dict[int, dict]) -> dict[int, int]:
        if not provisional:
            return {}
        keys = list(provisional)
        ids = _insert_returning_ids(Candidate.__table__, [provisional[k] for k in keys])
        ranking_revision.bump(db.session, [self.position_id])  # Core insert: no ORM listener
        return dict(zip(keys, ids, strict=True))

    def _attach_existing(self, plans: list[_Plan]) -> None:
        """Merge attached profiles into candidates that already existed (ORM: few rows)."""
        by_id: dict[int, list[_Plan]] = {}
        for plan in plans:
            if plan.outcome == Outcome.ATTACHED and plan.key > 0:
                by_id.setdefault(plan.key, []).append(plan)
        if not by_id:
            return
        found = db.session.scalars(db.select(Candidate).where(Candidate.id.in_(by_id)))
        for candidate in found:
            for plan in by_id[candidate.id]:
                candidate.profile = merge_profiles(candidate.profile or {}, plan.profile)
                row = plan.entry.row
                if row is not None and row.attributes:
                    candidate.attributes = {**(candidate.attributes or {}), **row.attributes}
            apply_profile(candidate)

    def _insert_documents(self, plans: list[_Plan], real: dict[int, int]) -> list[int]:
        rows = []
        for plan in plans:
            entry = plan.entry
            ex = entry.extraction
            rows.append(
                {
                    "position_id": self.position_id,
                    "candidate_id": real[plan.key],
                    "sha256": entry.sha256,
                    "media_type": ex.media_type or "application/octet-stream",
                    "original_name": clean_display_text(entry.name) or "document",
                    "size_bytes": len(entry.data),
                    "content": entry.data,
                    "text": ex.text if hasattr(ex, "profile") else strip_control_chars(ex.text),
                    "extraction_status": ex.status,
                    "extraction_error": ex.error or "",
                }
            )
        return _insert_returning_ids(Document.__table__, rows)

    def _insert_pairs(self, plans: list[_Plan], real: dict[int, int]) -> None:
        wanted: dict[tuple[int, int], tuple[float, dict]] = {}
        for plan in plans:
            for other, score, evidence in plan.pairs:
                low, high = sorted((real[plan.key], real.get(other, other)))
                if low != high and low > 0:
                    wanted.setdefault((low, high), (score, evidence))
        if not wanted:
            return
        ids = {cid for pair in wanted for cid in pair}
        existing = db.session.execute(
            db.select(DuplicatePair.candidate_a_id, DuplicatePair.candidate_b_id).where(
                DuplicatePair.candidate_a_id.in_(ids), DuplicatePair.candidate_b_id.in_(ids)
            )
        )
        for pair in existing:
            wanted.pop(tuple(pair), None)
        if wanted:
            db.session.execute(
                insert(DuplicatePair.__table__),
                [
                    {
                        "position_id": self.position_id,
                        "candidate_a_id": low,
                        "candidate_b_id": high,
                        "score": score,
                        "evidence": evidence,
                        "status": "open",
                    }
                    for (low, high), (score, evidence) in wanted.items()
                ],
            )

    def _insert_audit(self, plans: list[_Plan], real: dict[int, int], documents) -> None:
        """Per file: the candidate's creation or attachment, and the document added."""
        rows = []
        for plan, document_id in zip(plans, documents, strict=True):
            name = clean_display_text(plan.entry.name)
            cid = real[plan.key]
            if plan.outcome == Outcome.NEW:
                summary = (plan.profile.get("name") or name)[:255]
                rows.append(self._audit("candidate.create", "candidate", cid, summary, {}))
            else:
                rows.append(self._audit("candidate.attach", "candidate", cid, name, {}))
            new = {"candidate_id": cid, "sha256": plan.entry.sha256, "batch": self.batch_id}
            rows.append(self._audit("document.add", "document", document_id, name, new))
        db.session.execute(insert(AuditEvent.__table__), rows)

    def _audit(self, action: str, kind: str, object_id: int, summary: str, new: dict) -> dict:
        return {
            "actor_id": self.actor_id,
            "position_id": self.position_id,
            "action": action,
            "object_type": kind,
            "object_id": object_id,
            "summary": clean_display_text(summary),
            "old": None,
            "new": new or None,
        }
