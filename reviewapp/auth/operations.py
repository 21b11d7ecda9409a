"""Account operations. They add and flush and write an audit entry; the caller commits."""

import hashlib
import secrets
from datetime import timedelta

from reviewapp import audit
from reviewapp.auth.models import Invitation, User
from reviewapp.db import utcnow
from reviewapp.extensions import db


class AccountError(ValueError):
    """An operation refused with a message meant for the person who asked."""


def _hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def find_user(email: str) -> User | None:
    return db.session.execute(
        db.select(User).filter_by(email=email.strip().lower())
    ).scalar_one_or_none()


def create_user(
    *,
    email: str,
    display_name: str,
    password: str | None = None,
    is_admin: bool = False,
    institution: str = "",
    expertise: str = "",
    actor: User | None = None,
) -> User:
    if find_user(email) is not None:
        raise AccountError(f"A user with the email {email.strip().lower()} already exists.")
    user = User(
        email=email,
        display_name=display_name.strip(),
        is_admin=is_admin,
        institution=institution.strip(),
        expertise=expertise.strip(),
    )
    if password:
        user.set_password(password)
    db.session.add(user)
    db.session.flush()
    audit.record(
        "user.create",
        user,
        actor=actor,
        summary=user.email,
        new={"email": user.email, "is_admin": is_admin},
    )
    return user


def update_user(user: User, *, actor: User | None, **changes) -> User:
    allowed = {"display_name", "institution", "expertise", "is_admin"}
    old, new = {}, {}
    for key, value in changes.items():
        if key not in allowed:
            raise TypeError(f"update_user does not change {key!r}")
        if getattr(user, key) != value:
            old[key], new[key] = getattr(user, key), value
            setattr(user, key, value)
    if new:
        audit.record("user.update", user, actor=actor, summary=user.email, old=old, new=new)
    return user


def set_active(user: User, is_active: bool, *, actor: User | None) -> None:
    """Deactivating keeps the account and its reviews but signs it out everywhere."""
    if user.is_active == is_active:
        return
    if actor is not None and user.id == actor.id and not is_active:
        raise AccountError("You cannot deactivate your own account.")
    user.is_active = is_active
    user.rotate_session_token()
    audit.record(
        "user.activate" if is_active else "user.deactivate",
        user,
        actor=actor,
        summary=user.email,
        old={"is_active": not is_active},
        new={"is_active": is_active},
    )


def set_password(user: User, password: str, *, actor: User | None) -> None:
    user.set_password(password)
    user.rotate_session_token()
    audit.record("user.password", user, actor=actor, summary=user.email)


def create_invitation(user: User, *, actor: User | None, position=None, days: int = 14) -> str:
    """A one-time token (shown once, stored only as a hash) that lets `user` set a password."""
    token = secrets.token_urlsafe(32)
    invitation = Invitation(
        token_hash=_hash_token(token),
        user=user,
        created_by_id=getattr(actor, "id", None),
        position_id=getattr(position, "id", None),
        expires_at=utcnow() + timedelta(days=days),
    )
    db.session.add(invitation)
    db.session.flush()
    audit.record(
        "invitation.create", invitation, actor=actor, position=position, summary=user.email
    )
    return token


def find_invitation(token: str) -> Invitation | None:
    """A usable invitation for the token, or None when unknown, used or expired."""
    invitation = db.session.execute(
        db.select(Invitation).filter_by(token_hash=_hash_token(token))
    ).scalar_one_or_none()
    if invitation is None or invitation.used_at is not None or invitation.expires_at < utcnow():
        return None
    return invitation


def accept_invitation(invitation: Invitation, password: str) -> User:
    user = invitation.user
    invitation.used_at = utcnow()
    user.is_active = True
    set_password(user, password, actor=user)
    audit.record("invitation.accept", invitation, actor=user, summary=user.email)
    return user


def record_login(user: User) -> None:
    user.last_login_at = utcnow()
    audit.record("user.login", user, actor=user, summary=user.email)


def record_logout(user: User) -> None:
    """Rotating the token makes every copy of the old session cookie useless."""
    user.rotate_session_token()
    audit.record("user.logout", user, actor=user, summary=user.email)
