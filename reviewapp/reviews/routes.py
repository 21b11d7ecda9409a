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
from reviewapp.candidates.permissions import can_manage_candidate, note_fact
from reviewapp.conflicts.forms import DeclareConflictForm
from reviewapp.discussion.view import discussion_thread
from reviewapp.extensions import db
from reviewapp.positions.routes import load_position
from reviewapp.reviews import errors, operations, queries, updates
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
errors.init_blueprint(bp)  # a database outage during a save answers 503, not 500


@bp.app_template_global()
def candidate_declines(candidate) -> list[Assignment]:
    """The candidate's declined assignments, for a chair who may manage the candidate only."""
    if not can_manage_candidate(current_user, candidate):
        return []
    return queries.declined_assignments([candidate.id])


def load_assignment(slug: str, assignment_id: int, *, page: bool = False) -> Assignment:
    """The current user's own assignment, or 404 for anyone else (the chair included); with
    what the scoring `page` (or, without it, a save) reads loaded at once."""
    position = load_position(slug)
    assignment = queries.scoring_assignment(position, assignment_id, page=page)
    if assignment is None:
        abort(404)
    require_or_404(can_score(current_user, assignment))
    # What this assignment proves, so the visibility predicates need not ask again: the user
    # holds an open assignment of the candidate, and a submitted review if this one is.
    note_fact("assigned", current_user, assignment.candidate, True)
    if assignment.review is not None and assignment.review.is_submitted:
        note_fact("submitted", current_user, assignment.candidate, True)
    return assignment


def rubric_for(assignment: Assignment, *, update: bool = False):
    """A started review keeps its rubric version; a new one uses the current rubric, and so
    does a started one the reviewer is moving (`update`, the "?update=1" of the page)."""
    if assignment.review is not None and not update:
        return assignment.review.rubric
    rubric = queries.latest_rubric(assignment.candidate.position)
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
    requested = {i.review_id for i in active if i.update_requested}
    return render_template(
        "reviews/mine.html", position=position, items=items, total=len(active), done=submitted,
        update_requested=requested,
    )  # fmt: skip


@bp.get("/<slug>/reviews/outdated")
@login_required
def outdated(slug: str):
    """The chair's list of reviews on an old rubric version, with the update requests."""
    position = load_position(slug, manage=True)
    rubric = current_rubric(position)
    rows = updates.outdated_reviews(position, rubric, current_user) if rubric else []
    return render_template(
        "reviews/outdated.html", position=position, rubric=rubric, rows=rows, is_chair=True
    )


@bp.post("/<slug>/reviews/outdated/ask")
@login_required
def ask_update(slug: str):
    position = load_position(slug, manage=True)
    rubric = current_rubric(position)
    raw = request.form.getlist("review_id")
    try:
        if not all(v.isascii() and v.isdigit() and len(v) <= 9 for v in raw):
            raise ValueError(raw)
        review_ids = [int(v) for v in raw] if raw else None
        if rubric is None:
            raise updates.UpdateRequestError("The position has no rubric yet.")
        count = updates.request_updates(
            position=position, current=rubric, review_ids=review_ids, actor=current_user
        )
    except (ValueError, updates.UpdateRequestError) as error:
        db.session.rollback()
        message = str(error) if isinstance(error, updates.UpdateRequestError) else "Bad review id."
        flash(message, "danger")
    else:
        db.session.commit()
        flash(f"Asked the reviewers of {count} review(s) to update to version "
              f"{rubric.version}.", "success")  # fmt: skip
    return redirect(url_for(".outdated", slug=slug))


@bp.route("/<slug>/reviews/<int:assignment_id>", methods=["GET", "POST"])
@login_required
def score(slug: str, assignment_id: int):
    assignment = load_assignment(slug, assignment_id, page=request.method == "GET")
    rubric = rubric_for(assignment, update=_updating())
    review = assignment.review
    if request.method == "GET":
        moving = review is not None and review.rubric_id != rubric.id
        scores = updates.carried_scores(review, rubric) if moving else None
        form = make_review_form(rubric, review, scores=scores)
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
    return redirect(url_for(".score", slug=slug, assignment_id=assignment_id))


def _updating() -> bool:
    return request.args.get("update") == "1"


def _score_page(assignment, rubric, form, *, error: str | None = None):
    """Everything the page shows is loaded here, none of it from the templates."""
    candidate = assignment.candidate
    others = []
    if can_see_other_reviews(current_user, candidate):
        others = queries.other_reviews(candidate, exclude_assignment_id=assignment.id)
    review = assignment.review
    moving = review is not None and review.rubric_id != rubric.id
    # A new review or one being moved is on the current rubric already (rubric_for); else
    # the page says whether a newer version exists (its criteria are not needed for that).
    if review is None or moving:
        current = rubric
    else:
        current = queries.latest_rubric(candidate.position, criteria=False)
    outdated = not moving and review is not None and current and review.rubric_id != current.id
    return render_template(
        "reviews/score.html",
        position=candidate.position,
        assignment=assignment,
        candidate=candidate,
        rubric=rubric,
        form=form,
        review=review,
        error=error,
        criterion_fields=[form[criterion_field_name(c.id)] for c in rubric.criteria],
        next_item=queries.next_assignment(current_user, assignment),
        others=others,
        documents=candidate.documents,
        can_embed="candidates.document_file" in current_app.view_functions,
        decline_form=DeclineForm(formdata=None),
        declare_form=DeclareConflictForm(formdata=None),
        current_rubric=current,
        moving=moving,
        update_request=updates.open_request(review) if outdated else None,
        thread=discussion_thread(candidate, assignment.id),
    )


@bp.post("/<slug>/reviews/<int:assignment_id>/autosave")
@login_required
def autosave(slug: str, assignment_id: int):
    """The JSON draft save behind review.js: 200 with the new version, 409 when stale,
    422 with field errors."""
    assignment = load_assignment(slug, assignment_id)
    rubric = rubric_for(assignment, update=_updating())
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
    # Read before the commit expires the review: no reload just to answer.
    saved = {
        "ok": True,
        "version": review.version,
        "status": review.status,
        "saved_at": review.updated_at.isoformat(),
    }
    db.session.commit()
    return jsonify(**saved)


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
