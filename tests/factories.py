"""Factories for tests: build real objects through the operations, as the app would."""

from itertools import count

from reviewapp.auth import operations as accounts
from reviewapp.auth.models import User
from reviewapp.extensions import db
from reviewapp.positions import operations as positions
from reviewapp.positions.models import Position

PASSWORD = "correct horse battery staple"
_seq = count(1)


def create_user(
    email: str | None = None,
    *,
    name: str | None = None,
    password: str = PASSWORD,
    is_admin: bool = False,
    **kwargs,
) -> User:
    n = next(_seq)
    user = accounts.create_user(
        email=email or f"user{n}@example.org",
        display_name=name or f"User {n}",
        password=password,
        is_admin=is_admin,
        **kwargs,
    )
    db.session.commit()
    return user


def create_position(
    slug: str | None = None,
    *,
    title: str = "Assistant Professor",
    chair: User | None = None,
    reviewers: tuple[User, ...] = (),
    **kwargs,
) -> Position:
    position = positions.create_position(
        slug=slug or f"position-{next(_seq)}", title=title, **kwargs
    )
    if chair is not None:
        positions.add_member(position, chair, "chair", actor=None)
    for reviewer in reviewers:
        positions.add_member(position, reviewer, "reviewer", actor=None)
    db.session.commit()
    return position
