"""The decision pack from the ranking page: an export job, its status page and its download.

POST asks for an export (audited). Up to `jobs.inline_limit` candidates the job runs inside the
request, which answers with the file; bigger exports go to the worker and the requester is sent
to the job's page, which polls until the download link appears.
"""

import io

from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    jsonify,
    redirect,
    render_template,
    request,
    send_file,
    url_for,
)
from flask_login import current_user, login_required

from reviewapp.auth.permissions import require_or_404
from reviewapp.exports import jobs, operations
from reviewapp.exports.models import ExportJob, ExportStatus
from reviewapp.exports.permissions import can_download_export_job, can_view_export_job
from reviewapp.extensions import db
from reviewapp.ranking import METHODS, criterion_names
from reviewapp.ranking.frames import load_criteria, stage_candidate_ids
from reviewapp.ranking.page import parse_weights
from reviewapp.ranking.routes import chosen_stage, load_ranking_position

bp = Blueprint("exports", __name__, url_prefix="/p")


def _load_job(slug: str, job_id: int) -> ExportJob:
    """The job of this position, or 404 for anyone who may not see it."""
    position = load_ranking_position(slug)
    job = db.session.get(ExportJob, job_id)
    if job is None or job.position_id != position.id:
        abort(404)
    require_or_404(can_view_export_job(current_user, job))
    return job


def _file_response(job: ExportJob):
    response = send_file(
        io.BytesIO(job.result or b""),
        mimetype=job.mimetype,
        as_attachment=True,
        download_name=job.filename,
        max_age=0,
    )
    response.headers["Cache-Control"] = "private, no-store"
    return response


@bp.post("/<slug>/ranking/export")
@login_required
def download(slug: str):
    position = load_ranking_position(slug)
    stage = chosen_stage(position, request.form.get("stage"))
    method = request.form.get("method", "mean")
    fmt = request.form.get("format", "xlsx")
    if method not in METHODS or fmt not in operations.FORMATS:
        flash("Choose a known method and format.", "danger")
        return redirect(url_for("ranking.ranking", slug=slug, stage=stage.id))
    weights = parse_weights(request.form, criterion_names(load_criteria(position)))
    job = operations.request_export(
        position,
        stage,
        actor=current_user,
        fmt=fmt,
        method=method,
        anonymize=bool(request.form.get("anonymize")),
        include_private_notes=bool(request.form.get("include_private_notes")),
        weights=weights,
    )
    count = db.session.scalar(
        db.select(db.func.count()).select_from(
            stage_candidate_ids(position, stage, current_user).subquery()
        )
    )
    db.session.commit()
    app = current_app._get_current_object()
    if count <= jobs.inline_limit(app):
        jobs.run_export_job(app, job.id)
        db.session.refresh(job)
        if job.status == ExportStatus.DONE:
            return _file_response(job)
    else:
        jobs.enqueue_export(app, job.id)
        flash("The export is being prepared; this page shows when it is ready.", "info")
    return redirect(url_for(".job", slug=slug, job_id=job.id))


@bp.get("/<slug>/exports/<int:job_id>")
@login_required
def job(slug: str, job_id: int):
    job = _load_job(slug, job_id)
    return render_template(
        "ranking/export_job.html",
        position=job.position,
        job=job,
        can_download=can_download_export_job(current_user, job),
        keep_days=jobs.keep_days(current_app),
        is_chair=True,
    )


@bp.get("/<slug>/exports/<int:job_id>/status")
@login_required
def status(slug: str, job_id: int):
    job = _load_job(slug, job_id)
    payload = {"id": job.id, "status": job.status, "finished": job.is_finished, "error": job.error}
    if job.status == ExportStatus.DONE and can_download_export_job(current_user, job):
        payload["download_url"] = url_for(".file", slug=slug, job_id=job.id)
        payload["filename"] = job.filename
    return jsonify(payload)


@bp.get("/<slug>/exports/<int:job_id>/file")
@login_required
def file(slug: str, job_id: int):
    job = _load_job(slug, job_id)
    if job.status == ExportStatus.EXPIRED:  # an old link: say why there is no file
        flash("This export's file was deleted as too old. Export again for a new one.", "warning")
        return redirect(url_for(".job", slug=slug, job_id=job.id))
    require_or_404(job.status == ExportStatus.DONE)
    require_or_404(can_download_export_job(current_user, job))
    return _file_response(job)
