"""Position and committee operations. They flush and audit; the caller commits."""

import re

from sqlalchemy.orm import contains_eager

from reviewapp import audit
from reviewapp.auth.models import User
from reviewapp.extensions import db
from reviewapp.positions.models import Membership, Position, Role, Stage, Visibility

SLUG_RE = re.compile(r"^[a-z0-9][a-z0-9-]{1,62}[a-z0-9]$")
DEFAULT_STAGE = "Screening"


class PositionError(ValueError):
    """Refused, with a message for the person who asked."""


def get_position(slug: str) -> Position | None:
    return db.session.execute(db.select(Position).filter_by(slug=slug)).scalar_one_or_none()


def create_position(
    *,
    slug: str,
    title: str,
    description: str = "",
    reviews_per_candidate: int = 3,
    visibility: str = Visibility.AFTER_OWN,
    actor: User | None = None,
) -> Position:
    slug = slug.strip().lower()
    if not SLUG_RE.match(slug):
        raise PositionError(
            "A slug is 3–64 lower-case letters, digits and hyphens, e.g. 'cs-faculty-2027'."
        )
    if get_position(slug) is not None:
        raise PositionError(f"A position with the slug {slug!r} already exists.")
    position = Position(
        slug=slug,
        title=title.strip(),
        description=description.strip(),
        reviews_per_candidate=reviews_per_candidate,
        visibility=visibility,
    )
    position.stages.append(Stage(name=DEFAULT_STAGE, order=0))
    db.session.add(position)
    db.session.flush()
    audit.record(
        "position.create",
        position,
        actor=actor,
        position=position,
        summary=slug,
        new={"title": position.title},
    )
    return position


SETTINGS = (
    "title",
    "description",
    "status",
    "reviews_per_candidate",
    "shortlist_size",
    "visibility",
)


def update_position(position: Position, *, actor: User | None, **changes) -> None:
    old, new = {}, {}
    for key, value in changes.items():
        if key not in SETTINGS:
            raise TypeError(f"update_position does not change {key!r}")
        if getattr(position, key) != value:
            old[key], new[key] = getattr(position, key), value
            setattr(position, key, value)
    if new:
        audit.record(
            "position.update",
            position,
            actor=actor,
            position=position,
            summary=position.slug,
            old=old,
            new=new,
        )


def add_member(position: Position, user: User, role: str, *, actor: User | None) -> Membership:
    """Add a user to the committee, or change their role / reactivate them."""
    if role not in Role.__members__.values():
        raise PositionError(f"Unknown role {role!r}: use 'chair' or 'reviewer'.")
    member = db.session.execute(
        db.select(Membership).filter_by(user_id=user.id, position_id=position.id)
    ).scalar_one_or_none()
    old = None if member is None else {"role": member.role, "is_active": member.is_active}
    if member is None:
        member = Membership(user=user, position=position, role=role)
        db.session.add(member)
    member.role, member.is_active = role, True
    db.session.flush()
    audit.record(
        "member.add" if old is None else "member.update",
        member,
        actor=actor,
        position=position,
        summary=f"{user.email} as {role}",
        old=old,
        new={"role": role, "is_active": True},
    )
    return member


def deactivate_member(member: Membership, *, actor: User | None) -> None:
    """Remove from the committee without deleting: their reviews stay and still count."""
    if not member.is_active:
        return
    if member.role == Role.CHAIR and _active_chairs(member.position_id) <= 1:
        raise PositionError("A position needs at least one chair: add another chair first.")
    member.is_active = False
    audit.record(
        "member.deactivate",
        member,
        actor=actor,
        position=member.position,
        summary=member.user.email,
        old={"is_active": True},
        new={"is_active": False},
    )


def _active_chairs(position_id: int) -> int:
    return db.session.scalar(
        db.select(db.func.count(Membership.id)).filter_by(
            position_id=position_id, role=Role.CHAIR, is_active=True
        )
    )


def committee(position: Position) -> list[Membership]:
    """The members with their users, in one query (the committee page shows both)."""
    return list(
        db.session.execute(
            db.select(Membership)
            .filter_by(position_id=position.id)
            .join(Membership.user)
            .options(contains_eager(Membership.user))
            .order_by(Membership.role, User.display_name)
        ).scalars()
    )


def positions_for(user: User, role: str | None = None) -> list[Position]:
    """Positions where the user is an active member (with that role, if given)."""
    query = (
        db.select(Position)
        .join(Membership)
        .where(Membership.user_id == user.id, Membership.is_active.is_(True))
    )
    if role is not None:
        query = query.where(Membership.role == role)
    return list(db.session.execute(query.order_by(Position.created_at.desc())).scalars())
