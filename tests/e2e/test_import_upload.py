"""A chair uploads a zip of generated CVs plus a bad file, watches progress, reads the report."""

import io
import threading
import time
import zipfile

import pytest

from benchmarks.import_bench import generate
from reviewapp.candidates.models import Candidate
from reviewapp.extensions import db
from reviewapp.importing.jobs import get_huey
from reviewapp.importing.writer import ChunkWriter
from tests import factories
from tests.e2e.actions import login

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


COUNT = 200
BAD = {
    "cvs/broken.pdf": (b"<html><body>not a pdf</body></html>", "not a PDF"),
    "cvs/empty.txt": (b"", "the file is empty"),
    "cvs/photo.png": (b"\x89PNG\r\n\x1a\n" + bytes(64), "not accepted"),
}


def _archive(tmp_path):
    buffer = io.BytesIO()
    files = generate(COUNT, seed=7)
    with zipfile.ZipFile(buffer, "w") as zf:
        for name, data, _person in files:
            zf.writestr(f"cvs/{name}", data)
        for name, (data, _reason) in BAD.items():
            zf.writestr(name, data)
        zf.writestr("__MACOSX/cvs/._cv_00000.pdf", b"junk")
    path = tmp_path / "cvs.zip"
    path.write_bytes(buffer.getvalue())
    return path, files


def _email(files, n: int) -> str:
    return files[n][2].lower().replace(" ", ".") + f"{n}@example.org"


@pytest.fixture
def slow_writes(monkeypatch):
    """200 CVs import in well under a second, faster than the page polls (every second):
    each chunk's write is held up a little so that the page has progress to show."""
    flush = ChunkWriter.flush

    def held_up(self):
        time.sleep(0.6)
        return flush(self)

    monkeypatch.setattr(ChunkWriter, "flush", held_up)


def test_chair_uploads_zip_sees_progress_report_and_candidate(
    live_app, worker, slow_writes, page, tmp_path
):
    with live_app.app_context():
        chair = factories.create_user("chair@example.org")
        factories.create_position("lab", title="Lab Head", chair=chair)
        db.session.remove()
    archive, files = _archive(tmp_path)
    login(page, "chair@example.org")
    page.goto("/p/lab/imports/")
    assert page.locator("#drop-zone").is_visible()
    page.get_by_label("CV files or ZIP archives").set_input_files(str(archive))
    page.get_by_role("button", name="Upload and import").click()
    page.wait_for_url("**/p/lab/imports/*")
    assert page.get_by_text("the import runs in the background").is_visible()
    seen = set()  # progress as the page shows it, polled while the worker runs
    deadline = time.monotonic() + 120
    while page.locator("#batch-report").count() == 0 and time.monotonic() < deadline:
        if page.locator("#batch-count").count():
            seen.add(page.locator("#batch-count").inner_text())
        page.wait_for_timeout(250)
    page.locator("#batch-report").wait_for(timeout=5_000)
    total = COUNT + len(BAD)
    # before unpacking the page counts the zip as one file; then the members, as they are done
    partial = [text for text in seen if text.endswith(f" of {total}")]
    assert any(0 < int(text.split()[0]) < total for text in partial), seen
    assert page.locator("#batch-status").inner_text() == "done"
    assert page.locator("#batch-totals").inner_text() == (
        f"New: {COUNT} · Attached: 0 · Unchanged: 0 · Failed: {len(BAD)}"
    )
    rows = page.locator("#batch-report tbody tr")
    assert rows.count() == total
    assert page.locator("#batch-report tbody tr", has_text="new").count() == COUNT
    for name, (_data, reason) in BAD.items():
        row = page.get_by_role("row").filter(has_text=f"cvs.zip/{name}")
        assert "failed" in row.inner_text() and reason in row.inner_text(), name
    assert page.get_by_role("row").filter(has_text="__MACOSX").count() == 0

    with live_app.app_context():  # every candidate, with the profile its CV gives
        candidates = {c.name: c for c in db.session.scalars(db.select(Candidate))}
        assert len(candidates) == COUNT
        for n, (_name, _data, person) in enumerate(files):
            candidate = candidates[person]
            assert candidate.emails == [_email(files, n)], person
            degrees = [entry["degree"] for entry in candidate.profile["education"]]
            assert degrees == ["PhD", "MSc"], person
            assert candidate.profile["publications"]["count"] >= 2, person
        db.session.remove()

    first = page.get_by_role("row").filter(has_text="cvs.zip/cvs/cv_00001.docx")
    first.get_by_role("link", name="open").click()
    assert page.get_by_role("heading", name=files[1][2]).is_visible()
    assert page.get_by_label("E-mail addresses").input_value() == _email(files, 1)
    assert page.get_by_role("link", name="cvs.zip/cvs/cv_00001.docx").is_visible()
    page.goto("/p/lab/candidates/?q=" + files[150][2].split()[-1])
    assert page.get_by_role("link", name=files[150][2]).count() >= 1
