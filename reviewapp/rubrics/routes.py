"""The chair's rubric editor: rows of criteria, templates, copies and files."""

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from reviewapp.assignments.models import Assignment
from reviewapp.auth.models import User
from reviewapp.auth.permissions import is_chair
from reviewapp.candidates.models import Candidate
from reviewapp.conflicts.models import Conflict, ConflictStatus
from reviewapp.extensions import db
from reviewapp.positions.models import Role
from reviewapp.positions.operations import get_position, positions_for
from reviewapp.positions.routes import load_position
from reviewapp.reviews.models import Review
from reviewapp.rubrics import files
from reviewapp.rubrics.forms import (
    RubricForm,
    StartFromForm,
    UploadRubricForm,
    criteria_from_form,
    row_data,
)
from reviewapp.rubrics.models import Rubric
from reviewapp.rubrics.operations import RubricError, current_rubric, save_rubric
from reviewapp.rubrics.templates import TEMPLATES

bp = Blueprint("rubrics", __name__, url_prefix="/p")


def _source_choices(position) -> list[tuple[str, str]]:
    choices = [(f"template:{key}", f"Template: {t['title']}") for key, t in TEMPLATES.items()]
    for other in positions_for(current_user, Role.CHAIR):
        if other.id != position.id and current_rubric(other) is not None:
            choices.append((f"position:{other.slug}", f"Copy: {other.title}"))
    return choices


def _rows_of(rubric: Rubric | None) -> list[dict]:
    if rubric is None:
        return [row_data({})]
    return [row_data({**files.rubric_data(rubric)["criteria"][i], "id": c.id})
            for i, c in enumerate(rubric.criteria)]  # fmt: skip


def _old_version_reviews(position, rubric):
    """Reviews kept on an older rubric version (the chair can ask reviewers to update)."""
    if rubric is None:
        return []
    hidden = db.select(Conflict.candidate_id).where(
        Conflict.reviewer_id == current_user.id, Conflict.status != ConflictStatus.DISMISSED
    )
    return db.session.execute(
        db.select(Review, Rubric.version, User.display_name, Candidate.name)
        .join(Rubric, Rubric.id == Review.rubric_id)
        .join(Assignment, Assignment.id == Review.assignment_id)
        .join(User, User.id == Assignment.reviewer_id)
        .join(Candidate, Candidate.id == Assignment.candidate_id)
        .where(
            Rubric.position_id == position.id,
            Rubric.id != rubric.id,
            Candidate.id.not_in(hidden),
        )
        .order_by(Candidate.name)
    ).all()


def _page(position, form, *, status=200):
    rubric = current_rubric(position)
    start = StartFromForm(formdata=None)
    start.source.choices = _source_choices(position)
    return render_template(
        "rubrics/edit.html", position=position, form=form, rubric=rubric, start_form=start,
        upload_form=UploadRubricForm(formdata=None), is_chair=True,
        old_reviews=_old_version_reviews(position, rubric),
    ), status  # fmt: skip


@bp.route("/<slug>/rubric", methods=["GET", "POST"])
@login_required
def edit(slug: str):
    position = load_position(slug, manage=True)
    if request.method == "GET":
        return _page(position, RubricForm(data={"criteria": _rows_of(current_rubric(position))}))
    form = RubricForm()
    if not form.validate_on_submit():
        return _page(position, form, status=400)
    rows = [entry.data for entry in form.criteria.entries]
    move = request.form.get("move", "")
    if move or form.add_row.data:
        if move:
            direction, _, index = move.partition("-")
            i = int(index) if index.isdigit() else -1
            j = i - 1 if direction == "up" else i + 1
            if 0 <= i < len(rows) and 0 <= j < len(rows):
                rows[i], rows[j] = rows[j], rows[i]
        else:
            rows.append(row_data({}))
        return _page(position, RubricForm(formdata=None, data={"criteria": rows}))
    try:
        rubric, how = save_rubric(position, criteria_from_form(form), actor=current_user)
    except RubricError as error:
        db.session.rollback()
        flash(str(error), "danger")
        return _page(position, form, status=422)
    db.session.commit()
    flash(f"Rubric saved: version {rubric.version} ({how}).", "success")
    return redirect(url_for(".edit", slug=slug))


@bp.post("/<slug>/rubric/start")
@login_required
def start(slug: str):
    """Fill the editor from a template or another position's rubric (saved only on Save)."""
    position = load_position(slug, manage=True)
    form = StartFromForm()
    form.source.choices = _source_choices(position)
    if not form.validate_on_submit():
        flash("Choose a template or a rubric to copy.", "danger")
        return redirect(url_for(".edit", slug=slug))
    kind, _, key = form.source.data.partition(":")
    if kind == "template":
        criteria = TEMPLATES[key]["criteria"]
        rows = [row_data(c) for c in criteria]
    else:
        other = get_position(key)
        if other is None or not is_chair(current_user, other):
            return redirect(url_for(".edit", slug=slug))
        rows = [dict(r, id="") for r in _rows_of(current_rubric(other))]
    current = current_rubric(position)
    if current is not None:
        ids = {c.name.casefold(): c.id for c in current.criteria}
        rows = [dict(r, id=ids.get(r["name"].casefold(), "")) for r in rows]
    flash("Loaded into the editor: check it and press Save rubric.", "info")
    return _page(position, RubricForm(formdata=None, data={"criteria": rows}))


@bp.post("/<slug>/rubric/upload")
@login_required
def upload(slug: str):
    position = load_position(slug, manage=True)
    form = UploadRubricForm()
    if not form.validate_on_submit():
        flash("Choose a YAML or JSON file.", "danger")
        return redirect(url_for(".edit", slug=slug))
    upload = form.file.data
    try:
        text = upload.read(files.MAX_RUBRIC_BYTES + 1).decode("utf-8")
        criteria = files.parse_rubric(text, upload.filename or "")
        rubric, how = save_rubric(position, criteria, actor=current_user)
    except (RubricError, UnicodeDecodeError) as error:
        db.session.rollback()
        flash(f"Rubric not loaded: {error}", "danger")
        return redirect(url_for(".edit", slug=slug))
    db.session.commit()
    flash(f"Rubric saved: version {rubric.version} ({how}).", "success")
    return redirect(url_for(".edit", slug=slug))
