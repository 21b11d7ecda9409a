"""The decision pack from the command line and from the ranking page, read back."""

import csv
import io
import shutil
import subprocess

import pandas as pd
import pytest
from openpyxl import load_workbook

from reviewapp.audit import AuditEvent
from reviewapp.cli import main
from reviewapp.extensions import db
from tests import factories
from tests.conftest import skip_or_fail

pytestmark = pytest.mark.integration

SHEETS = ["Ranking", "Candidates", "Reviews", "Reviewers", "Criteria", "About"]
HEADERS = {
    "Ranking": ["Rank", "Candidate", "Score", "Mean", "Median", "Z-calibrated", "Adjusted",
                "Reviews", "Std", "Flags", "Rank 90% interval", "P(top K)", "Research",
                "Teaching", "Strong no", "No", "Yes", "Strong yes"],
    "Candidates": ["Candidate ID", "Name", "Emails", "Phone", "Highest degree", "Institution",
                   "Degree year", "Current position", "Publications", "Documents",
                   "Imported at"],
    "Reviews": ["Candidate", "Reviewer", "Stage", "Status", "Total", "Research", "Teaching",
                "Recommendation", "Confidence", "Comment", "Submitted at", "Rubric version"],
    "Reviewers": ["Reviewer", "Assigned", "Submitted", "Mean total given", "Leniency", "Std"],
    "Criteria": ["Criterion", "Weight", "Scale min", "Scale max", "Description", "Agreement"],
}  # fmt: skip
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@pytest.fixture
def committee(app):
    return factories.create_ranked_committee()


def _export(runner, tmp_path, *options, name="pack.xlsx"):
    out = tmp_path / name
    result = runner.invoke(main, ["export", "physics-2027", "--out", str(out), *options])
    assert result.exit_code == 0, result.output
    return out


def _headers(ws) -> list:
    return [c.value for c in next(ws.iter_rows(max_row=1))]


def _all_text(workbook) -> str:
    return "\n".join(
        str(cell.value)
        for ws in workbook.worksheets
        for row in ws.iter_rows()
        for cell in row
        if cell.value is not None
    )


def test_cli_export_has_sheets_headers_and_hand_computed_numbers(committee, runner, tmp_path):
    wb = load_workbook(_export(runner, tmp_path))
    assert wb.sheetnames == SHEETS
    for sheet, headers in HEADERS.items():
        assert _headers(wb[sheet]) == headers
    ranking = pd.read_excel(tmp_path / "pack.xlsx", sheet_name="Ranking")
    assert ranking["Candidate"].tolist() == [
        "Ann Ito",
        committee["formula_name"],
        "Bo Berg",
        "Cy Chen",
        "Dee Dunn",
    ]
    assert ranking["Rank"].tolist()[:4] == [1, 2, 3, 4]
    assert pd.isna(ranking["Rank"].iloc[4])
    assert ranking["Score"].round(3).tolist()[:4] == [83.333, 66.667, 50.0, 26.667]
    assert ranking["Std"].round(3).tolist()[:4] == [16.667, 0.0, 50.0, 3.333]
    assert ranking["Reviews"].tolist() == [2, 1, 2, 2, 0]
    assert ranking["Flags"].tolist()[1:3] == ["insufficient reviews", "disagreement"]
    assert ranking[["Strong no", "No", "Yes", "Strong yes"]].iloc[0].tolist() == [0, 0, 1, 1]
    assert ranking["Research"].tolist()[:4] == [4.5, 3.0, 3.0, 2.0]
    ws = wb["Ranking"]
    assert (ws["C2"].data_type, ws["H2"].data_type) == ("n", "n")
    assert ws["C2"].number_format == "0.0"
    reviews = pd.read_excel(tmp_path / "pack.xlsx", sheet_name="Reviews")
    assert len(reviews) == 8
    assert sorted(reviews["Status"].unique()) == ["Draft", "Submitted"]
    assert "Private note" not in reviews.columns
    reviewers = pd.read_excel(tmp_path / "pack.xlsx", sheet_name="Reviewers")
    assert reviewers["Reviewer"].tolist() == ["Dana Whitfield", "Olu Mensah"]
    assert reviewers["Assigned"].tolist() == [5, 4]
    assert reviewers["Submitted"].tolist() == [4, 3]


def test_cli_export_is_audited_without_actor(committee, runner, tmp_path):
    _export(runner, tmp_path, "--method", "zscore")
    event = db.session.scalars(db.select(AuditEvent).filter_by(action="export.create")).one()
    assert event.actor_id is None
    assert event.new["method"] == "zscore"
    assert event.new["format"] == "xlsx"
    assert event.new["candidates"] == 5


