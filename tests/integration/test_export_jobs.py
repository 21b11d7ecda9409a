"""Export jobs: requested from the ranking page, built by the job runner, downloaded by whom may."""

import io
import re
from datetime import timedelta

import pytest
from openpyxl import load_workbook

from reviewapp.audit import AuditEvent
from reviewapp.cli import main
from reviewapp.conflicts.models import Conflict
from reviewapp.db import utcnow
from reviewapp.exports import jobs, operations
from reviewapp.exports.models import ExportJob, ExportStatus
from reviewapp.extensions import db
from reviewapp.positions.operations import add_member
from reviewapp.rubrics.models import Criterion
from tests import factories
from tests.integration.test_export import HEADERS, SHEETS, XLSX

pytestmark = pytest.mark.integration
EXPORT = "/p/physics-2027/ranking/export"


@pytest.fixture
def committee(app):
    return factories.create_ranked_committee()


@pytest.fixture
def queued(app, monkeypatch):
    """Every export goes through the job page (no inline download for small positions)."""
    monkeypatch.setitem(app.config, "EXPORT_INLINE_CANDIDATES", 0)


def _job_id(response) -> int:
    assert response.status_code == 302
    match = re.fullmatch(r"/p/physics-2027/exports/(\d+)", response.headers["Location"])
    assert match, response.headers["Location"]
    return int(match.group(1))


def _job(job_id: int) -> ExportJob:
    db.session.expire_all()
    return db.session.get(ExportJob, job_id)


def _about(wb) -> dict:
    return {row[0].value: row[1].value for row in wb["About"].iter_rows() if row[0].value}


def test_export_job_builds_workbook_with_what_if_weights(committee, client, auth, queued):
    auth.login("chair@uni.example")
    # Research (criterion 0) weighted 0: T = 10·teaching. Ann 100, 50 → 75; the formula-named
    # candidate 100; Bo 0, 100 → 50; Dee unreviewed; Cy hidden by the chair's conflict.
    response = auth.post(
        EXPORT, {"format": "xlsx", "method": "mean", "weight-0": "0", "weight-1": "1"}
    )
    job_id = _job_id(response)
    job = _job(job_id)
    assert job.status == ExportStatus.DONE
    assert job.options == {
        "format": "xlsx",
        "method": "mean",
        "anonymize": False,
        "include_private_notes": False,
        "weights": {"Research": 0.0, "Teaching": 1.0},
    }
    assert job.requested_by_id == committee["chair"].id
    assert job.finished_at >= job.started_at >= job.created_at

    page = client.get(f"/p/physics-2027/exports/{job_id}")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert 'src="/static/js/export_job.js"' in html
    assert re.search(r"<script(?![^>]*\bsrc=)(?![^>]*application/json)", html) is None
    assert f'href="/p/physics-2027/exports/{job_id}/file"' in html
    assert "what-if:" in html

    status = client.get(f"/p/physics-2027/exports/{job_id}/status").get_json()
    assert status == {
        "id": job_id,
        "status": "done",
        "finished": True,
        "error": "",
        "download_url": f"/p/physics-2027/exports/{job_id}/file",
        "filename": "physics-2027-screening-mean.xlsx",
    }
    download = client.get(status["download_url"])
    assert download.status_code == 200
    assert download.mimetype == XLSX
    assert download.headers["Cache-Control"] == "private, no-store"
    assert download.headers["Content-Disposition"] == (
        "attachment; filename=physics-2027-screening-mean.xlsx"
    )
    wb = load_workbook(io.BytesIO(download.data))
    assert wb.sheetnames == SHEETS
    for sheet, headers in HEADERS.items():
        assert [c.value for c in next(wb[sheet].iter_rows(max_row=1))] == headers
    ranking = [[c.value for c in row[:3]] for row in wb["Ranking"].iter_rows(min_row=2)]
    assert ranking == [
        [1, committee["formula_name"], 100.0],
        [2, "Ann Ito", 75.0],
        [3, "Bo Berg", 50.0],
        [None, "Dee Dunn", None],
    ]
    about = _about(wb)
    assert about["Weights used"] == (
        "What-if weights, not saved in the rubric: Research: 0; Teaching: 1"
    )
    assert [c.weight for c in db.session.scalars(db.select(Criterion).order_by(Criterion.id))] == [
        2,
        1,
    ]
    actions = db.session.scalars(
        db.select(AuditEvent.action).where(AuditEvent.action.like("export.%"))
    ).all()
    assert sorted(actions) == ["export.create", "export.request"]
    created = db.session.scalars(db.select(AuditEvent).filter_by(action="export.create")).one()
    assert created.new["weights"] == {"Research": 0.0, "Teaching": 1.0}


