"""The chair's conflicts page (run detection, confirm, dismiss, add, remove) and the reviewer's
declaration on an assigned candidate."""

from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask_login import current_user, login_required

from reviewapp.auth.models import User
from reviewapp.candidates.models import Candidate
from reviewapp.conflicts import operations
from reviewapp.conflicts.forms import AddConflictForm, DeclareConflictForm
from reviewapp.conflicts.models import Conflict, ConflictSource, ConflictStatus
from reviewapp.extensions import db
from reviewapp.positions.routes import load_position

bp = Blueprint("conflicts", __name__, url_prefix="/p")


def _own_conflicts(user) -> set[int]:
    """Candidates the viewer is conflicted with: hidden from them here too."""
    return set(
        db.session.scalars(
            db.select(Conflict.candidate_id).where(
                Conflict.reviewer_id == user.id, Conflict.status != ConflictStatus.DISMISSED
            )
        )
    )


def _add_form(position) -> AddConflictForm:
    hidden = _own_conflicts(current_user)
    form = AddConflictForm()
    form.reviewer.choices = [
        (u.id, f"{u.display_name} <{u.email}>") for u in operations.committee_users(position)
    ]
    form.candidate.choices = [
        (c.id, c.name) for c in operations.position_candidates(position) if c.id not in hidden
    ]
    return form


@bp.get("/<slug>/conflicts")
@login_required
def index(slug: str):
    position = load_position(slug, manage=True)
    return _page(position, _add_form(position))


def _page(position, form):
    hidden = _own_conflicts(current_user)
    rows = db.session.execute(
        db.select(Conflict, User, Candidate)
        .join(User, User.id == Conflict.reviewer_id)
        .join(Candidate, Candidate.id == Conflict.candidate_id)
        .where(Conflict.position_id == position.id)
        .order_by(Conflict.status.desc(), Candidate.name, User.display_name)
    ).all()
    rows = [r for r in rows if r[2].id not in hidden]
    return render_template(
        "conflicts/index.html", position=position, rows=rows, form=form, is_chair=True
    )


@bp.post("/<slug>/conflicts/detect")
@login_required
def detect(slug: str):
    position = load_position(slug, manage=True)
    created = operations.store_detected_conflicts(position, actor=current_user)
    db.session.commit()
    flash(f"Detection found {len(created)} new conflict(s) to review.", "success")
    return redirect(url_for(".index", slug=slug))


@bp.post("/<slug>/conflicts/add")
@login_required
def add(slug: str):
    position = load_position(slug, manage=True)
    form = _add_form(position)
    if not form.validate_on_submit():
        return _page(position, form), 400
    reviewer = db.session.get(User, form.reviewer.data)
    candidate = db.session.get(Candidate, form.candidate.data)
    operations.add_conflict(
        position, reviewer, candidate, source=ConflictSource.CHAIR, kind=form.kind.data,
        reason=form.reason.data, actor=current_user,
    )  # fmt: skip
    db.session.commit()
    flash(f"Conflict added: {reviewer.display_name} / {candidate.name}.", "success")
    return redirect(url_for(".index", slug=slug))


def _load_conflict(position, conflict_id: int) -> Conflict:
    conflict = db.session.get(Conflict, conflict_id)
    if conflict is None or conflict.position_id != position.id:
        abort(404)
    if conflict.candidate_id in _own_conflicts(current_user):
        abort(404)
    return conflict


@bp.post("/<slug>/conflicts/<int:conflict_id>/<any(confirm, dismiss):decision>")
@login_required
def decide(slug: str, conflict_id: int, decision: str):
    position = load_position(slug, manage=True)
    conflict = _load_conflict(position, conflict_id)
    status = ConflictStatus.CONFIRMED if decision == "confirm" else ConflictStatus.DISMISSED
    operations.decide_conflict(conflict, status=status, actor=current_user)
    db.session.commit()
    flash(f"Conflict {status}.", "success")
    return redirect(url_for(".index", slug=slug))


@bp.post("/<slug>/conflicts/<int:conflict_id>/remove")
@login_required
def remove(slug: str, conflict_id: int):
    position = load_position(slug, manage=True)
    conflict = _load_conflict(position, conflict_id)
    try:
        operations.remove_conflict(conflict, actor=current_user)
    except operations.ConflictError as error:
        flash(str(error), "danger")
        return redirect(url_for(".index", slug=slug))
    db.session.commit()
    flash("Conflict removed.", "success")
    return redirect(url_for(".index", slug=slug))


@bp.post("/<slug>/reviews/<int:assignment_id>/conflict")
@login_required
def declare(slug: str, assignment_id: int):
    from reviewapp.reviews.routes import load_assignment

    assignment = load_assignment(slug, assignment_id)
    form = DeclareConflictForm()
    if not form.validate_on_submit():
        flash("Say briefly what the conflict is.", "danger")
        return redirect(url_for("reviews.score", slug=slug, assignment_id=assignment_id))
    operations.add_conflict(
        assignment.candidate.position, current_user, assignment.candidate,
        source=ConflictSource.DECLARED, kind=form.kind.data, reason=form.reason.data,
        actor=current_user,
    )  # fmt: skip
    db.session.commit()
    flash("Conflict declared: the candidate is no longer shown to you.", "success")
    return redirect(url_for("reviews.mine", slug=slug))
