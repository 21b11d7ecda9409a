"""What the thread partial needs, as a template global, so any page can show the thread
without its route knowing about discussions."""

from dataclasses import dataclass

from flask_login import current_user

from reviewapp.candidates.models import Candidate
from reviewapp.discussion import operations
from reviewapp.discussion.forms import MessageForm
from reviewapp.discussion.models import DiscussionMessage
from reviewapp.discussion.permissions import can_hide_message, can_post_message, can_view_discussion


@dataclass(frozen=True)
class Thread:
    candidate: Candidate
    messages: list[DiscussionMessage]
    form: MessageForm | None
    can_hide: bool
    user_id: int
    assignment_id: int | None


def discussion_thread(candidate: Candidate, assignment_id: int | None = None) -> Thread | None:
    """The thread as the current user may see it, or None when they may not see it at all."""
    if candidate is None or not can_view_discussion(current_user, candidate):
        return None
    form = None
    if can_post_message(current_user, candidate):
        form = MessageForm(formdata=None, data={"assignment_id": assignment_id or ""})
    return Thread(
        candidate=candidate,
        messages=operations.thread(candidate),
        form=form,
        can_hide=can_hide_message(current_user, candidate),
        user_id=current_user.id,
        assignment_id=assignment_id,
    )