def test_export_without_what_if_lists_saved_weights(committee, client, auth, queued):
    auth.login("chair@uni.example")
    job_id = _job_id(auth.post(EXPORT, {"format": "xlsx", "weight-0": "2", "weight-1": "1"}))
    assert _job(job_id).status == ExportStatus.DONE
    wb = load_workbook(io.BytesIO(client.get(f"/p/physics-2027/exports/{job_id}/file").data))
    assert _about(wb)["Weights used"] == "The saved rubric's weights: Research: 2; Teaching: 1"
    assert wb["Ranking"]["C2"].value == pytest.approx(83.3333333)


def test_small_export_answers_with_the_file_and_keeps_the_job(committee, client, auth):
    auth.login("chair@uni.example")
    response = auth.post(EXPORT, {"format": "csv", "method": "median"})
    assert response.status_code == 200
    assert response.mimetype == "text/csv"
    assert response.data.decode("utf-8-sig").splitlines()[0].startswith("Rank,Candidate,Score")
    job = db.session.scalars(db.select(ExportJob)).one()
    assert (job.status, job.filename, job.size) == (
        "done",
        "physics-2027-screening-median.csv",
        len(response.data),
    )


@pytest.mark.parametrize(
    "who",
    ["other_chair", "reviewer", "anonymous"],
)
def test_export_job_hidden_from_others(committee, client, auth, queued, who):
    auth.login("chair@uni.example")
    job_id = _job_id(auth.post(EXPORT, {"format": "xlsx"}))
    auth.logout()
    if who == "other_chair":
        other = factories.create_user("quinn@other.example", name="Quinn Other")
        factories.create_position("other-2027", chair=other)
        db.session.commit()
        auth.login("quinn@other.example")
    elif who == "reviewer":
        auth.login("dana@uni.example")
    for suffix in ("", "/status", "/file"):
        response = client.get(f"/p/physics-2027/exports/{job_id}{suffix}")
        body = response.get_data(as_text=True)
        if who == "anonymous":
            assert response.status_code == 302
            assert response.headers["Location"].startswith("/login")
        else:
            assert response.status_code == 404
        assert "physics-2027-screening" not in body
        assert "Ann Ito" not in body
    if who == "other_chair":  # a job id of another position answers 404 under one's own slug
        assert client.get(f"/p/other-2027/exports/{job_id}").status_code == 404


def test_conflicted_co_chair_sees_job_but_cannot_download(committee, client, auth, queued):
    auth.login("chair@uni.example")
    job_id = _job_id(auth.post(EXPORT, {"format": "xlsx"}))
    auth.logout()
    cleo = factories.create_user("cleo@uni.example", name="Cleo Chair")
    add_member(committee["position"], cleo, "chair", actor=None)
    db.session.add(
        Conflict(
            position_id=committee["position"].id,
            reviewer_id=cleo.id,
            candidate_id=committee["candidates"]["Ann Ito"].id,
            source="chair",
            kind="supervisor",
        )
    )
    db.session.commit()
    auth.login("cleo@uni.example")
    page = client.get(f"/p/physics-2027/exports/{job_id}")
    assert page.status_code == 200
    assert f"/p/physics-2027/exports/{job_id}/file" not in page.get_data(as_text=True)
    assert "a conflict of interest hides from you" in page.get_data(as_text=True)
    status = client.get(f"/p/physics-2027/exports/{job_id}/status").get_json()
    assert "download_url" not in status
    assert client.get(f"/p/physics-2027/exports/{job_id}/file").status_code == 404


def test_admin_and_requester_download_but_not_after_new_conflict(committee, client, auth, queued):
    admin = factories.create_user("ada@admin.example", name="Ada Admin", is_admin=True)
    db.session.commit()
    auth.login("chair@uni.example")
    job_id = _job_id(auth.post(EXPORT, {"format": "xlsx"}))
    assert client.get(f"/p/physics-2027/exports/{job_id}/file").status_code == 200
    db.session.add(
        Conflict(
            position_id=committee["position"].id,
            reviewer_id=committee["chair"].id,
            candidate_id=committee["candidates"]["Bo Berg"].id,
            source="chair",
            kind="supervisor",
        )
    )
    db.session.commit()
    assert client.get(f"/p/physics-2027/exports/{job_id}/file").status_code == 404
    auth.logout()
    auth.login(admin.email)
    response = client.get(f"/p/physics-2027/exports/{job_id}/file")
    assert response.status_code == 200
    assert load_workbook(io.BytesIO(response.data)).sheetnames == SHEETS


