"""The chair's assignment pages: the candidate × reviewer matrix and the automatic proposal."""

from flask import Blueprint, Response, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required
from flask_wtf import FlaskForm

from reviewapp.assignments import auto, operations
from reviewapp.assignments.forms import AutoAssignForm, ImportAssignmentsForm, ImportScoresForm
from reviewapp.assignments.models import Assignment
from reviewapp.auth.models import User
from reviewapp.candidates.models import Candidate
from reviewapp.candidates.permissions import hidden_candidate_ids
from reviewapp.conflicts.models import Conflict, ConflictStatus
from reviewapp.extensions import db
from reviewapp.positions.routes import load_position
from reviewapp.reviews.models import Review
from reviewapp.reviews.queries import declined_assignments
from reviewapp.scores_io import TableError, export_scores, import_assignments, import_scores
from reviewapp.stages.operations import current_stage

bp = Blueprint("assignments", __name__, url_prefix="/p")
PAGE_SIZE = 50


@bp.get("/<slug>/assignments/")
@login_required
def matrix(slug: str):
    """Candidates (paginated) × reviewers with each cell's state."""
    position = load_position(slug, manage=True)
    stage = current_stage(position)
    hidden = hidden_candidate_ids(current_user, position)
    candidates = [c for c in auto.stage_candidates(position, stage) if c.id not in hidden]
    page = max(1, request.args.get("page", 1, type=int))
    pages = max(1, -(-len(candidates) // PAGE_SIZE))
    shown = candidates[(page - 1) * PAGE_SIZE : page * PAGE_SIZE]
    reviewers = auto.active_reviewers(position)
    ids = [c.id for c in shown]
    states: dict[tuple[int, int], tuple[str, int | None]] = {}
    for candidate_id, reviewer_id in db.session.execute(
        db.select(Conflict.candidate_id, Conflict.reviewer_id).where(
            Conflict.candidate_id.in_(ids), Conflict.status != ConflictStatus.DISMISSED
        )
    ):
        states[(candidate_id, reviewer_id)] = ("conflict", None)
    for assignment, review in db.session.execute(
        db.select(Assignment, Review)
        .outerjoin(Review, Review.assignment_id == Assignment.id)
        .where(Assignment.candidate_id.in_(ids), Assignment.stage_id == stage.id)
    ):
        if assignment.is_declined:
            state = "declined"
        elif review is None:
            state = "assigned"
        else:
            state = review.status
        key = (assignment.candidate_id, assignment.reviewer_id)
        if key not in states:
            states[key] = (state, assignment.id)
    return render_template(
        "assignments/matrix.html", position=position, candidates=shown, reviewers=reviewers,
        states=states, page=page, pages=pages, is_chair=True, stage=stage,
        declines=declined_assignments([c.id for c in candidates], stage_id=stage.id),
        import_form=ImportAssignmentsForm(formdata=None),
        scores_form=ImportScoresForm(formdata=None),
    )  # fmt: skip


@bp.post("/<slug>/assignments/<int:candidate_id>/<int:reviewer_id>")
@login_required
def toggle(slug: str, candidate_id: int, reviewer_id: int):
    position = load_position(slug, manage=True)
    candidate = db.session.get(Candidate, candidate_id)
    reviewer = db.session.get(User, reviewer_id)
    if candidate is None or candidate.position_id != position.id or reviewer is None:
        abort(404)
    if candidate.id in hidden_candidate_ids(current_user, position):
        abort(404)
    if reviewer not in auto.active_reviewers(position):
        abort(404)
    stage = current_stage(position)
    if not stage.is_default and candidate not in auto.stage_candidates(position, stage):
        abort(404)
    existing = db.session.scalar(
        db.select(Assignment).filter_by(
            candidate_id=candidate.id, reviewer_id=reviewer.id, stage_id=stage.id
        )
    )
    try:
        if existing is None:
            operations.assign(candidate, reviewer, stage, actor=current_user)
            message = f"{reviewer.display_name} assigned to {candidate.name}."
        else:
            operations.unassign(existing, actor=current_user)
            message = f"{reviewer.display_name} unassigned from {candidate.name}."
    except operations.AssignmentError as error:
        db.session.rollback()
        flash(str(error), "danger")
    else:
        db.session.commit()
        flash(message, "success")
    return redirect(url_for(".matrix", slug=slug, page=request.args.get("page", 1, type=int)))


@bp.route("/<slug>/assignments/auto", methods=["GET", "POST"])
@login_required
def automatic(slug: str):
    position = load_position(slug, manage=True)
    form = AutoAssignForm(data={"per_candidate": position.reviews_per_candidate})
    proposal = None
    if form.validate_on_submit():
        try:
            proposal = auto.propose(
                position,
                k=form.per_candidate.data,
                max_load=form.max_load.data or None,
                stage=current_stage(position),
            )
        except operations.AssignmentError as error:
            flash(str(error), "danger")
        else:
            if form.apply.data:
                created, removed = auto.apply_proposal(proposal, actor=current_user)
                db.session.commit()
                flash(f"Applied: {created} new assignment(s), {removed} removed.", "success")
                return redirect(url_for(".matrix", slug=slug))
    return render_template(
        "assignments/auto.html", position=position, form=form, proposal=proposal, is_chair=True
    )


def _import_table(slug: str, form: FlaskForm, importer, done: str):
    """Validate every row of an uploaded CSV/XLSX first; store all of it or nothing."""
    position = load_position(slug, manage=True)
    if not form.validate_on_submit():
        flash("Choose a CSV or XLSX file.", "danger")
        return redirect(url_for(".matrix", slug=slug))
    try:
        count = importer(position, form.file.data.read(), actor=current_user)
    except TableError as error:
        db.session.rollback()
        flash(f"Nothing imported. {error}", "danger")
        return redirect(url_for(".matrix", slug=slug))
    db.session.commit()
    flash(done.format(count=count), "success")
    return redirect(url_for(".matrix", slug=slug))


@bp.post("/<slug>/assignments/import")
@login_required
def import_file(slug: str):
    return _import_table(
        slug, ImportAssignmentsForm(), import_assignments, "{count} new assignment(s)."
    )


@bp.post("/<slug>/scores/import")
@login_required
def import_scores_file(slug: str):
    """Offline scores: every row validated first; nothing stored if any row is wrong."""
    return _import_table(slug, ImportScoresForm(), import_scores, "Imported {count} review(s).")


@bp.get("/<slug>/scores/export.csv")
@login_required
def export_scores_file(slug: str):
    position = load_position(slug, manage=True)
    if hidden_candidate_ids(current_user, position) & {
        c.id for c in auto.stage_candidates(position, position.default_stage)
    }:
        abort(404)  # a conflicted chair gets no file that would show those candidates' scores
    return Response(
        export_scores(position, xlsx=False),
        mimetype="text/csv",
        headers={"Content-Disposition": f'attachment; filename="{position.slug}-scores.csv"'},
    )
