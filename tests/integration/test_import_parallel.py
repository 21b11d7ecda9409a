"""Parallel imports of overlapping zips into one position: nobody is created twice, nothing is
half-written (security-tests.md: concurrency). Runs with 20 threads on PostgreSQL."""

import io
import threading
import zipfile

import pytest

from reviewapp import create_app
from reviewapp.candidates.models import Candidate, Document
from reviewapp.extensions import db
from reviewapp.importing import operations as importing
from reviewapp.importing.models import ImportBatch, ImportItem
from reviewapp.positions.models import Position
from tests import factories

pytestmark = pytest.mark.integration

GIVEN = ["Maria", "Jonas", "Amelie", "Kwame", "Priya", "Daniel"]
FAMILY = ["Becker", "Laurent", "Mensah", "Okafor", "Rossi"]
PEOPLE = 30


def _person(n: int) -> tuple[str, str]:
    return f"{GIVEN[n % 6]} {FAMILY[n // 6]}", f"person{n}@example.org"


def _cv(n: int, version: int) -> bytes:
    """Two different files (bytes) of the same person: version 0 (.txt) and 1 (.md)."""
    name, email = _person(n)
    body = f"{name}\n{email}\n\nEducation\nPhD in Physics, University of Oslo, 2019\n"
    return (body if version == 0 else f"# {name}\n\n" + body.split("\n", 1)[1]).encode()


def _zip(k: int) -> bytes:
    """Zip k holds ten people k..k+9 (wrapping), the even ones as .txt, the odd ones as .md,
    and zip k+1 has the other version of most of them: overlapping bytes and overlapping
    people."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as zf:
        for n in range(k, k + 10):
            person = n % PEOPLE
            version = (person + k) % 2
            zf.writestr(f"cv{person}.{'md' if version else 'txt'}", _cv(person, version))
    return buffer.getvalue()


@pytest.fixture
def wide_app(app):
    """The same database through an app whose pool has a connection for every thread (an
    import holds two: its session's and the one keeping its liveness lock)."""
    url = db.engine.url.render_as_string(hide_password=False)
    wide = create_app(
        test_config={
            "TESTING": True,
            "SECRET_KEY": "test-secret-key",
            "SQLALCHEMY_DATABASE_URI": url,
            "SQLALCHEMY_ENGINE_OPTIONS": {"pool_size": 45, "max_overflow": 0},
        }
    )
    yield wide
    with wide.app_context():
        db.engine.dispose()


def test_parallel_overlapping_imports_no_duplicate_or_half_written(app, wide_app):
    threads = 20 if db.engine.dialect.name == "postgresql" else 4
    position = factories.create_position()
    position_id = position.id
    errors: list[BaseException] = []
    start = threading.Barrier(threads)

    def run(k: int) -> None:
        with wide_app.app_context():
            try:
                position = db.session.get(Position, position_id)
                start.wait(timeout=60)
                importing.import_files(position, [(f"z{k}.zip", _zip(k))], workers=0)
                db.session.commit()
            except BaseException as exc:  # noqa: BLE001 - reported below
                errors.append(exc)
            finally:
                db.session.remove()

    workers = [threading.Thread(target=run, args=(k,)) for k in range(threads)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(timeout=300)
    assert errors == []
    db.session.expire_all()

    people = {_person(n % PEOPLE)[1] for k in range(threads) for n in range(k, k + 10)}
    candidates = db.session.scalars(db.select(Candidate).filter_by(position_id=position_id)).all()
    emails = sorted(email for candidate in candidates for email in candidate.emails)
    assert emails == sorted(people)  # one candidate per person, none twice
    files = {
        _cv(n % PEOPLE, (n % PEOPLE + k) % 2) for k in range(threads) for n in range(k, k + 10)
    }
    documents = db.session.scalars(db.select(Document).filter_by(position_id=position_id)).all()
    assert len(documents) == len(files)  # every distinct file stored exactly once
    assert all(candidate.documents for candidate in candidates)  # nobody half-written
    outcomes = db.session.execute(
        db.select(ImportItem.outcome, db.func.count()).group_by(ImportItem.outcome)
    ).all()
    counts = dict(outcomes)
    assert "failed" not in counts and "pending" not in counts
    assert counts["new"] == len(people)
    assert counts["new"] + counts["attached"] == len(files)
    assert counts["new"] + counts["attached"] + counts["unchanged"] == threads * 10
    statuses = db.session.scalars(db.select(ImportBatch.status)).all()
    assert statuses == ["done"] * threads
