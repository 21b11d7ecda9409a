"""Who may see a position's ranking and its exports."""

from reviewapp.auth.permissions import is_chair
from reviewapp.positions.models import Position


def can_view_ranking(user, position: Position) -> bool:
    """For now the ranking is the chair's (and admins') view; reviewers never see aggregates.

    Conflicts are applied to the data itself (`frames.load_frames(viewer=...)`).
    """
    return bool(getattr(user, "is_authenticated", False)) and is_chair(user, position)


def can_advance_candidates(user, position: Position) -> bool:
    return can_view_ranking(user, position)
