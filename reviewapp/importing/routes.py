"""Chair pages for imports: upload (queued for the worker), batch progress and report, history."""

from flask import Blueprint, abort, current_app, flash, jsonify, redirect, render_template, url_for
from flask_login import current_user, login_required

from reviewapp.extensions import db
from reviewapp.importing import operations
from reviewapp.importing.forms import UploadForm
from reviewapp.importing.jobs import enqueue_import
from reviewapp.importing.models import ImportBatch
from reviewapp.positions.routes import load_position

bp = Blueprint("importing", __name__, url_prefix="/p")


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


@bp.route("/<slug>/imports/", methods=["GET", "POST"])
@login_required
def imports(slug: str):
    position = load_position(slug, manage=True)
    form = UploadForm()
    if form.validate_on_submit() and (files := _uploads(form)):
        manifest = form.manifest.data
        manifest = (manifest.filename, manifest.read()) if manifest and manifest.filename else None
        batch = operations.create_batch(
            position, files, actor=current_user, manifest=manifest, source="upload"
        )
        db.session.commit()
        enqueue_import(current_app._get_current_object(), batch.id)
        flash(f"{len(files)} file(s) uploaded; the import runs in the background.", "success")
        return redirect(url_for(".batch", slug=slug, batch_id=batch.id))
    batches = db.session.scalars(
        db.select(ImportBatch)
        .filter_by(position_id=position.id)
        .order_by(ImportBatch.created_at.desc(), ImportBatch.id.desc())
    ).all()
    return render_template(
        "importing/imports.html", position=position, form=form, batches=batches, is_chair=True
    )


@bp.get("/<slug>/imports/<int:batch_id>")
@login_required
def batch(slug: str, batch_id: int):
    position = load_position(slug, manage=True)
    batch = _load_batch(position, batch_id)
    return render_template("importing/batch.html", position=position, batch=batch, is_chair=True)


@bp.get("/<slug>/imports/<int:batch_id>/status")
@login_required
def status(slug: str, batch_id: int):
    position = load_position(slug, manage=True)
    batch = _load_batch(position, batch_id)
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