def test_export_job_that_raises_fails_with_clear_message(
    committee, client, auth, queued, monkeypatch
):
    def broken(*args, **kwargs):
        raise RuntimeError("disk on fire")

    monkeypatch.setattr(operations, "build_workbook", broken)
    auth.login("chair@uni.example")
    job_id = _job_id(auth.post(EXPORT, {"format": "xlsx"}))
    job = _job(job_id)
    message = (
        "The export stopped on an internal error (RuntimeError); no file was made. "
        "Try again, or ask an administrator to check the logs."
    )
    assert (job.status, job.error, job.result, job.size) == ("failed", message, None, 0)
    assert job.finished_at is not None
    # the build's own audit entry was rolled back with it; the request stays on record
    actions = db.session.scalars(
        db.select(AuditEvent.action).where(AuditEvent.action.like("export.%"))
    ).all()
    assert actions == ["export.request"]
    status = client.get(f"/p/physics-2027/exports/{job_id}/status").get_json()
    assert status == {"id": job_id, "status": "failed", "finished": True, "error": message}
    assert message in client.get(f"/p/physics-2027/exports/{job_id}").get_data(as_text=True)
    assert client.get(f"/p/physics-2027/exports/{job_id}/file").status_code == 404


def test_small_export_that_raises_redirects_to_its_failed_job(committee, client, auth, monkeypatch):
    monkeypatch.setattr(operations, "ranking_csv", lambda *a: 1 / 0)
    auth.login("chair@uni.example")
    job_id = _job_id(auth.post(EXPORT, {"format": "csv"}))
    assert _job(job_id).status == "failed"
    assert "ZeroDivisionError" in _job(job_id).error


def test_export_job_with_unknown_criterion_weight_fails_with_its_reason(committee, app):
    position, chair = committee["position"], committee["chair"]
    job = operations.request_export(
        position, position.default_stage, actor=chair, weights={"Nope": 1.0}
    )
    db.session.commit()
    jobs.run_export_job(app, job.id)
    job = _job(job.id)
    assert (job.status, job.error) == ("failed", "No criterion is named 'Nope'.")


def test_request_export_refuses_unknown_method_and_writes_nothing(committee):
    position = committee["position"]
    with pytest.raises(operations.ExportError, match="Unknown method 'best'"):
        operations.request_export(
            position, position.default_stage, actor=committee["chair"], method="best"
        )
    assert db.session.scalars(db.select(ExportJob)).all() == []


def test_resume_runs_jobs_a_stopped_worker_left_queued(committee, app):
    position = committee["position"]
    job = operations.request_export(position, position.default_stage, actor=committee["chair"])
    db.session.commit()
    assert jobs.resume_unfinished_exports(app) == 1
    assert _job(job.id).status == ExportStatus.DONE
    assert jobs.resume_unfinished_exports(app) == 0


def test_export_post_without_csrf_creates_no_job(committee, client, auth):
    auth.login("chair@uni.example")
    response = client.post(EXPORT, data={"format": "xlsx"})
    assert response.status_code == 400
    assert db.session.scalars(db.select(ExportJob)).all() == []


def test_ranking_page_lists_only_ones_own_recent_exports(committee, client, auth, queued):
    auth.login("chair@uni.example")
    mine = _job_id(auth.post(EXPORT, {"format": "csv"}))
    admin = factories.create_user("ada@admin.example", name="Ada Admin", is_admin=True)
    position = committee["position"]
    theirs = operations.request_export(position, position.default_stage, actor=admin)
    db.session.commit()
    page = client.get("/p/physics-2027/ranking").get_data(as_text=True)
    listed = re.findall(r'href="/p/physics-2027/exports/(\d+)"', page)
    assert listed == [str(mine)]
    assert theirs.id != mine


def test_ranking_page_export_form_carries_the_what_if_weights(committee, client, auth):
    auth.login("chair@uni.example")
    page = client.get("/p/physics-2027/ranking?weight-0=0&weight-1=1").get_data(as_text=True)
    form = re.search(
        r'<form method="post" action="/p/physics-2027/ranking/export">.*?</form>', page, re.S
    )
    assert form is not None
    hidden = re.findall(r'<input type="hidden" name="(weight-\d+)" value="([^"]*)">', form.group(0))
    assert hidden == [("weight-0", "0.0")]  # Teaching's 1 is its saved weight: not an override
    assert "The export uses the what-if weights shown below." in form.group(0)
    plain = client.get("/p/physics-2027/ranking").get_data(as_text=True)
    assert 'name="weight-0" value="0.0"' not in plain
    assert "The export uses the what-if weights" not in plain


