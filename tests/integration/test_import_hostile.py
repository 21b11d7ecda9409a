"""Hostile input through the pipeline (security-tests.md items 1, 2, 5, 9, 10, 11, 12):
rejected files store nothing, the good ones still import."""

import io
import json
import time
import zipfile

import pytest

from reviewapp.candidates.models import Candidate, Document
from reviewapp.cli import main
from reviewapp.extensions import db
from reviewapp.importing import operations as importing
from reviewapp.importing.models import ImportBatch, ImportItem
from reviewapp.importing.operations import ImportFailed
from reviewapp.importing.writer import ChunkWriter
from tests import factories

pytestmark = pytest.mark.integration

GOOD = b"Ann Lee\nann.lee@example.org\n\nEducation\nPhD in Biology, University of Oslo, 2019\n"


GIVEN = ["Maria", "Jonas", "Amelie", "Kwame", "Priya", "Daniel", "Sofia", "Li", "Hannah", "Omar"]
FAMILY = [
    "Gonzalez",
    "Becker",
    "Laurent",
    "Mensah",
    "Raman",
    "Okafor",
    "Rossi",
    "Wei",
    "Keller",
    "Haddad",
]


def _name(n: int) -> str:
    return f"{GIVEN[n % 10]} {FAMILY[n // 10 % 10]}"


def _cv(n: int) -> bytes:
    email = _name(n).lower().replace(" ", ".")
    return f"{_name(n)}\n{email}@example.org\n\nEducation\nPhD, University of Ghent\n".encode()


def _counts(position) -> tuple[int, int]:
    candidates = db.session.scalar(
        db.select(db.func.count(Candidate.id)).filter_by(position_id=position.id)
    )
    documents = db.session.scalar(
        db.select(db.func.count(Document.id)).filter_by(position_id=position.id)
    )
    return candidates, documents


def _outcomes(batch) -> dict[str, tuple[str, str]]:
    return {i.display_name: (i.outcome, i.reason) for i in batch.items if i.outcome != "skipped"}


def test_import_html_named_pdf_rejected_nothing_stored(app):
    position = factories.create_position()
    batch = importing.import_files(
        position, [("cv.pdf", b"<html><body>x</body></html>")], workers=0
    )
    outcome, reason = _outcomes(batch)["cv.pdf"]
    assert outcome == "failed"
    assert "not a PDF" in reason
    assert _counts(position) == (0, 0)


@pytest.mark.parametrize(
    "name", ["cv.pdf.html", "cv.php%00.pdf", "cv.svg", "cv.docm", "../../app/config.py"]
)
def test_import_hostile_names_rejected_or_cleaned(app, name):
    position = factories.create_position()
    batch = importing.import_files(position, [(name, b"%PDF-1.4 junk")], workers=0)
    (item,) = [i for i in batch.items]
    assert item.outcome == "failed"
    assert "/" not in item.display_name.replace("../", "") or item.display_name == name
    assert _counts(position) == (0, 0)


