"""Login throttling, counted in the database so every app server shares the count.

The client address is `request.remote_addr`: X-Forwarded-For is only honoured when
TRUSTED_PROXIES says a proxy sets it, so a forged header cannot reset the count. The per-account
limit does not depend on the address at all.
"""

from datetime import timedelta

from flask import current_app

from reviewapp.auth.models import LoginAttempt
from reviewapp.db import utcnow
from reviewapp.extensions import db


def is_throttled(email: str, address: str) -> bool:
    config = current_app.config
    since = utcnow() - timedelta(seconds=config["LOGIN_THROTTLE_WINDOW"])
    count = db.select(db.func.count(LoginAttempt.id)).where(LoginAttempt.created_at >= since)
    by_account = db.session.scalar(count.where(LoginAttempt.email == email.lower()))
    by_address = db.session.scalar(count.where(LoginAttempt.address == address))
    return (
        by_account >= config["LOGIN_THROTTLE_PER_ACCOUNT"]
        or by_address >= config["LOGIN_THROTTLE_PER_ADDRESS"]
    )


def record_failure(email: str, address: str) -> None:
    db.session.add(LoginAttempt(email=email.lower()[:254], address=address[:64]))


def clear_failures(email: str) -> None:
    db.session.execute(db.delete(LoginAttempt).where(LoginAttempt.email == email.lower()))
