"""Interrupted imports (a worker killed mid-run) and the chair's resume; a full disk on upload."""

import errno
import io
import os
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest
from sqlalchemy.exc import OperationalError

from reviewapp.candidates.models import Candidate, Document
from reviewapp.extensions import db
from reviewapp.importing import liveness
from reviewapp.importing import operations as importing
from reviewapp.importing.models import BatchStatus, ImportBatch, ImportItem
from reviewapp.importing.routes import DISK_FULL
from tests import factories

pytestmark = pytest.mark.integration

GIVEN = ["Maria", "Jonas", "Amelie", "Kwame", "Priya", "Daniel", "Sofia", "Omar"]
FAMILIES = ["Becker", "Laurent", "Mensah", "Okafor", "Rossi", "Haddad", "Keller", "Silva"]


def _cv(n: int) -> bytes:
    """A CV of person n (n < 64): every one a different given and family name pair."""
    name = f"{GIVEN[n % 8]} {FAMILIES[n // 8]}"
    email = f"person{n}@example.org"
    return f"{name}\n{email}\n\nEducation\nPhD in Physics, University of Oslo, 2019\n".encode()


class Killed(BaseException):
    """Stands for SIGKILL: nothing after it runs, uncommitted work is lost."""


@pytest.fixture
def lab(app):
    app.config["IMPORT_WORKERS"] = 0
    chair = factories.create_user("chair@example.org")
    yield factories.create_position("lab", chair=chair)
    app.config.pop("IMPORT_WORKERS")


def _kill_after_first_chunk(position, count: int = 10) -> int:
    """Queue `count` files and run the batch until it dies after committing one chunk of 3."""
    files = [(f"cv{n}.txt", _cv(n)) for n in range(count)]
    batch = importing.create_batch(position, files, source="upload")
    db.session.commit()

    def progress(batch, item):
        if batch.processed > 3:
            raise Killed
        db.session.commit()

    with pytest.raises(Killed):
        importing.run_batch(batch, progress=progress, workers=0, chunk_size=3)
    batch_id = batch.id
    db.session.rollback()
    db.session.expire_all()
    return batch_id


def _candidates(position) -> list[str]:
    return sorted(
        db.session.scalars(db.select(Candidate.name).filter_by(position_id=position.id)).all()
    )


def test_import_killed_midway_shows_interrupted_then_resume_finishes(lab, client, auth):
    batch_id = _kill_after_first_chunk(lab)
    assert db.session.get(ImportBatch, batch_id).status == BatchStatus.RUNNING
    assert len(_candidates(lab)) == 3  # the committed chunk, nothing of the lost one
    auth.login("chair@example.org")
    history = client.get("/p/lab/imports/").get_data(as_text=True)
    assert '<span class="text-danger">interrupted</span>' in history
    page = client.get(f"/p/lab/imports/{batch_id}").get_data(as_text=True)
    assert "3 of 10 file(s) were handled" in page
    assert "7 file(s) were not handled yet" in page
    assert 'id="resume-form"' in page
    status = client.get(f"/p/lab/imports/{batch_id}/status").get_json()
    assert (status["status"], status["processed"], status["finished"]) == ("interrupted", 3, True)

    response = auth.post(f"/p/lab/imports/{batch_id}/resume")
    assert response.status_code == 302
    db.session.expire_all()
    batch = db.session.get(ImportBatch, batch_id)
    assert batch.status == BatchStatus.DONE
    assert batch.totals() == {"new": 10, "attached": 0, "unchanged": 0, "failed": 0, "skipped": 0}
    assert batch.processed == batch.total_files == 10
    names = _candidates(lab)
    assert len(names) == len(set(names)) == 10
    documents = db.session.scalar(db.select(db.func.count(Document.id)))
    assert documents == 10
    pending = db.session.scalar(
        db.select(db.func.count(ImportItem.id)).filter_by(batch_id=batch_id, outcome="pending")
    )
    assert pending == 0


def test_resume_without_csrf_400_batch_stays_interrupted(lab, client, auth, app):
    batch_id = _kill_after_first_chunk(lab)
    auth.login("chair@example.org")
    client.get(f"/p/lab/imports/{batch_id}")  # the page notices the dead worker
    app.config["WTF_CSRF_ENABLED"] = True
    response = client.post(f"/p/lab/imports/{batch_id}/resume", data={})
    assert response.status_code == 400
    db.session.expire_all()
    assert db.session.get(ImportBatch, batch_id).status == BatchStatus.INTERRUPTED
    assert len(_candidates(lab)) == 3


