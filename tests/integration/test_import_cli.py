"""`reviewapp import`: files, folders and zips; summary table, --json, exit codes."""

import io
import json
import zipfile

import pytest

from reviewapp.candidates.models import Candidate
from reviewapp.cli import main
from reviewapp.extensions import db
from tests import factories

pytestmark = pytest.mark.integration

ANN = b"Ann Lee\nann.lee@example.org\n\nEducation\nPhD in Biology, University of Oslo, 2019\n"
BOB = b"Bob Stone\nbob@example.org\n\nEducation\nMSc in Physics, University of Ghent, 2018\n"


@pytest.fixture
def folder(tmp_path):
    (tmp_path / "cvs" / "sub").mkdir(parents=True)
    (tmp_path / "cvs" / "ann.txt").write_bytes(ANN)
    (tmp_path / "cvs" / "sub" / "bad.pdf").write_bytes(b"<html>no</html>")
    (tmp_path / "cvs" / ".DS_Store").write_bytes(b"junk")
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as zf:
        zf.writestr("bob.md", BOB)
    (tmp_path / "more.zip").write_bytes(buffer.getvalue())
    return tmp_path


def test_import_cli_summary_table_exit_zero_with_rejects(app, runner, folder):
    factories.create_position("lab")
    result = runner.invoke(
        main, ["import", "lab", str(folder / "cvs"), str(folder / "more.zip"), "--workers", "0"]
    )
    assert result.exit_code == 0, result.output
    assert "new: 2  attached: 0  unchanged: 0  failed: 1" in result.output
    assert "cvs/sub/bad.pdf" in result.output
    assert "not a PDF" in result.output
    assert ".DS_Store" not in result.output
    names = db.session.scalars(db.select(Candidate.name).order_by(Candidate.name)).all()
    assert names == ["Ann Lee", "Bob Stone"]


def test_import_cli_json_report_second_run_unchanged(app, runner, folder):
    factories.create_position("lab")
    args = ["import", "lab", str(folder / "cvs" / "ann.txt"), "--workers", "0"]
    runner.invoke(main, args)
    result = runner.invoke(main, [*args, "--json"])
    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout)
    assert report["totals"] == {"new": 0, "attached": 0, "unchanged": 1, "failed": 0, "skipped": 0}
    assert [(f["file"], f["outcome"], f["reason"]) for f in report["files"]] == [
        ("ann.txt", "unchanged", "already imported")
    ]


def test_import_cli_bad_manifest_exits_non_zero(app, runner, folder):
    factories.create_position("lab")
    manifest = folder / "m.csv"
    manifest.write_bytes(b"name,email\nAnn,ann@example.org\n")
    result = runner.invoke(
        main, ["import", "lab", str(folder / "cvs"), "--manifest", str(manifest), "--workers", "0"]
    )
    assert result.exit_code == 1
    assert "manifest m.csv" in result.output
    assert db.session.scalar(db.select(db.func.count(Candidate.id))) == 0


def test_import_cli_unknown_position_exits_non_zero(app, runner, folder):
    result = runner.invoke(main, ["import", "nope", str(folder / "cvs")])
    assert result.exit_code == 1
    assert "No position with the slug 'nope'." in result.output


def test_import_cli_parallel_workers(app, runner, folder):
    factories.create_position("lab")
    result = runner.invoke(main, ["import", "lab", str(folder / "cvs"), "--workers", "2"])
    assert result.exit_code == 0, result.output
    assert "new: 1  attached: 0  unchanged: 0  failed: 1" in result.output
