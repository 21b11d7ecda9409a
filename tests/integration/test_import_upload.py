"""Browser upload: chair only, queued job (run inline in tests), status JSON, report, 413."""

import io
import zipfile

import pytest

from reviewapp.candidates.models import Candidate, Document
from reviewapp.extensions import db
from reviewapp.importing.models import ImportBatch, ImportItem
from tests import factories

pytestmark = pytest.mark.integration

ANN = b"Ann Lee\nann.lee@example.org\n\nEducation\nPhD in Biology, University of Oslo, 2019\n"


def _zip(members: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as zf:
        for name, data in members.items():
            zf.writestr(name, data)
    return buffer.getvalue()


@pytest.fixture
def lab(app):
    app.config["IMPORT_WORKERS"] = 0
    chair = factories.create_user("chair@example.org")
    reviewer = factories.create_user("rev@example.org")
    yield factories.create_position("lab", chair=chair, reviewers=(reviewer,))
    app.config.pop("IMPORT_WORKERS")


def _upload(auth, files, **kwargs):
    data = {"files": [(io.BytesIO(content), name) for name, content in files]}
    return auth.post("/p/lab/imports/", data, content_type="multipart/form-data", **kwargs)


def test_upload_zip_reports_each_file(lab, client, auth):
    auth.login("chair@example.org")
    archive = _zip(
        {"cvs/ann.txt": ANN, "cvs/bad.pdf": b"<html>not a pdf</html>", "__MACOSX/x": b"j"}
    )
    response = _upload(auth, [("batch.zip", archive)])
    batch = db.session.scalar(db.select(ImportBatch))
    assert response.headers["Location"] == f"/p/lab/imports/{batch.id}"
    status = client.get(f"/p/lab/imports/{batch.id}/status").get_json()
    assert status["status"] == "done"
    assert status["total"] == 2 and status["processed"] == 2
    assert status["totals"] == {"new": 1, "attached": 0, "unchanged": 0, "failed": 1, "skipped": 1}
    page = client.get(f"/p/lab/imports/{batch.id}").get_data(as_text=True)
    assert "batch.zip/cvs/bad.pdf" in page
    assert "not a PDF" in page or "not a pdf" in page.lower()
    items = db.session.scalars(db.select(ImportItem).filter(ImportItem.content.isnot(None))).all()
    assert items == []  # uploaded bytes are dropped once handled


def test_upload_reviewer_gets_404_and_nothing_stored(lab, client, auth):
    auth.login("rev@example.org")
    response = _upload(auth, [("ann.txt", ANN)])
    assert response.status_code == 404
    assert db.session.scalar(db.select(db.func.count(ImportBatch.id))) == 0


def test_upload_too_large_friendly_413_nothing_stored(app, lab, client, auth):
    auth.login("chair@example.org")
    token = auth.csrf_token("/")
    app.config["MAX_CONTENT_LENGTH"] = 10_000
    try:
        response = client.post(
            "/p/lab/imports/",
            data={"csrf_token": token, "files": [(io.BytesIO(b"x" * 20_000), "big.txt")]},
            content_type="multipart/form-data",
        )
    finally:
        app.config["MAX_CONTENT_LENGTH"] = 50 * 1024 * 1024
    assert response.status_code == 413
    assert "Upload too large" in response.get_data(as_text=True)
    assert db.session.scalar(db.select(db.func.count(ImportBatch.id))) == 0
    assert db.session.scalar(db.select(db.func.count(Document.id))) == 0


def test_upload_file_over_per_file_limit_refused(app, lab, client, auth):
    auth.login("chair@example.org")
    app.config["MAX_FILE_SIZE"] = 1000
    try:
        response = _upload(auth, [("big.txt", b"a" * 2000)])
    finally:
        app.config["MAX_FILE_SIZE"] = 20 * 1024 * 1024
    assert "big.txt is larger than" in response.get_data(as_text=True)
    assert db.session.scalar(db.select(db.func.count(ImportBatch.id))) == 0


def test_import_history_lists_batches(lab, client, auth):
    auth.login("chair@example.org")
    _upload(auth, [("ann.txt", ANN)])
    _upload(auth, [("ann.txt", ANN)])
    page = client.get("/p/lab/imports/").get_data(as_text=True)
    batches = db.session.scalars(db.select(ImportBatch).order_by(ImportBatch.id)).all()
    assert [b.totals()["new"] for b in batches] == [1, 0]
    assert [b.totals()["unchanged"] for b in batches] == [0, 1]
    for batch in batches:
        assert f"/p/lab/imports/{batch.id}" in page
    assert db.session.scalar(db.select(db.func.count(Candidate.id))) == 1


def test_batch_status_reviewer_and_other_position_404(lab, client, auth):
    auth.login("chair@example.org")
    _upload(auth, [("ann.txt", ANN)])
    batch = db.session.scalar(db.select(ImportBatch))
    factories.create_position("other", chair=factories.create_user("c2@example.org"))
    assert client.get(f"/p/other/imports/{batch.id}/status").status_code == 404
    auth.logout()
    auth.login("rev@example.org")
    response = client.get(f"/p/lab/imports/{batch.id}/status")
    assert response.status_code == 404
    assert response.get_json() is None
