"""Backup and restore: a consistent, portable snapshot of every reviewapp table.

The file is a zip holding `manifest.json` and one `tables/<name>.jsonl` per table, rows as JSON
objects in primary-key order, tables in foreign-key dependency order. Values: binary columns
(the stored CVs, `documents.content`) as base64, timestamps as ISO 8601 with their UTC offset,
JSON columns as JSON (a SQL NULL there comes back as JSON null, which is what the app itself
writes for None and reads back as None). The manifest records the format, the app version, the
schema revision (Alembic's `alembic_version`, None for a database made by `create_all`), the
time, the source dialect, and per table the columns, the row count and the sha256 of its file.

What is in it: every row of every table, so every candidate document (their bytes live in
`documents.content`; nothing in the code writes `storage_key`, and a backup refuses a document
whose bytes are not in the database rather than silently missing it). What is not: the instance
folder. The secret key only signs sessions (a restore under another key logs everyone out, nothing
else), and `instance/config.py` and the job queue are deployment state, not data; keeping the key
out of the file means a leaked backup cannot forge sessions. The file still holds personal data
and password hashes: store it as carefully as the database.

Consistency: every table is read in one transaction — REPEATABLE READ, read-only on PostgreSQL,
one `BEGIN` … `ROLLBACK` snapshot on SQLite (WAL) — so concurrent saves are either wholly in the
snapshot or wholly out. Restore is all-or-nothing: the file is verified (format, schema revision,
columns, checksums, counts) before anything is written, then every row is inserted in one
transaction, in dependency order; a failure rolls everything back.

Pure: takes a SQLAlchemy engine, the metadata and paths; no Flask.
"""

from __future__ import annotations

import base64
import hashlib
import io
import json
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime
from decimal import Decimal
from pathlib import Path

from sqlalchemy import (
    Date,
    DateTime,
    Engine,
    LargeBinary,
    MetaData,
    Numeric,
    Table,
    exists,
    func,
    inspect,
    select,
    text,
    update,
)
from sqlalchemy.engine import Connection

FORMAT = "reviewapp-backup"
FORMAT_VERSION = 1
MANIFEST = "manifest.json"
BATCH = 500
# Tables with binary columns (CVs up to MAX_FILE_SIZE each) are read and written in small
# batches, and a restore batch is also cut at BATCH_BYTES, so memory stays bounded.
BINARY_BATCH = 10
BATCH_BYTES = 64 * 1024 * 1024


class BackupError(Exception):
    """A backup or restore that cannot go ahead; the message says why and what to do."""


@dataclass(frozen=True)
class TableSummary:
    name: str
    rows: int


@dataclass(frozen=True)
class Summary:
    path: Path
    schema_revision: str | None
    tables: list[TableSummary]

    @property
    def total_rows(self) -> int:
        return sum(table.rows for table in self.tables)


# ---------------------------------------------------------------- values


def _kind(column) -> str:
    """How a column's values are written: b64, datetime, date, decimal or plain JSON."""
    kind = column.type
    impl = getattr(kind, "impl", kind)
    for candidate in (kind, impl):
        if isinstance(candidate, LargeBinary):
            return "b64"
        if isinstance(candidate, DateTime):
            return "datetime"
        if isinstance(candidate, Date):
            return "date"
        if isinstance(candidate, Numeric) and candidate.asdecimal:
            return "decimal"
    return "plain"


def _encode(value, kind: str):
    if value is None:
        return None
    if kind == "b64":
        return base64.b64encode(bytes(value)).decode("ascii")
    if kind == "datetime":
        if value.tzinfo is None:  # a plain DateTime column: stored naive, kept naive
            return value.isoformat()
        return value.astimezone(UTC).isoformat()
    if kind in ("date", "decimal"):
        return str(value) if kind == "decimal" else value.isoformat()
    return value


def _decode(value, kind: str):
    if value is None:
        return None
    if kind == "b64":
        return base64.b64decode(value, validate=True)
    if kind == "datetime":
        return datetime.fromisoformat(value)
    if kind == "date":
        return date.fromisoformat(value)
    if kind == "decimal":
        return Decimal(value)
    return value


# ---------------------------------------------------------------- helpers


def schema_revision(conn: Connection) -> str | None:
    """The Alembic revision of the database, or None when it has no alembic_version table."""
    if not inspect(conn).has_table("alembic_version"):
        return None
    rows = conn.execute(text("SELECT version_num FROM alembic_version")).scalars().all()
    return ",".join(sorted(rows)) or None


def _pk_order(table: Table):
    return list(table.primary_key.columns) or list(table.columns)


def _self_references(table: Table) -> list[str]:
    """Columns pointing back at their own table (e.g. candidates.merged_into_id): restored as
    NULL first and set once every row exists, whatever the order of ids."""
    return [fk.parent.name for fk in table.foreign_keys if fk.column.table is table]


