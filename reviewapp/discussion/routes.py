"""The committee thread of a candidate: post, delete one's own, hide (chair).

Anyone who may not read the thread gets 404, so a conflicted member cannot even learn that a
thread (or the candidate) exists. The thread is shown by the `discussion_thread` template
global on the chair's candidate page and below the reviewer's scoring form.
"""

from flask import Blueprint, abort, flash, redirect, request, url_for
from flask_login import current_user, login_required

from reviewapp.assignments.models import Assignment
from reviewapp.auth.permissions import require, require_or_404
from reviewapp.candidates.models import Candidate
from reviewapp.discussion import operations
from reviewapp.discussion.forms import MessageForm
from reviewapp.discussion.models import DiscussionMessage
from reviewapp.discussion.permissions import (
    can_delete_message,
    can_hide_message,
    can_post_message,
    can_view_discussion,
)
from reviewapp.discussion.view import discussion_thread
from reviewapp.extensions import db
from reviewapp.positions.routes import load_position

bp = Blueprint("discussion", __name__, url_prefix="/p")
bp.add_app_template_global(discussion_thread)


def _load_candidate(slug: str, candidate_id: int) -> Candidate:
    position = load_position(slug)
    candidate = db.session.get(Candidate, candidate_id)
    if candidate is None or candidate.position_id != position.id:
        abort(404)
    require_or_404(can_view_discussion(current_user, candidate))
    return candidate


def _load_message(slug: str, message_id: int) -> tuple[DiscussionMessage, Candidate]:
    """The message, or 404 for anyone who may not read its thread."""
    message = db.session.get(DiscussionMessage, message_id)
    if message is None:
        abort(404)
    return message, _load_candidate(slug, message.candidate_id)


def _own_assignment(candidate: Candidate, assignment_id) -> Assignment | None:
    text = str(assignment_id or "")
    if not text.isascii() or not text.isdigit() or len(text) > 9:  # ids fit a 32-bit column
        return None
    assignment = db.session.get(Assignment, int(text))
    if (
        assignment is None
        or assignment.reviewer_id != current_user.id
        or assignment.candidate_id != candidate.id
    ):
        return None
    return assignment


def _back(candidate: Candidate, assignment_id=None):
    """Back to the scoring page the form came from, else the chair's candidate page."""
    slug = candidate.position.slug
    assignment = _own_assignment(candidate, assignment_id)
    if assignment is not None:
        target = url_for("reviews.score", slug=slug, assignment_id=assignment.id)
    elif can_hide_message(current_user, candidate):
        target = url_for("candidates.detail", slug=slug, candidate_id=candidate.id)
    else:
        target = url_for("reviews.mine", slug=slug)
    return redirect(target + "#discussion")


@bp.post("/<slug>/candidates/<int:candidate_id>/discussion")
@login_required
def post(slug: str, candidate_id: int):
    candidate = _load_candidate(slug, candidate_id)
    require_or_404(can_post_message(current_user, candidate))
    form = MessageForm()
    if not form.validate_on_submit():
        messages = [m for errors in form.errors.values() for m in errors]
        flash(" ".join(str(m) for m in messages) or "The message was not posted.", "danger")
        return _back(candidate, form.assignment_id.data)
    try:
        operations.post_message(candidate=candidate, author=current_user, body=form.body.data)
    except operations.DiscussionError as error:
        db.session.rollback()
        flash(str(error), "danger")
        return _back(candidate, form.assignment_id.data)
    db.session.commit()
    flash("Message posted.", "success")
    return _back(candidate, form.assignment_id.data)


def _moderate(slug: str, message_id: int, *, hide: bool):
    """Readers of the thread who may not do this get 403 (they can see the message); CSRF is
    checked globally (CSRFProtect) before this runs."""
    message, candidate = _load_message(slug, message_id)
    if hide:
        require(can_hide_message(current_user, candidate))
    else:
        require(can_delete_message(current_user, message, candidate))
    try:
        if hide:
            operations.hide_message(message=message, actor=current_user)
        else:
            operations.delete_message(message=message, actor=current_user)
    except operations.DiscussionError as error:
        db.session.rollback()
        flash(str(error), "danger")
        return _back(candidate, request.form.get("assignment_id"))
    db.session.commit()
    flash("Message hidden from the thread." if hide else "Message deleted.", "success")
    return _back(candidate, request.form.get("assignment_id"))


@bp.post("/<slug>/discussion/<int:message_id>/delete")
@login_required
def delete(slug: str, message_id: int):
    return _moderate(slug, message_id, hide=False)


@bp.post("/<slug>/discussion/<int:message_id>/hide")
@login_required
def hide(slug: str, message_id: int):
    return _moderate(slug, message_id, hide=True)
