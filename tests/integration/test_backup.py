"""`reviewapp backup` / `reviewapp restore`: a round trip keeps every row of every table."""

import hashlib
import json
import zipfile

import pytest
from sqlalchemy import create_engine, func, select, text

from reviewapp import backup
from reviewapp.auth.models import User
from reviewapp.candidates import operations as candidates
from reviewapp.candidates.models import Candidate, Document
from reviewapp.cli import main
from reviewapp.config import normalise_database_url
from reviewapp.db import install_sqlite_pragmas
from reviewapp.extensions import db
from reviewapp.positions.models import Position
from tests import factories
from tests.conftest import postgres_url, skip_or_fail

pytestmark = pytest.mark.integration

BINARY = bytes(range(256)) * 3  # every byte value, not valid UTF-8


def build_committee() -> dict:
    """The ranked committee (reviews, scores, a conflict, audit events) plus documents with
    binary bytes and a candidate merged into a later one (a self-reference to a higher id)."""
    committee = factories.create_ranked_committee()
    position = committee["position"]
    old = factories.create_candidate(position, "Old Record", text="Old CV")
    new = factories.create_candidate(position, "New Record", text="New CV ünïcode")
    candidates.add_document(
        new, data=BINARY, filename="scan.pdf", media_type="application/pdf", text="", status="ok"
    )
    old.merged_into_id = new.id
    db.session.commit()
    return committee


def snapshot(conn) -> dict[str, list[tuple]]:
    """Every table's rows as Python values, in primary-key order."""
    return {
        table.name: [tuple(row) for row in conn.execute(select(table).order_by(*table.primary_key))]
        for table in db.metadata.sorted_tables
    }


def current_rows() -> dict[str, list[tuple]]:
    db.session.remove()
    with db.engine.connect() as conn:
        return snapshot(conn)


@pytest.fixture
def empty_sqlite(tmp_path):
    engine = create_engine(f"sqlite:///{tmp_path / 'target.sqlite'}")
    install_sqlite_pragmas(engine)
    db.metadata.create_all(engine)
    yield engine
    engine.dispose()


def rewrite(source, target, *, table: str, edit, fix_checksum: bool = True) -> None:
    """Copy a backup, passing one table's JSON lines through `edit`."""
    with zipfile.ZipFile(source) as old, zipfile.ZipFile(target, "w") as new:
        manifest = json.loads(old.read("manifest.json"))
        for entry in manifest["tables"]:
            data = old.read(entry["file"])
            if entry["name"] == table:
                lines = [json.loads(line) for line in data.decode().splitlines()]
                data = "".join(json.dumps(row) + "\n" for row in edit(lines)).encode()
                if fix_checksum:
                    entry["sha256"] = hashlib.sha256(data).hexdigest()
                    entry["rows"] = len(data.splitlines())
            new.writestr(entry["file"], data)
        new.writestr("manifest.json", json.dumps(manifest))


def test_backup_round_trip_into_empty_database_keeps_every_row(app, tmp_path, empty_sqlite):
    build_committee()
    before = current_rows()
    out = tmp_path / "backup.zip"
    summary = backup.create_backup(db.engine, db.metadata, out)
    assert summary.schema_revision is None  # the test schema comes from create_all
    assert {t.name: t.rows for t in summary.tables} == {k: len(v) for k, v in before.items()}
    assert len(before["documents"]) == 3 and len(before["scores"]) == 16
    assert len(before["audit_events"]) > 20

    restored = backup.restore_backup(empty_sqlite, db.metadata, out)
    assert restored.total_rows == summary.total_rows
    with empty_sqlite.connect() as conn:
        after = snapshot(conn)
        stored = conn.execute(select(Document.content).where(Document.size_bytes == 768)).all()
    assert after == before  # also PostgreSQL -> SQLite when this runs on PostgreSQL
    assert stored == [(BINARY,)]


