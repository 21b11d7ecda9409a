"""The reviewer's pages: "My reviews", the scoring page, the JSON autosave and declining."""

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

from reviewapp.assignments import operations as assignments
from reviewapp.assignments.models import Assignment
from reviewapp.auth.permissions import require_or_404
from reviewapp.conflicts.forms import DeclareConflictForm
from reviewapp.extensions import db
from reviewapp.positions.routes import load_position
from reviewapp.reviews import operations, queries
from reviewapp.reviews.forms import (
    DeclineForm,
    criterion_field_name,
    expected_version,
    make_review_form,
    review_input,
)
from reviewapp.reviews.permissions import can_score, can_see_other_reviews
from reviewapp.rubrics.operations import current_rubric

bp = Blueprint("reviews", __name__, url_prefix="/p")


def load_assignment(slug: str, assignment_id: int) -> Assignment:
    """The current user's own assignment, or 404 for anyone else (the chair included)."""
    position = load_position(slug)
    assignment = db.session.get(Assignment, assignment_id)
    if assignment is None or assignment.position_id != position.id:
        abort(404)
    require_or_404(can_score(current_user, assignment))
    return assignment


def rubric_for(assignment: Assignment):
    """A started review keeps its rubric version; a new one uses the current rubric."""
    if assignment.review is not None:
        return assignment.review.rubric
    rubric = current_rubric(assignment.candidate.position)
    if rubric is None:
        abort(409, "The chair has not set up a rubric yet.")
    return rubric


@bp.get("/<slug>/reviews/")
@login_required
def mine(slug: str):
    position = load_position(slug)
    items = queries.my_assignments(current_user, position)
    active = [i for i in items if i.status != "declined"]
    submitted = sum(1 for i in active if i.status == "submitted")
    return render_template(
        "reviews/mine.html", position=position, items=items, total=len(active), done=submitted
    )


@bp.route("/<slug>/reviews/<int:assignment_id>", methods=["GET", "POST"])
@login_required
def score(slug: str, assignment_id: int):
    assignment = load_assignment(slug, assignment_id)
    rubric = rubric_for(assignment)
    if request.method == "GET":
        form = make_review_form(rubric, assignment.review)
        return _score_page(assignment, rubric, form)
    form = make_review_form(rubric, formdata=request.form)
    if not form.validate_on_submit():
        return _score_page(assignment, rubric, form), 400
    submit = bool(form.submit_review.data)
    try:
        operations.save_review(
            assignment,
            rubric,
            review_input(rubric, request.form),
            submit=submit,
            expected_version=expected_version(form.version.data),
            actor=current_user,
        )
    except operations.StaleReview as error:
        db.session.rollback()
        return _score_page(assignment, rubric, form, error=str(error)), 409
    except operations.ReviewError as error:
        db.session.rollback()
        for name, message in error.errors.items():
            if name in form:
                form[name].errors = [*form[name].errors, message]
        return _score_page(assignment, rubric, form, error=str(error)), 422
    db.session.commit()
    flash("Review submitted." if submit else "Draft saved.", "success")
    return redirect(url_for(".score", slug=slug, assignment_id=assignment.id))


def _score_page(assignment, rubric, form, *, error: str | None = None):
    position = assignment.candidate.position
    candidate = assignment.candidate
    items = queries.my_assignments(current_user, position)
    others = []
    if can_see_other_reviews(current_user, candidate):
        others = queries.other_reviews(candidate, exclude_assignment_id=assignment.id)
    review = assignment.review
    return render_template(
        "reviews/score.html",
        position=position,
        assignment=assignment,
        candidate=candidate,
        rubric=rubric,
        form=form,
        review=review,
        error=error,
        criterion_fields=[form[criterion_field_name(c.id)] for c in rubric.criteria],
        next_item=queries.next_assignment(items, assignment.id),
        others=others,
        documents=candidate.documents,
        can_embed="candidates.document_file" in current_app.view_functions,
        decline_form=DeclineForm(formdata=None),
        declare_form=DeclareConflictForm(formdata=None),
    )


@bp.post("/<slug>/reviews/<int:assignment_id>/autosave")
@login_required
def autosave(slug: str, assignment_id: int):
    """The JSON draft save behind review.js: 200 with the new version, 409 when stale,
    422 with field errors."""
    assignment = load_assignment(slug, assignment_id)
    rubric = rubric_for(assignment)
    payload = request.get_json(silent=True)
    if not isinstance(payload, dict):
        return jsonify(error="Send the draft as a JSON object."), 400
    try:
        review = operations.save_review(
            assignment,
            rubric,
            review_input(rubric, payload),
            submit=False,
            expected_version=expected_version(payload.get("version")),
            actor=current_user,
        )
    except operations.StaleReview as error:
        db.session.rollback()
        return jsonify(error=str(error), stale=True), 409
    except operations.ReviewError as error:
        db.session.rollback()
        return jsonify(error=str(error), errors=error.errors), 422
    db.session.commit()
    return jsonify(
        ok=True,
        version=review.version,
        status=review.status,
        saved_at=review.updated_at.isoformat(),
    )


@bp.post("/<slug>/reviews/<int:assignment_id>/decline")
@login_required
def decline(slug: str, assignment_id: int):
    assignment = load_assignment(slug, assignment_id)
    form = DeclineForm()
    if not form.validate_on_submit():
        flash("Say briefly why you decline, for the chair.", "danger")
        return redirect(url_for(".score", slug=slug, assignment_id=assignment_id))
    assignments.decline_assignment(assignment, reason=form.reason.data, actor=current_user)
    db.session.commit()
    flash(f"You declined {assignment.candidate.name}; the chair will see your reason.", "success")
    return redirect(url_for(".mine", slug=slug))