def test_resume_of_finished_batch_refused(lab, client, auth):
    batch = importing.import_files(lab, [("a.txt", _cv(1))], workers=0)
    db.session.commit()
    auth.login("chair@example.org")
    response = auth.post(f"/p/lab/imports/{batch.id}/resume", follow_redirects=True)
    assert "Only an interrupted import can be resumed." in response.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(ImportBatch, batch.id).status == BatchStatus.DONE


def test_running_batch_with_live_worker_not_interrupted(lab):
    batch = importing.create_batch(lab, [("a.txt", _cv(1))])
    batch.status = BatchStatus.RUNNING
    db.session.commit()
    with liveness.holding(batch.id):
        assert liveness.is_running(batch.id)
        assert importing.mark_interrupted(batch) is False
    assert not liveness.is_running(batch.id)
    assert importing.mark_interrupted(batch) is True
    assert batch.status == BatchStatus.INTERRUPTED


def test_cli_process_killed_midway_resume_adds_no_duplicates(app, lab, tmp_path):
    """A real kill -9 of `reviewapp import` while it runs, on the test's own database."""
    folder = tmp_path / "cvs"
    folder.mkdir()
    for n in range(60):
        (folder / f"cv{n:02d}.txt").write_bytes(_cv(n))
    env = {
        **os.environ,
        "REVIEWAPP_DATABASE_URL": db.engine.url.render_as_string(hide_password=False),
        "REVIEWAPP_INSTANCE_PATH": app.instance_path,
        "REVIEWAPP_IMPORT_SLOW_SECONDS": "0.05",  # see slow_import.py
    }
    script = Path(__file__).parent / "slow_import.py"
    process = subprocess.Popen([sys.executable, str(script), "lab", str(folder)], env=env)
    try:
        deadline = time.monotonic() + 60
        processed = 0
        while time.monotonic() < deadline and processed < 5:
            time.sleep(0.2)
            db.session.rollback()
            processed = db.session.scalar(db.select(db.func.max(ImportBatch.processed))) or 0
        assert processed >= 5, "the import made no progress"
    finally:
        process.kill()
        process.wait()
    db.session.rollback()
    batch = db.session.scalar(db.select(ImportBatch))
    assert batch.status == BatchStatus.RUNNING and batch.processed < 60
    assert importing.mark_interrupted(batch) is True
    done = len(_candidates(lab))
    assert done == batch.new  # only committed chunks, none half-written
    importing.resume_batch(batch, actor=None)
    importing.run_batch(batch, workers=0)
    db.session.commit()
    names = _candidates(lab)
    assert len(names) == len(set(names)) == 60
    assert batch.totals()["new"] == 60


def _upload(auth, files):
    data = {"files": [(io.BytesIO(content), name) for name, content in files]}
    return auth.post("/p/lab/imports/", data, content_type="multipart/form-data")


def test_upload_disk_full_while_spooling_clear_error_nothing_stored(lab, client, auth, monkeypatch):
    from flask import Request

    def no_space(self, *args, **kwargs):
        raise OSError(errno.ENOSPC, "No space left on device")

    auth.login("chair@example.org")
    token = auth.csrf_token("/p/lab/imports/")
    monkeypatch.setattr(Request, "_get_file_stream", no_space)
    response = client.post(
        "/p/lab/imports/",
        data={"csrf_token": token, "files": [(io.BytesIO(_cv(1)), "a.txt")]},
        content_type="multipart/form-data",
    )
    assert response.status_code == 303
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert DISK_FULL in page
    assert db.session.scalar(db.select(db.func.count(ImportBatch.id))) == 0


def test_upload_database_disk_full_clear_error_nothing_stored(lab, client, auth, monkeypatch):
    real = importing.create_batch

    def full(*args, **kwargs):
        real(*args, **kwargs)  # rows are flushed, then the database runs out of room
        raise OperationalError("INSERT", {}, sqlite3.OperationalError("database or disk is full"))

    monkeypatch.setattr(importing, "create_batch", full)
    auth.login("chair@example.org")
    response = _upload(auth, [("a.txt", _cv(1)), ("b.txt", _cv(2))])
    assert response.status_code == 303
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert DISK_FULL in page
    assert db.session.scalar(db.select(db.func.count(ImportBatch.id))) == 0
    assert db.session.scalar(db.select(db.func.count(ImportItem.id))) == 0
