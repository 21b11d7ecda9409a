"""Downloads of the decision pack from the ranking page (POST: the export is audited)."""

import io

from flask import Blueprint, flash, redirect, request, send_file, url_for
from flask_login import current_user, login_required

from reviewapp.exports import operations
from reviewapp.extensions import db
from reviewapp.ranking import METHODS
from reviewapp.ranking.routes import chosen_stage, load_ranking_position

bp = Blueprint("exports", __name__, url_prefix="/p")


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
    result = operations.export_file(
        position,
        stage,
        fmt=fmt,
        method=method,
        viewer=current_user,
        actor=current_user,
        anonymize=bool(request.form.get("anonymize")),
        include_private_notes=bool(request.form.get("include_private_notes")),
    )
    db.session.commit()
    response = send_file(
        io.BytesIO(result.data),
        mimetype=result.mimetype,
        as_attachment=True,
        download_name=result.filename,
        max_age=0,
    )
    response.headers["Cache-Control"] = "private, no-store"
    return response