def app_version() -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("reviewapp")
    except PackageNotFoundError:
        return "unknown"


# ---------------------------------------------------------------- backup


def _snapshot(engine: Engine) -> Connection:
    """A connection inside one read transaction that sees a single snapshot of the data."""
    if engine.dialect.name == "postgresql":
        conn = engine.connect().execution_options(isolation_level="REPEATABLE READ")
        conn.begin()
        conn.execute(text("SET TRANSACTION READ ONLY"))
        return conn
    conn = engine.connect().execution_options(isolation_level="AUTOCOMMIT")
    if engine.dialect.name == "sqlite":
        conn.exec_driver_sql("BEGIN")  # pysqlite would not begin a transaction for reads
    return conn


def _batch_size(kinds: dict[str, str]) -> int:
    return BINARY_BATCH if "b64" in kinds.values() else BATCH


def _rows(conn: Connection, table: Table) -> Iterator[dict]:
    kinds = {column.name: _kind(column) for column in table.columns}
    query = select(table).order_by(*_pk_order(table))
    options = {"stream_results": True, "yield_per": _batch_size(kinds)}
    result = conn.execution_options(**options).execute(query)
    for row in result.mappings():
        yield {name: _encode(row[name], kinds[name]) for name in kinds}


def _check_documents_in_database(conn: Connection, metadata: MetaData) -> None:
    documents = metadata.tables.get("documents")
    if documents is None or "content" not in documents.c:
        return
    outside = conn.execute(
        select(func.count()).select_from(documents).where(documents.c.content.is_(None))
    ).scalar_one()
    if outside:
        raise BackupError(
            f"{outside} document(s) keep their bytes outside the database (storage_key); "
            "this backup only covers documents stored in the database. Nothing was written."
        )


def create_backup(engine: Engine, metadata: MetaData, out: Path | str) -> Summary:
    """Write a snapshot of every table in `metadata` to the zip file `out` (replaced
    atomically: a failed backup leaves no partial file)."""
    out = Path(out)
    partial = out.with_name(out.name + ".partial")
    tables_info, summaries = [], []
    conn = _snapshot(engine)
    try:
        revision = schema_revision(conn)
        _check_documents_in_database(conn, metadata)
        with zipfile.ZipFile(partial, "w", compression=zipfile.ZIP_DEFLATED) as archive:
            for table in metadata.sorted_tables:
                name = f"tables/{table.name}.jsonl"
                digest, count = hashlib.sha256(), 0
                with archive.open(name, "w", force_zip64=True) as member:
                    for row in _rows(conn, table):
                        line = (json.dumps(row, ensure_ascii=False, sort_keys=True) + "\n").encode()
                        digest.update(line)
                        member.write(line)
                        count += 1
                tables_info.append(
                    {
                        "name": table.name,
                        "file": name,
                        "columns": [column.name for column in table.columns],
                        "rows": count,
                        "sha256": digest.hexdigest(),
                    }
                )
                summaries.append(TableSummary(table.name, count))
            manifest = {
                "format": FORMAT,
                "format_version": FORMAT_VERSION,
                "app_version": app_version(),
                "schema_revision": revision,
                "created_at": datetime.now(UTC).isoformat(),
                "source_dialect": engine.dialect.name,
                "tables": tables_info,
            }
            archive.writestr(MANIFEST, json.dumps(manifest, indent=2))
    except BaseException:
        partial.unlink(missing_ok=True)
        raise
    finally:
        if engine.dialect.name == "sqlite":
            conn.exec_driver_sql("ROLLBACK")
        conn.close()
    partial.replace(out)
    return Summary(out, revision, summaries)


# ---------------------------------------------------------------- restore


def read_manifest(archive: zipfile.ZipFile) -> dict:
    try:
        manifest = json.loads(archive.read(MANIFEST))
    except KeyError:
        raise BackupError("This is not a reviewapp backup: it has no manifest.json.") from None
    except ValueError:
        raise BackupError("The backup's manifest.json is not valid JSON.") from None
    if manifest.get("format") != FORMAT:
        raise BackupError("This is not a reviewapp backup (unknown format).")
    if manifest.get("format_version") != FORMAT_VERSION:
        raise BackupError(
            f"Backup format version {manifest.get('format_version')!r} is not supported "
            f"(this reviewapp reads version {FORMAT_VERSION})."
        )
    return manifest


