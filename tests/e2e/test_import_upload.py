"""A chair uploads a zip of generated CVs plus a bad file, watches progress, reads the report."""

import io
import threading
import time
import zipfile

import pytest

from benchmarks.import_bench import generate
from reviewapp.extensions import db
from reviewapp.importing.jobs import get_huey
from tests import factories

pytestmark = pytest.mark.e2e


@pytest.fixture
def worker(live_app, tmp_path):
    """A real huey queue (SQLite) consumed by a thread, as `reviewapp worker` would."""
    live_app.config["JOBS_IMMEDIATE"] = False
    live_app.config["IMPORT_WORKERS"] = 2
    live_app.instance_path = str(tmp_path)
    huey, _task = get_huey(live_app)
    stop = threading.Event()

    def consume():
        while not stop.is_set():
            task = huey.dequeue()
            if task is None:
                time.sleep(0.1)
            else:
                huey.execute(task)

    thread = threading.Thread(target=consume, daemon=True)
    thread.start()
    yield huey
    stop.set()
    thread.join(timeout=30)


def _archive(tmp_path):
    buffer = io.BytesIO()
    files = generate(20, seed=7)
    with zipfile.ZipFile(buffer, "w") as zf:
        for name, data, _person in files:
            zf.writestr(f"cvs/{name}", data)
        zf.writestr("cvs/broken.pdf", b"<html><body>not a pdf</body></html>")
        zf.writestr("__MACOSX/cvs/._cv_00000.pdf", b"junk")
    path = tmp_path / "cvs.zip"
    path.write_bytes(buffer.getvalue())
    return path, files


def test_chair_uploads_zip_sees_progress_report_and_candidate(live_app, worker, page, tmp_path):
    with live_app.app_context():
        chair = factories.create_user("chair@example.org")
        factories.create_position("lab", title="Lab Head", chair=chair)
        db.session.remove()
    archive, files = _archive(tmp_path)
    page.goto("/login")
    page.get_by_label("Email").fill("chair@example.org")
    page.get_by_label("Password").fill(factories.PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url("**/")
    page.goto("/p/lab/imports/")
    assert page.locator("#drop-zone").is_visible()
    page.get_by_label("CV files or ZIP archives").set_input_files(str(archive))
    page.get_by_role("button", name="Upload and import").click()
    page.wait_for_url("**/p/lab/imports/*")
    assert page.get_by_text("the import runs in the background").is_visible()
    page.locator("#batch-report").wait_for(timeout=120_000)
    assert page.locator("#batch-status").inner_text() == "done"
    assert page.locator("#batch-totals").inner_text() == (
        "New: 20 · Attached: 0 · Unchanged: 0 · Failed: 1"
    )
    bad = page.get_by_role("row").filter(has_text="cvs.zip/cvs/broken.pdf")
    assert "failed" in bad.inner_text()
    assert "not a PDF" in bad.inner_text()
    assert page.get_by_role("row").filter(has_text="__MACOSX").count() == 0
    first = page.get_by_role("row").filter(has_text="cvs.zip/cvs/cv_00001.docx")
    first.get_by_role("link", name="open").click()
    assert page.get_by_role("heading", name=files[1][2]).is_visible()
    email = files[1][2].lower().replace(" ", ".") + "1@example.org"
    assert page.get_by_label("E-mail addresses").input_value() == email
    assert page.get_by_role("link", name="cvs.zip/cvs/cv_00001.docx").is_visible()
