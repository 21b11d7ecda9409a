"""Error pages that say what happened and leak nothing (no traceback, no object names)."""

import logging

from flask import Flask, render_template
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException, InternalServerError

from reviewapp.extensions import db

log = logging.getLogger(__name__)

MESSAGES = {
    400: ("Bad request", "The request could not be understood. Go back and try again."),
    403: ("Not allowed", "You do not have permission to do this."),
    404: ("Not found", "There is nothing here, or you do not have access to it."),
    405: ("Not allowed", "This page does not accept that kind of request."),
    413: (
        "Upload too large",
        "The files you sent are larger than this installation accepts. "
        "Send fewer files at once, or smaller ones.",
    ),
    429: ("Too many attempts", "Too many attempts. Wait a few minutes and try again."),
    500: ("Something went wrong", "An unexpected error occurred. Nothing you sent was half-saved."),
}


def render_error(code: int, detail: str | None = None):
    title, message = MESSAGES.get(code, MESSAGES[500])
    return render_template(
        "errors/error.html", code=code, title=title, message=detail or message
    ), code


def init_app(app: Flask) -> None:
    @app.errorhandler(CSRFError)
    def csrf_error(error):
        return render_error(
            400, "Your form expired or was sent from elsewhere. Reload the page and send it again."
        )

    @app.errorhandler(HTTPException)
    def http_error(error: HTTPException):
        if error.code is None or error.code < 400:
            return error
        if error.code in MESSAGES:
            return render_error(error.code)
        return render_template(
            "errors/error.html", code=error.code, title=error.name, message=""
        ), error.code

    @app.errorhandler(Exception)
    def unexpected_error(error: Exception):
        db.session.rollback()
        log.exception("unhandled error", exc_info=error)
        return render_error(500)

    @app.errorhandler(InternalServerError)
    def internal_error(error):
        db.session.rollback()
        return render_error(500)