def _verify(archive: zipfile.ZipFile, manifest: dict, metadata: MetaData, revision) -> None:
    """Everything that can be checked before writing: revision, tables, columns, checksums."""
    if manifest.get("schema_revision") != revision:
        raise BackupError(
            f"The backup is of schema revision {manifest.get('schema_revision')!r} but this "
            f"database is at {revision!r}. Restore with the reviewapp release that made the "
            "backup (or bring both to the same revision with 'reviewapp db upgrade')."
        )
    listed = {entry["name"]: entry for entry in manifest["tables"]}
    expected = {table.name for table in metadata.sorted_tables}
    if set(listed) != expected:
        missing, extra = sorted(expected - set(listed)), sorted(set(listed) - expected)
        raise BackupError(f"The backup's tables do not match: missing {missing}, extra {extra}.")
    for table in metadata.sorted_tables:
        entry = listed[table.name]
        columns = [column.name for column in table.columns]
        if sorted(entry["columns"]) != sorted(columns):
            raise BackupError(f"The columns of {table.name!r} in the backup do not match.")
        digest, count = hashlib.sha256(), 0
        try:
            with archive.open(entry["file"]) as member:
                for line in member:
                    digest.update(line)
                    count += 1
        except KeyError:
            raise BackupError(f"The backup has no file for {table.name!r}.") from None
        if digest.hexdigest() != entry["sha256"] or count != entry["rows"]:
            raise BackupError(
                f"The backup's data for {table.name!r} is damaged (checksum or row count "
                "differs). Nothing was restored."
            )


def _is_empty(conn: Connection, metadata: MetaData) -> bool:
    for table in metadata.sorted_tables:
        if conn.execute(select(table).limit(1)).first() is not None:
            return False
    return True


def _batches(archive: zipfile.ZipFile, entry: dict, table: Table) -> Iterator[list[dict]]:
    kinds = {column.name: _kind(column) for column in table.columns}
    nulled = set(_self_references(table))
    size, batch, batch_bytes = _batch_size(kinds), [], 0
    with archive.open(entry["file"]) as member:
        for line in io.TextIOWrapper(member, encoding="utf-8"):
            raw = json.loads(line)
            batch.append({k: None if k in nulled else _decode(raw[k], kinds[k]) for k in kinds})
            batch_bytes += len(line)
            if len(batch) >= size or batch_bytes >= BATCH_BYTES:
                yield batch
                batch, batch_bytes = [], 0
    if batch:
        yield batch


def _restore_self_references(conn, archive, entry: dict, table: Table) -> None:
    columns = _self_references(table)
    if not columns:
        return
    (pk,) = table.primary_key.columns
    stamped = [column for column in table.columns if column.onupdate is not None]
    with archive.open(entry["file"]) as member:
        for line in io.TextIOWrapper(member, encoding="utf-8"):
            raw = json.loads(line)
            values = {c: raw[c] for c in columns if raw[c] is not None}
            if values:
                # Columns with an onupdate (updated_at) keep their backed-up value.
                values |= {c.name: _decode(raw[c.name], _kind(c)) for c in stamped}
                conn.execute(update(table).where(pk == raw[pk.name]).values(**values))


def _reset_sequences(conn: Connection, metadata: MetaData) -> None:
    """PostgreSQL: move each id sequence past the restored ids, so new rows do not collide."""
    for table in metadata.sorted_tables:
        columns = list(table.primary_key.columns)
        if len(columns) != 1 or columns[0].type.python_type is not int:
            continue
        (column,) = columns
        sequence = conn.execute(
            text("SELECT pg_get_serial_sequence(:table, :column)"),
            {"table": table.name, "column": column.name},
        ).scalar_one()
        if sequence is not None:
            highest = select(func.max(column)).scalar_subquery()
            has_rows = exists(select(column))
            conn.execute(select(func.setval(sequence, func.coalesce(highest, 1), has_rows)))


def restore_backup(
    engine: Engine, metadata: MetaData, source: Path | str, *, force: bool = False
) -> Summary:
    """Load the backup into the database: verified first, then all rows in one transaction.

    Refuses a database that holds any row unless `force`, which first empties every table
    (children first) in that same transaction.
    """
    source = Path(source)
    try:
        archive = zipfile.ZipFile(source)
    except (OSError, zipfile.BadZipFile) as error:
        raise BackupError(f"Cannot read {source}: {error}") from None
    with archive, engine.begin() as conn:
        manifest = read_manifest(archive)
        if not inspect(conn).has_table(metadata.sorted_tables[0].name):
            raise BackupError(
                "The database has no reviewapp tables: run 'reviewapp db upgrade' first."
            )
        _verify(archive, manifest, metadata, schema_revision(conn))
        if not _is_empty(conn, metadata):
            if not force:
                raise BackupError(
                    "The database is not empty. Restore into an empty database, or pass "
                    "--force to replace everything in it."
                )
            for table in reversed(metadata.sorted_tables):
                conn.execute(table.delete())
        entries = {entry["name"]: entry for entry in manifest["tables"]}
        summaries = []
        for table in metadata.sorted_tables:
            count = 0
            for batch in _batches(archive, entries[table.name], table):
                conn.execute(table.insert(), batch)
                count += len(batch)
            _restore_self_references(conn, archive, entries[table.name], table)
            summaries.append(TableSummary(table.name, count))
        if conn.dialect.name == "postgresql":
            _reset_sequences(conn, metadata)
    return Summary(source, manifest.get("schema_revision"), summaries)