def test_backup_from_sqlite_restores_into_postgresql(app, tmp_path):
    """Cross-restore into a schema of its own in the PostgreSQL test database."""
    if db.engine.dialect.name != "sqlite":
        pytest.skip(reason="the SQLite -> PostgreSQL direction starts from SQLite")
    if postgres_url() is None:
        skip_or_fail("PostgreSQL: TEST_DATABASE_URL is not set")
    build_committee()
    before = current_rows()
    out = tmp_path / "backup.zip"
    backup.create_backup(db.engine, db.metadata, out)
    url = normalise_database_url(postgres_url())
    admin = create_engine(url)
    with admin.begin() as conn:
        conn.execute(text("DROP SCHEMA IF EXISTS backup_cross CASCADE"))
        conn.execute(text("CREATE SCHEMA backup_cross"))
    target = create_engine(url, connect_args={"options": "-csearch_path=backup_cross"})
    try:
        db.metadata.create_all(target)
        backup.restore_backup(target, db.metadata, out)
        with target.connect() as conn:
            assert snapshot(conn) == before
        with target.begin() as conn:  # the id sequences continue after the restored ids
            users = User.__table__
            new_id = conn.execute(
                users.insert()
                .values(email="next@uni.example", display_name="Next", session_token="t")
                .returning(users.c.id)
            ).scalar_one()
        assert new_id == max(row[0] for row in before["users"]) + 1
    finally:
        target.dispose()
        with admin.begin() as conn:
            conn.execute(text("DROP SCHEMA backup_cross CASCADE"))
        admin.dispose()


def test_backup_round_trip_in_small_batches(app, tmp_path, empty_sqlite, monkeypatch):
    """Batches cut by count and by bytes (as for big CVs) lose and repeat nothing."""
    monkeypatch.setattr(backup, "BATCH", 3)
    monkeypatch.setattr(backup, "BINARY_BATCH", 2)
    monkeypatch.setattr(backup, "BATCH_BYTES", 700)
    build_committee()
    before = current_rows()
    out = tmp_path / "backup.zip"
    backup.create_backup(db.engine, db.metadata, out)
    backup.restore_backup(empty_sqlite, db.metadata, out)
    with empty_sqlite.connect() as conn:
        assert snapshot(conn) == before


def test_backup_manifest_describes_each_table(app, tmp_path):
    build_committee()
    before = current_rows()
    out = tmp_path / "backup.zip"
    backup.create_backup(db.engine, db.metadata, out)
    with zipfile.ZipFile(out) as archive:
        manifest = json.loads(archive.read("manifest.json"))
        files = {entry["name"]: archive.read(entry["file"]) for entry in manifest["tables"]}
    assert (manifest["format"], manifest["format_version"], manifest["app_version"]) == (
        "reviewapp-backup",
        1,
        "0.1.0",
    )
    assert manifest["source_dialect"] == db.engine.dialect.name
    assert [entry["name"] for entry in manifest["tables"]] == [
        table.name for table in db.metadata.sorted_tables
    ]
    for entry in manifest["tables"]:
        assert entry["rows"] == len(before[entry["name"]])
        assert entry["sha256"] == hashlib.sha256(files[entry["name"]]).hexdigest()
    first_user = json.loads(files["users"].splitlines()[0])
    assert first_user["email"] == "chair@uni.example"
    assert first_user["created_at"].endswith("+00:00")


def test_restore_force_replaces_everything_and_new_ids_follow(app, runner, tmp_path):
    position_id = build_committee()["position"].id
    before = current_rows()
    out = tmp_path / "backup.zip"
    result = runner.invoke(main, ["backup", str(out)])
    assert result.exit_code == 0, result.output
    assert f"Backed up {sum(map(len, before.values()))} rows in" in result.output
    factories.create_user("later@uni.example")
    factories.create_candidate(db.session.get(Position, position_id), "Later Candidate")

    result = runner.invoke(main, ["restore", str(out), "--force"])
    assert result.exit_code == 0, result.output
    assert current_rows() == before
    max_user = max(row[0] for row in before["users"])
    assert factories.create_user("after@uni.example").id == max_user + 1  # sequences reset


def test_restore_refuses_a_database_that_is_not_empty(app, runner, tmp_path):
    build_committee()
    out = tmp_path / "backup.zip"
    backup.create_backup(db.engine, db.metadata, out)
    factories.create_user("later@uni.example")
    before = current_rows()
    result = runner.invoke(main, ["restore", str(out)])
    assert result.exit_code == 1
    assert "Nothing restored. The database is not empty." in result.output
    assert "--force" in result.output
    assert current_rows() == before


