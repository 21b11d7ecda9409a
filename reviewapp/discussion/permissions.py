"""Who may read and write a candidate's committee thread.

The thread follows the rules of the other reviews exactly (`can_see_other_reviews`): a
conflicted member never sees it, a reviewer under the default policy only after submitting
their own review, the chair unless conflicted.
"""

from reviewapp.auth.permissions import is_chair, membership
from reviewapp.candidates.models import Candidate
from reviewapp.discussion.models import DiscussionMessage
from reviewapp.reviews.permissions import can_see_other_reviews


def can_view_discussion(user, candidate: Candidate) -> bool:
    return can_see_other_reviews(user, candidate)


def can_post_message(user, candidate: Candidate) -> bool:
    """Committee members (and the chair) who may read the thread may write in it."""
    if not can_view_discussion(user, candidate):
        return False
    return membership(user, candidate.position) is not None or is_chair(user, candidate.position)


def can_delete_message(user, message: DiscussionMessage, candidate: Candidate) -> bool:
    """Only the author, and only while they may still read the thread."""
    return message.author_id == getattr(user, "id", None) and can_view_discussion(user, candidate)


def can_hide_message(user, candidate: Candidate) -> bool:
    """The chair moderates the thread of any candidate they are not conflicted with."""
    return is_chair(user, candidate.position) and can_view_discussion(user, candidate)
