"""Chair pages for imports: upload (queued for the worker), batch progress and report, history."""

import errno

from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    jsonify,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_login import current_user, login_required
from sqlalchemy.exc import SQLAlchemyError

from reviewapp.candidates.permissions import hidden_candidate_ids
from reviewapp.extensions import db
from reviewapp.importing import operations
from reviewapp.importing.forms import ResumeForm, UploadForm
from reviewapp.importing.jobs import enqueue_import
from reviewapp.importing.models import ImportBatch
from reviewapp.positions.routes import load_position

bp = Blueprint("importing", __name__, url_prefix="/p")
DISK_FULL = (
    "The server has no disk space left, so nothing was stored. Please tell the administrator, "
    "then upload the files again."
)


def _load_batch(position, batch_id: int) -> ImportBatch:
    batch = db.session.get(ImportBatch, batch_id)
    if batch is None or batch.position_id != position.id:
        abort(404)
    return batch


def _uploads(form: UploadForm) -> list[tuple[str, bytes]] | None:
    """The uploaded files' bytes, or None (with a form error) if one is over the size limit."""
    limit = current_app.config["MAX_FILE_SIZE"]
    files = []
    for storage in form.files.data or []:
        if not storage or not storage.filename:
            continue
        data = storage.read(limit + 1)
        if len(data) > limit:
            form.files.errors.append(
                f"{storage.filename} is larger than {limit // (1024 * 1024)} MB."
            )
            return None
        files.append((storage.filename, data))
    return files


def _is_disk_full(exc: BaseException) -> bool:
    """ENOSPC/EDQUOT from the upload spool, or the database saying it has no room left."""
    if isinstance(exc, OSError):
        return exc.errno in (errno.ENOSPC, errno.EDQUOT)
    message = str(getattr(exc, "orig", exc)).lower()
    return isinstance(exc, SQLAlchemyError) and (
        "disk is full" in message or "no space left" in message or "disk full" in message
    )


@bp.errorhandler(OSError)
@bp.errorhandler(SQLAlchemyError)
def _disk_full(exc):
    """An upload that found no disk space (spooling the request, or in the database) stores
    nothing and tells the chair so; every other error goes on to the usual handling."""
    if request.endpoint != "importing.imports" or not _is_disk_full(exc):
        raise exc
    db.session.rollback()
    current_app.logger.error("upload refused, no space left: %s", exc)
    flash(DISK_FULL, "danger")
    return redirect(request.path, code=303)


def _store_upload(position, form: UploadForm) -> ImportBatch | None:
    """Store and commit the uploaded files as a queued batch (None if one is too large)."""
    files = _uploads(form)
    if not files:
        return None
    manifest = form.manifest.data
    manifest = (manifest.filename, manifest.read()) if manifest and manifest.filename else None
    batch = operations.create_batch(
        position, files, actor=current_user, manifest=manifest, source="upload"
    )
    db.session.commit()
    return batch


@bp.route("/<slug>/imports/", methods=["GET", "POST"])
@login_required
def imports(slug: str):
    position = load_position(slug, manage=True)
    form = UploadForm()
    if form.validate_on_submit() and (batch := _store_upload(position, form)):
        enqueue_import(current_app._get_current_object(), batch.id)
        count = batch.total_files
        flash(f"{count} file(s) uploaded; the import runs in the background.", "success")
        return redirect(url_for(".batch", slug=slug, batch_id=batch.id))
    if operations.mark_interrupted_in(position):
        db.session.commit()
    batches = db.session.scalars(
        db.select(ImportBatch)
        .filter_by(position_id=position.id)
        .order_by(ImportBatch.created_at.desc(), ImportBatch.id.desc())
    ).all()
    return render_template(
        "importing/imports.html", position=position, form=form, batches=batches, is_chair=True
    )


def _load_checked(position, batch_id: int) -> ImportBatch:
    """The batch, called interrupted first if its worker is gone."""
    batch = _load_batch(position, batch_id)
    if operations.mark_interrupted(batch):
        db.session.commit()
    return batch


@bp.get("/<slug>/imports/<int:batch_id>")
@login_required
def batch(slug: str, batch_id: int):
    position = load_position(slug, manage=True)
    batch = _load_checked(position, batch_id)
    return render_template(
        "importing/batch.html", position=position, batch=batch, is_chair=True, form=ResumeForm(),
        hidden=hidden_candidate_ids(current_user, position),  # a conflicted chair's rows
    )  # fmt: skip


@bp.post("/<slug>/imports/<int:batch_id>/resume")
@login_required
def resume(slug: str, batch_id: int):
    position = load_position(slug, manage=True)
    batch = _load_checked(position, batch_id)
    if not ResumeForm().validate_on_submit():
        abort(400)
    try:
        operations.resume_batch(batch, actor=current_user)
    except operations.ResumeRefused as exc:
        flash(str(exc), "warning")
        return redirect(url_for(".batch", slug=slug, batch_id=batch.id))
    db.session.commit()
    enqueue_import(current_app._get_current_object(), batch.id)
    flash("The import continues with the files it had not handled yet.", "success")
    return redirect(url_for(".batch", slug=slug, batch_id=batch.id))


@bp.get("/<slug>/imports/<int:batch_id>/status")
@login_required
def status(slug: str, batch_id: int):
    position = load_position(slug, manage=True)
    batch = _load_checked(position, batch_id)
    payload = {
        "id": batch.id,
        "status": batch.status,
        "finished": batch.is_finished,
        "total": batch.total_files,
        "processed": batch.processed,
        "totals": batch.totals(),
        "error": batch.error,
    }
    if batch.is_finished:
        payload["report_url"] = url_for(".batch", slug=slug, batch_id=batch.id)
    return jsonify(payload)
