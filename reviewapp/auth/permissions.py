"""Named permission predicates. Routes call these before doing any work.

Convention: a check that fails for someone who may not know the object exists answers 404
(`require_or_404`); a check on something they can see answers 403 (`require`).
"""

from flask import abort, g

from reviewapp.extensions import db
from reviewapp.positions.models import Membership, Position, Role


def is_admin(user) -> bool:
    return bool(getattr(user, "is_authenticated", False) and user.is_admin)


def membership(user, position: Position) -> Membership | None:
    """The user's active membership of the position (memoised for the request)."""
    if not getattr(user, "is_authenticated", False):
        return None
    cache = g.setdefault("_memberships", {})
    key = (user.id, position.id)
    if key not in cache:
        cache[key] = db.session.execute(
            db.select(Membership).filter_by(
                user_id=user.id, position_id=position.id, is_active=True
            )
        ).scalar_one_or_none()
    return cache[key]


def remember_membership(user, position: Position, found: Membership | None) -> None:
    """Store the active membership a caller loaded together with the position (one query
    instead of two), for `membership` to answer from."""
    if getattr(user, "is_authenticated", False):
        g.setdefault("_memberships", {})[(user.id, position.id)] = found


def is_chair(user, position: Position) -> bool:
    if is_admin(user):
        return True
    m = membership(user, position)
    return m is not None and m.role == Role.CHAIR


def is_reviewer(user, position: Position) -> bool:
    m = membership(user, position)
    return m is not None and m.role == Role.REVIEWER


def can_view_position(user, position: Position) -> bool:
    return is_admin(user) or membership(user, position) is not None


def can_manage_position(user, position: Position) -> bool:
    return is_chair(user, position)


def can_manage_users(user) -> bool:
    return is_admin(user)


def can_create_positions(user) -> bool:
    return is_admin(user)


def require(allowed: bool) -> None:
    if not allowed:
        abort(403)


def require_or_404(allowed: bool) -> None:
    if not allowed:
        abort(404)
