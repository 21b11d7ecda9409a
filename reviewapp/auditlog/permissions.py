"""Who may read the audit log, and which candidates' events they may not see.

The rule is the one of `candidates.permissions.can_view_candidate`: a blocking conflict (any
status but dismissed) hides a candidate from that person everywhere, chairs and committee
admins included. So the log hides every event about a candidate the viewer is conflicted with
(the candidate's own events, its documents, assignments, reviews, conflicts, discussion), and
removes that candidate's id from lists inside other events (detected pairs, stage moves).
An admin who is on no committee has no conflicts and sees everything.
"""

from reviewapp.auth.permissions import can_manage_position, is_admin


def can_view_position_log(user, position) -> bool:
    """A position's chairs (and admins, who may chair any position)."""
    return can_manage_position(user, position)


def can_view_site_log(user) -> bool:
    return is_admin(user)