def test_import_zip_slip_members_never_paths_good_members_import(app, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as zf:
        zf.writestr("../../evil.txt", _cv(1))
        zf.writestr("/abs.txt", _cv(2))
        zf.writestr("inner.zip", b"PK\x03\x04nested")
        link = zipfile.ZipInfo("link.txt")
        link.create_system, link.external_attr = 3, (0o120777 << 16)
        zf.writestr(link, "/etc/passwd")
        zf.writestr("good.txt", GOOD)
    position = factories.create_position()
    batch = importing.import_files(position, [("all.zip", buffer.getvalue())], workers=0)
    outcomes = _outcomes(batch)
    assert outcomes["all.zip/evil.txt"][0] == "new"
    assert outcomes["all.zip/abs.txt"][0] == "new"
    assert outcomes["all.zip/good.txt"][0] == "new"
    assert outcomes["all.zip/inner.zip"][0] == "failed"
    assert "archives inside an archive" in outcomes["all.zip/inner.zip"][1]
    assert outcomes["all.zip/link.txt"] == ("failed", "links are not accepted inside an archive")
    assert list(tmp_path.iterdir()) == []
    assert _counts(position) == (3, 3)


def test_import_one_bad_file_of_100_others_import(app):
    position = factories.create_position()
    files = [(f"cv{n}.txt", _cv(n)) for n in range(99)] + [("bad.docx", b"PK\x03\x04broken")]
    batch = importing.import_files(position, files, workers=0)
    assert batch.totals()["new"] == 99
    assert batch.totals()["failed"] == 1
    assert _outcomes(batch)["bad.docx"][0] == "failed"
    assert _counts(position) == (99, 99)


def test_import_crash_midway_leaves_no_half_candidate(app, monkeypatch):
    position = factories.create_position()
    real = ChunkWriter._insert_documents

    def crash(self, plans, real_ids):
        if any(plan.entry.name == "b.txt" for plan in plans):
            raise RuntimeError("disk on fire")
        return real(self, plans, real_ids)

    monkeypatch.setattr(ChunkWriter, "_insert_documents", crash)
    batch = importing.import_files(position, [("a.txt", _cv(1)), ("b.txt", _cv(2))], workers=0)
    db.session.commit()
    assert _outcomes(batch)["b.txt"] == ("failed", "could not be stored: RuntimeError")
    names = db.session.scalars(db.select(Candidate.name).filter_by(position_id=position.id)).all()
    assert names == [_name(1)]
    assert _counts(position) == (1, 1)


def test_import_same_zip_twice_zero_new_email_case_insensitive(app):
    position = factories.create_position()
    archive = io.BytesIO()
    with zipfile.ZipFile(archive, "w") as zf:
        zf.writestr("a.txt", GOOD)
    importing.import_files(position, [("z.zip", archive.getvalue())], workers=0)
    again = importing.import_files(position, [("z.zip", archive.getvalue())], workers=0)
    assert again.totals()["new"] == 0 and again.totals()["unchanged"] == 1
    upper = b"Ann Lee\nANN.LEE@EXAMPLE.ORG\n\nPhone: \n"
    third = importing.import_files(position, [("other.txt", upper)], workers=0)
    db.session.commit()
    assert third.totals()["attached"] == 1
    ann = db.session.scalar(db.select(Candidate))
    assert ann.emails == ["ann.lee@example.org"]
    assert ann.profile["education"][0]["institution"] == "University of Oslo"


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "latin-1", "utf-16"])
def test_import_manifest_encodings_override_fields(app, encoding):
    position = factories.create_position()
    manifest = "file,name,email,Area\ncv.txt,José Núñez,jose@example.org,Ecology\n"
    batch = importing.import_files(
        position,
        [("cv.txt", GOOD)],
        manifest=("manifest.csv", manifest.encode(encoding)),
        workers=0,
    )
    assert batch.totals()["new"] == 1
    candidate = db.session.scalar(db.select(Candidate))
    assert candidate.name == "José Núñez"
    assert candidate.emails == ["jose@example.org", "ann.lee@example.org"]
    assert candidate.attributes == {"Area": "Ecology"}


def test_import_manifest_wrong_columns_row_error_nothing_written(app):
    position = factories.create_position()
    manifest = b"file,name,email\ncv.txt,Ann,ann@example.org\nbroken.txt,Too,many,cells\n"
    with pytest.raises(ImportFailed, match="row 3"):
        importing.import_files(
            position, [("cv.txt", GOOD)], manifest=("m.csv", manifest), workers=0
        )
    db.session.commit()
    assert _counts(position) == (0, 0)
    batch = db.session.scalar(db.select(ImportBatch))
    assert batch.status == "failed"
    assert "row 3" in batch.error


def test_import_control_characters_stripped(app):
    position = factories.create_position()
    cv = b"Ann\x01 Lee\nann\x02.lee@example.org\n\nEducation\nPhD, University of Oslo\x07, 2019\n"
    importing.import_files(position, [("ctl.txt", cv)], workers=0)
    db.session.commit()
    candidate = db.session.scalar(db.select(Candidate))
    document = candidate.documents[0]
    assert "\x01" not in document.text and "\x07" not in document.text
    assert candidate.name == "Ann Lee"
    assert not any(ch < " " and ch not in "\n\t" for ch in document.text)


# ---------------------------------------------------------------- bombs, XML attacks, bad PDFs
# security-tests.md items 4, 6 and 7, through import_files and the CLI (not only the readers).

PASSWD_MARK = "root:x:0:0"
XXE = b'<!DOCTYPE w:document [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>'
LAUGHS = (
    b'<!DOCTYPE w:document [<!ENTITY lol "lol">'
    + b"".join(
        f'<!ENTITY lol{n} "{("&lol" + (str(n - 1) if n > 1 else "") + ";") * 10}">'.encode()
        for n in range(1, 10)
    )
    + b"]>"
)


