"""`/healthz`: is this app server able to reach its database? For the proxy or orchestrator.

No login, no session, no cookie; one `SELECT 1`. A failure answers 503 with the same fixed body
whatever went wrong: the reason goes to the log (its exception type only), never to the client.
"""

import contextlib
import logging

from flask import Blueprint, jsonify
from sqlalchemy import text

from reviewapp.extensions import csrf, db

log = logging.getLogger(__name__)
bp = Blueprint("health", __name__)


def database_ok() -> bool:
    """True when a `SELECT 1` succeeds on a connection from the pool."""
    try:
        db.session.execute(text("SELECT 1")).scalar_one()
    except Exception as error:  # any failure means "not ready"; the type is logged
        log.warning("health check: database unavailable (%s)", type(error).__name__)
        with contextlib.suppress(Exception):  # the connection may be gone; drop it anyway
            db.session.rollback()
        return False
    db.session.rollback()
    return True


@bp.get("/healthz")
@csrf.exempt
def healthz():
    if database_ok():
        response = jsonify(status="ok", database="ok")
    else:
        response = jsonify(status="error", database="unavailable")
        response.status_code = 503
    response.headers["Cache-Control"] = "no-store"
    return response