def test_restore_refuses_another_schema_revision(app, tmp_path, empty_sqlite):
    build_committee()
    out, other = tmp_path / "backup.zip", tmp_path / "other.zip"
    backup.create_backup(db.engine, db.metadata, out)
    with zipfile.ZipFile(out) as old, zipfile.ZipFile(other, "w") as new:
        for name in old.namelist():
            data = old.read(name)
            if name == "manifest.json":
                data = json.dumps({**json.loads(data), "schema_revision": "0099_future"})
            new.writestr(name, data)
    with pytest.raises(backup.BackupError, match="schema revision '0099_future' but this"):
        backup.restore_backup(empty_sqlite, db.metadata, other)
    with empty_sqlite.connect() as conn:
        assert conn.execute(select(func.count()).select_from(User.__table__)).scalar() == 0


def test_restore_refuses_a_damaged_file_and_writes_nothing(app, tmp_path, empty_sqlite):
    build_committee()
    out, damaged = tmp_path / "backup.zip", tmp_path / "damaged.zip"
    backup.create_backup(db.engine, db.metadata, out)

    def change_name(rows):
        rows[0]["name"] = "Someone Else"
        return rows

    rewrite(out, damaged, table="candidates", edit=change_name, fix_checksum=False)
    with pytest.raises(backup.BackupError, match="data for 'candidates' is damaged"):
        backup.restore_backup(empty_sqlite, db.metadata, damaged)
    with empty_sqlite.connect() as conn:
        assert snapshot(conn) == {table.name: [] for table in db.metadata.sorted_tables}


def test_restore_is_all_or_nothing_when_a_late_row_fails(app, tmp_path, empty_sqlite):
    build_committee()
    out, broken = tmp_path / "backup.zip", tmp_path / "broken.zip"
    backup.create_backup(db.engine, db.metadata, out)

    def orphan_score(rows):
        rows[-1]["criterion_id"] = 999_999  # a foreign key to nothing, in the last table
        return rows

    rewrite(out, broken, table="scores", edit=orphan_score)
    with pytest.raises(Exception, match="FOREIGN KEY|foreign key"):
        backup.restore_backup(empty_sqlite, db.metadata, broken)
    with empty_sqlite.connect() as conn:
        assert snapshot(conn) == {table.name: [] for table in db.metadata.sorted_tables}


def test_restore_refuses_what_is_not_a_backup(app, tmp_path, empty_sqlite):
    not_zip = tmp_path / "notes.zip"
    not_zip.write_bytes(b"plain text")
    with pytest.raises(backup.BackupError, match="Cannot read"):
        backup.restore_backup(empty_sqlite, db.metadata, not_zip)
    other_zip = tmp_path / "other.zip"
    with zipfile.ZipFile(other_zip, "w") as archive:
        archive.writestr("hello.txt", "hi")
    with pytest.raises(backup.BackupError, match="no manifest.json"):
        backup.restore_backup(empty_sqlite, db.metadata, other_zip)


def test_restore_into_a_database_without_tables_says_to_upgrade(app, tmp_path):
    factories.create_user()
    out = tmp_path / "backup.zip"
    backup.create_backup(db.engine, db.metadata, out)
    bare = create_engine(f"sqlite:///{tmp_path / 'bare.sqlite'}")
    with pytest.raises(backup.BackupError, match="run 'reviewapp db upgrade' first"):
        backup.restore_backup(bare, db.metadata, out)
    bare.dispose()


def test_backup_reads_one_snapshot(app):
    """A row committed while the backup is reading is not in it (REPEATABLE READ / BEGIN)."""
    factories.create_user("first@uni.example")
    db.session.remove()
    conn = backup._snapshot(db.engine)
    try:
        count = select(func.count()).select_from(User.__table__)
        assert conn.execute(count).scalar() == 1
        factories.create_user("during@uni.example")
        db.session.remove()
        assert conn.execute(count).scalar() == 1
    finally:
        if db.engine.dialect.name == "sqlite":
            conn.exec_driver_sql("ROLLBACK")
        conn.close()
    with db.engine.connect() as fresh:
        assert fresh.execute(count).scalar() == 2


def test_backup_refuses_documents_outside_the_database(app, tmp_path):
    position = factories.create_position()
    candidate = factories.create_candidate(position)
    db.session.execute(Document.__table__.update().values(content=None, storage_key="ab/cdef"))
    db.session.commit()
    out = tmp_path / "backup.zip"
    with pytest.raises(backup.BackupError, match="1 document\\(s\\) keep their bytes outside"):
        backup.create_backup(db.engine, db.metadata, out)
    assert not out.exists() and not (tmp_path / "backup.zip.partial").exists()
    assert db.session.get(Candidate, candidate.id) is not None
