"""When the database is unreachable during a save: a clear 503, never a 500 traceback.

The reviewer's typed input stays in the browser (review.js keeps a copy in localStorage and
retries the autosave), so the answer says so instead of showing a generic error.
"""

import logging

from flask import Blueprint, jsonify, render_template, request
from sqlalchemy.exc import InterfaceError, OperationalError

from reviewapp.extensions import db

log = logging.getLogger(__name__)

UNAVAILABLE = (
    "Could not save: the database is not reachable right now. Your draft is kept in this "
    "browser and will be saved automatically when the server is back (retrying)."
)
RETRY_AFTER_SECONDS = 10


def database_unavailable(error: Exception):
    """503 with Retry-After: JSON for the autosave, the error page for the browser form."""
    try:
        db.session.rollback()
    except Exception:  # the connection is gone: nothing to roll back
        db.session.invalidate()
    log.warning("database unavailable in %s: %s", request.endpoint, type(error).__name__)
    if request.is_json or request.path.endswith("/autosave"):
        response = jsonify(error=UNAVAILABLE, retry=True)
    else:
        response = render_template(
            "errors/error.html", code=503, title="Could not save", message=UNAVAILABLE
        )
    return response, 503, {"Retry-After": str(RETRY_AFTER_SECONDS)}


def init_blueprint(bp: Blueprint) -> None:
    for error in (OperationalError, InterfaceError):
        bp.register_error_handler(error, database_unavailable)