def _finished_days_ago(job_id: int, days: float) -> None:
    db.session.execute(
        db.update(ExportJob)
        .where(ExportJob.id == job_id)
        .values(finished_at=utcnow() - timedelta(days=days))
    )
    db.session.commit()


def test_old_export_files_expire_when_the_next_export_finishes(committee, client, auth, queued):
    auth.login("chair@uni.example")
    old = _job_id(auth.post(EXPORT, {"format": "xlsx"}))
    recent = _job_id(auth.post(EXPORT, {"format": "csv"}))
    _finished_days_ago(old, 8)  # EXPORT_KEEP_DAYS is 7
    _finished_days_ago(recent, 6)
    newest = _job_id(auth.post(EXPORT, {"format": "csv"}))

    expired = _job(old)
    assert (expired.status, expired.result, expired.size) == (ExportStatus.EXPIRED, None, 0)
    assert expired.filename  # the page still names what was exported
    for kept in (recent, newest):
        assert _job(kept).status == ExportStatus.DONE and _job(kept).result

    # An old download link leads to the job page, which says what happened.
    response = client.get(f"/p/physics-2027/exports/{old}/file")
    assert response.status_code == 302
    assert response.headers["Location"] == f"/p/physics-2027/exports/{old}"
    page = client.get(f"/p/physics-2027/exports/{old}").get_data(as_text=True)
    assert "This export&#39;s file was deleted as too old. Export again" in page  # the flash
    assert "This export's file has been deleted: files are kept for 7 days." in page
    assert f"/p/physics-2027/exports/{old}/file" not in page
    status = client.get(f"/p/physics-2027/exports/{old}/status").get_json()
    assert (status["status"], status["finished"], "download_url" in status) == (
        "expired",
        True,
        False,
    )


def test_export_keep_days_zero_keeps_every_file(committee, app, client, auth, queued, monkeypatch):
    monkeypatch.setitem(app.config, "EXPORT_KEEP_DAYS", 0)
    auth.login("chair@uni.example")
    old = _job_id(auth.post(EXPORT, {"format": "csv"}))
    _finished_days_ago(old, 400)
    _job_id(auth.post(EXPORT, {"format": "csv"}))
    assert jobs.expire_old_exports(app) == 0
    assert _job(old).status == ExportStatus.DONE and _job(old).result


def test_expiry_leaves_unfinished_and_failed_jobs_alone(committee, app):
    position = committee["position"]
    queued_job = operations.request_export(
        position, position.default_stage, actor=committee["chair"]
    )
    failed = operations.request_export(position, position.default_stage, actor=committee["chair"])
    operations.fail_export(failed, "Broken.")
    db.session.commit()
    for job in (queued_job, failed):
        _finished_days_ago(job.id, 30)
    assert jobs.expire_old_exports(app) == 0
    assert (_job(queued_job.id).status, _job(failed.id).status) == ("queued", "failed")


def test_worker_start_expires_old_files(committee, app):
    position = committee["position"]
    job = operations.request_export(position, position.default_stage, actor=committee["chair"])
    db.session.commit()
    assert jobs.resume_unfinished_exports(app) == 1  # builds it
    _finished_days_ago(job.id, 10)
    assert jobs.resume_unfinished_exports(app) == 0
    assert _job(job.id).status == ExportStatus.EXPIRED


def test_cli_exports_expire(committee, app, runner, monkeypatch):
    position = committee["position"]
    job = operations.request_export(position, position.default_stage, actor=committee["chair"])
    db.session.commit()
    jobs.run_export_job(app, job.id)
    _finished_days_ago(job.id, 2)

    result = runner.invoke(main, ["exports", "expire"])  # default: 7 days
    assert result.exit_code == 0, result.output
    assert "Deleted the files of 0 export(s) older than 7 days." in result.output
    result = runner.invoke(main, ["exports", "expire", "--days", "1.5"])
    assert result.exit_code == 0, result.output
    assert "Deleted the files of 1 export(s) older than 1.5 days." in result.output
    assert _job(job.id).status == ExportStatus.EXPIRED

    result = runner.invoke(main, ["exports", "expire", "--days", "0"])
    assert result.exit_code != 0 and "--days" in result.output
    monkeypatch.setitem(app.config, "EXPORT_KEEP_DAYS", 0)
    result = runner.invoke(main, ["exports", "expire"])
    assert result.exit_code != 0 and "keep forever" in result.output