def _xref_cycle_pdf() -> bytes:
    """A PDF whose page tree points at itself and whose trailer's /Prev points back at its own
    xref table: a reader that follows either without care loops forever."""
    objects = [
        b"1 0 obj << /Type /Catalog /Pages 2 0 R >> endobj\n",
        b"2 0 obj << /Type /Pages /Kids [2 0 R] /Count 1 >> endobj\n",
    ]
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for obj in objects:
        offsets.append(len(out))
        out += obj
    xref = len(out)
    out += b"xref\n0 3\n0000000000 65535 f \n"
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer << /Size 3 /Root 1 0 R /Prev %d >>\nstartxref\n%d\n%%%%EOF\n" % (xref, xref)
    return bytes(out)


def _hostile_files() -> list[tuple[str, bytes]]:
    from tests.unit.test_archive import make_zip, patch_declared_size
    from tests.unit.test_extract_docx import with_doctype
    from tests.unit.test_extract_pdf import single_column_pdf

    declared = patch_declared_size(
        make_zip({"zeros.txt": bytes(2 * 1024 * 1024), "ok.txt": _cv(1)}), "zeros.txt", 2**31
    )
    lying = patch_declared_size(
        make_zip({"zeros.txt": bytes(3 * 1024 * 1024), "ok2.txt": _cv(2)}), "zeros.txt", 1000
    )
    crowded = make_zip({f"cv{n}.txt": b"x" for n in range(2_100)}, zipfile.ZIP_STORED)
    pdf = single_column_pdf()
    return [
        ("declared.zip", declared),
        ("lying.zip", lying),
        ("crowded.zip", crowded),
        ("xxe.docx", with_doctype(XXE, b"&xxe;")),
        ("laughs.docx", with_doctype(LAUGHS, b"&lol9;")),
        ("cycle.pdf", _xref_cycle_pdf()),
        ("truncated.pdf", pdf[: len(pdf) // 2]),
        ("random.pdf", b"%PDF-1.7\n" + bytes(range(256)) * 20),
        ("good.txt", _cv(3)),
    ]


UNSAFE = "could not be read: it contains unsafe XML (a DTD or entity declaration)"


def _assert_hostile_report(outcomes: dict[str, tuple[str, str]]) -> None:
    assert outcomes["declared.zip/zeros.txt"] == ("failed", "larger than 20 MB once unpacked")
    assert outcomes["lying.zip/zeros.txt"] == (
        "failed",
        "the file is damaged inside the archive (checksum mismatch)",
    )
    assert outcomes["crowded.zip"] == (
        "failed",
        "the archive holds 2,100 entries; the limit is 2,000",
    )
    assert outcomes["xxe.docx"] == ("failed", UNSAFE)
    assert outcomes["laughs.docx"] == ("failed", UNSAFE)
    for name in ("cycle.pdf", "truncated.pdf", "random.pdf"):
        outcome, reason = outcomes[name]
        assert outcome == "failed" and reason.startswith(("could not be read", "no text")), name
    for name in ("declared.zip/ok.txt", "lying.zip/ok2.txt", "good.txt"):
        assert outcomes[name] == ("new", ""), name


def test_import_hostile_files_through_pipeline_flagged_others_import(app):
    position = factories.create_position()
    started = time.monotonic()
    batch = importing.import_files(position, _hostile_files(), workers=2)
    db.session.commit()
    assert time.monotonic() - started < 60  # nothing hung a worker
    _assert_hostile_report(_outcomes(batch))
    assert _counts(position) == (3, 3)
    texts = db.session.scalars(db.select(Document.text)).all()
    assert not any(PASSWD_MARK in text for text in texts)
    reasons = db.session.scalars(db.select(ImportItem.reason)).all()
    assert not any(PASSWD_MARK in reason or "lollol" in reason for reason in reasons)


def test_import_hostile_files_through_cli_exit_zero_json_report(app, runner, tmp_path):
    factories.create_position("lab")
    for name, data in _hostile_files():
        (tmp_path / name).write_bytes(data)
    result = runner.invoke(main, ["import", "lab", str(tmp_path), "--json", "--workers", "2"])
    assert result.exit_code == 0, result.output
    report = json.loads(result.output[result.output.index("{") :])
    prefix = tmp_path.name + "/"
    outcomes = {
        f["file"].removeprefix(prefix): (f["outcome"], f["reason"]) for f in report["files"]
    }
    _assert_hostile_report(outcomes)
    assert PASSWD_MARK not in result.output