def test_xlsx_formula_candidate_reads_back_as_string(committee, runner, tmp_path):
    wb = load_workbook(_export(runner, tmp_path))
    cell = wb["Ranking"]["B3"]
    assert cell.value == committee["formula_name"]
    assert cell.data_type == "s"
    comment = next(c for c in wb["Reviews"]["J"] if c.value == "=1+2")
    assert comment.data_type == "s"


def test_csv_export_neutralises_formula_cells(committee, runner, tmp_path):
    out = _export(runner, tmp_path, "--format", "csv", name="ranking.csv")
    raw = out.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(raw.decode("utf-8-sig"))))
    assert rows[0] == HEADERS["Ranking"]
    assert rows[2][1] == "'" + committee["formula_name"]
    assert rows[1][:3] == ["1", "Ann Ito", "83.333333"]
    assert '"\'=HYPERLINK(""http://evil.example"",""x"")"' in raw.decode("utf-8-sig")


def test_anonymized_export_has_no_reviewer_name_or_email(committee, runner, tmp_path):
    wb = load_workbook(_export(runner, tmp_path, "--anonymize", "--include-private-notes"))
    text = _all_text(wb)
    for secret in ("Dana Whitfield", "Olu Mensah", "dana@uni.example", "olu@uni.example",
                   "Whitfield", "Mensah", "@uni.example"):  # fmt: skip
        assert secret not in text
    assert "Emails" not in _headers(wb["Candidates"])
    assert [c.value for c in wb["Reviewers"]["A"]][1:] == ["Reviewer 1", "Reviewer 2"]
    assert "Solid; I agree with Reviewer 1." in text


def test_private_notes_only_with_flag(committee, runner, tmp_path):
    wb = load_workbook(_export(runner, tmp_path, "--include-private-notes"))
    assert _headers(wb["Reviews"])[-1] == "Private note"
    assert "private about Ann Ito" in _all_text(wb)


def test_cli_export_unknown_stage_fails_and_writes_nothing(committee, runner, tmp_path):
    result = runner.invoke(
        main, ["export", "physics-2027", "--out", str(tmp_path / "x.xlsx"), "--stage", "Nope"]
    )
    assert result.exit_code == 1
    assert "No stage named 'Nope'; stages: Screening." in result.output
    assert not (tmp_path / "x.xlsx").exists()


def test_page_download_excludes_conflicted_candidate(committee, client, auth):
    auth.login("chair@uni.example")
    response = auth.post("/p/physics-2027/ranking/export", {"format": "xlsx", "method": "adjusted"})
    assert response.status_code == 200
    assert response.mimetype == XLSX
    assert response.headers["Content-Disposition"] == (
        "attachment; filename=physics-2027-screening-adjusted.xlsx"
    )
    wb = load_workbook(io.BytesIO(response.data))
    text = _all_text(wb)
    assert "Cy Chen" not in text
    assert "Cy: average" not in text
    assert [c.value for c in wb["Ranking"]["B"]][1:] == [
        "Ann Ito",
        committee["formula_name"],
        "Bo Berg",
        "Dee Dunn",
    ]
    event = db.session.scalars(db.select(AuditEvent).filter_by(action="export.create")).one()
    assert event.actor_id == committee["chair"].id
    assert event.new["candidates"] == 4


def test_page_download_csv_has_csv_mimetype(committee, client, auth):
    auth.login("chair@uni.example")
    response = auth.post("/p/physics-2027/ranking/export", {"format": "csv", "method": "mean"})
    assert response.mimetype == "text/csv"
    assert response.data.decode("utf-8-sig").splitlines()[0].startswith("Rank,Candidate,Score")


def test_page_download_is_404_for_reviewer_and_not_audited(committee, client, auth):
    auth.login("dana@uni.example")
    response = auth.post("/p/physics-2027/ranking/export", {"format": "xlsx"})
    assert response.status_code == 404
    assert db.session.scalars(db.select(AuditEvent).filter_by(action="export.create")).all() == []


def test_page_download_get_is_not_allowed(committee, client, auth):
    auth.login("chair@uni.example")
    response = client.get("/p/physics-2027/ranking/export")
    assert response.status_code == 405
    assert db.session.scalars(db.select(AuditEvent).filter_by(action="export.create")).all() == []


def test_libreoffice_opens_the_workbook(committee, runner, tmp_path):
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    if soffice is None:
        skip_or_fail("LibreOffice (soffice) is absent: apt-get install libreoffice-calc-nogui")
    out = _export(runner, tmp_path)
    result = subprocess.run(
        [soffice, "--headless", f"-env:UserInstallation=file://{tmp_path}/lo-profile",
         "--convert-to", "pdf", "--outdir", str(tmp_path), str(out)],
        capture_output=True, text=True, timeout=180,
    )  # fmt: skip
    pdf = tmp_path / "pack.pdf"
    assert pdf.exists(), result.stdout + result.stderr
    assert pdf.read_bytes()[:5] == b"%PDF-"
