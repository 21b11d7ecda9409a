"""XLSX manifests through the pipeline: files mapped to candidates, extra columns kept as
attributes, manifest values over parsed ones; a bad manifest is refused whole, by row number."""

import io

import openpyxl
import pytest

from reviewapp.candidates.models import Candidate, Document
from reviewapp.extensions import db
from reviewapp.importing import operations as importing
from reviewapp.importing.models import ImportBatch
from reviewapp.importing.operations import ImportFailed
from tests import factories

pytestmark = pytest.mark.integration

ANN = b"Ann Lee\nann.lee@example.org\n\nEducation\nPhD in Biology, University of Oslo, 2019\n"
BOB = b"Robert Stone\nbob@example.org\n\nEducation\nMSc in Physics, University of Ghent, 2018\n"


def _xlsx(rows: list[list]) -> bytes:
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def test_import_xlsx_manifest_maps_files_overrides_and_keeps_columns(app):
    position = factories.create_position()
    manifest = _xlsx(
        [
            ["File", "Name", "E-mail", "Area", "Referee"],
            ["cvs/ann.txt", "Ann Lee-Smith", "ann@uni.example", "Ecology", "Prof. Berg"],
            ["bob.md", None, None, "Physics", None],
        ]
    )
    batch = importing.import_files(
        position,
        [("ann.txt", ANN), ("bob.md", BOB)],
        manifest=("candidates.xlsx", manifest),
        workers=0,
    )
    db.session.commit()
    assert batch.totals()["new"] == 2 and batch.totals()["failed"] == 0
    ann = db.session.scalar(db.select(Candidate).filter_by(name="Ann Lee-Smith"))
    assert ann is not None  # the manifest's name wins over the parsed "Ann Lee"
    assert ann.emails == ["ann@uni.example", "ann.lee@example.org"]
    assert ann.attributes == {"Area": "Ecology", "Referee": "Prof. Berg"}
    assert ann.profile["evidence"]["name"] == {
        "line": 2,
        "text": "Ann Lee-Smith",
        "document": "manifest",
    }
    bob = db.session.scalar(db.select(Candidate).filter_by(name="Robert Stone"))
    assert bob is not None  # blank manifest cells never erase parsed values
    assert bob.emails == ["bob@example.org"]
    assert bob.attributes == {"Area": "Physics"}


def test_import_xlsx_bad_manifest_row_numbered_error_nothing_written(app):
    position = factories.create_position()
    manifest = _xlsx(
        [
            ["file", "name", "email"],
            ["ann.txt", "Ann Lee", "ann@uni.example"],
            ["bob.md", "Bob", "not-an-address"],
            ["ann.txt", "Ann again", "ann2@uni.example"],
        ]
    )
    with pytest.raises(ImportFailed) as caught:
        importing.import_files(
            position,
            [("ann.txt", ANN), ("bob.md", BOB)],
            manifest=("m.xlsx", manifest),
            workers=0,
        )
    db.session.commit()
    message = str(caught.value)
    assert 'row 3: "not-an-address" is not an e-mail address' in message
    assert 'row 4: "ann.txt" is already listed in row 2' in message
    assert db.session.scalar(db.select(db.func.count(Candidate.id))) == 0
    assert db.session.scalar(db.select(db.func.count(Document.id))) == 0
    batch = db.session.scalar(db.select(ImportBatch))
    assert batch.status == "failed" and "row 3" in batch.error


def test_import_xlsx_damaged_manifest_refused_nothing_written(app):
    position = factories.create_position()
    with pytest.raises(ImportFailed, match="manifest m.xlsx: row 0"):
        importing.import_files(
            position, [("ann.txt", ANN)], manifest=("m.xlsx", b"PK\x03\x04junk"), workers=0
        )
    db.session.commit()
    assert db.session.scalar(db.select(db.func.count(Candidate.id))) == 0
