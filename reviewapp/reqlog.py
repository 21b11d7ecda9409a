"""Structured logs: one line per request, and the app's own log records, on standard error.

What a line holds: time (UTC), level, event, request id, user id, method, route (the URL
rule such as `/p/<slug>/candidates/<int:candidate_id>`, never the path or query string, which
can carry invitation tokens or search text), endpoint, status, duration in ms and the client
address. Never a form body, CV text, password, token or cookie: the request body is not read.

Every value is escaped so that a carriage return or newline can never start a forged line:
JSON escapes them by construction, logfmt writes them as `\\r` / `\\n`. Configuration:
`LOG_FORMAT` (`json` or `logfmt`) and `LOG_LEVEL` (`INFO` by default; `WARNING` silences the
per-request lines). Under gunicorn standard error is the server's error log.
"""

from __future__ import annotations

import json
import logging
import re
import sys
import time
import uuid
from datetime import UTC, datetime

from flask import Flask, Response, g, has_request_context, request
from sqlalchemy import inspect

REQUEST_LOGGER = "reviewapp.request"
FORMATS = ("json", "logfmt")
# An incoming X-Request-ID (set by the proxy) is kept only when it is short and plain.
_REQUEST_ID_RE = re.compile(r"^[A-Za-z0-9._-]{1,64}$")
_LOGFMT_BARE_RE = re.compile(r"^[A-Za-z0-9._:/<>@+-]+$")
_RESERVED = set(vars(logging.makeLogRecord({}))) | {"message", "asctime"}


def _timestamp(record: logging.LogRecord) -> str:
    moment = datetime.fromtimestamp(record.created, UTC)
    return moment.strftime("%Y-%m-%dT%H:%M:%S.") + f"{moment.microsecond // 1000:03d}Z"


def record_fields(record: logging.LogRecord) -> dict:
    """The fields of one log line: time, level, logger, message, the `extra` fields, and the
    exception (its type and text, with the traceback) when there is one."""
    fields = {
        "ts": _timestamp(record),
        "level": record.levelname.lower(),
        "logger": record.name,
        "msg": record.getMessage(),
    }
    for key, value in vars(record).items():
        if key not in _RESERVED and not key.startswith("_"):
            fields[key] = value
    if record.exc_info and record.exc_info[0] is not None:
        fields["exc_type"] = record.exc_info[0].__name__
        fields["exc"] = logging.Formatter().formatException(record.exc_info)
    return fields


class JSONFormatter(logging.Formatter):
    """One JSON object per line, pure ASCII: json.dumps escapes every control character, and
    ensure_ascii also escapes U+2028/U+2029, which some log viewers treat as line breaks."""

    def format(self, record: logging.LogRecord) -> str:
        return json.dumps(record_fields(record), ensure_ascii=True, default=str)


def logfmt_value(value: object) -> str:
    """A logfmt value: bare when plain, else double-quoted with \\, ", CR, LF and every other
    control character escaped, so a value can never end the line."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    text = str(value)
    if _LOGFMT_BARE_RE.match(text):
        return text
    out = []
    for char in text:
        if char in '"\\':
            out.append("\\" + char)
        elif char == "\n":
            out.append("\\n")
        elif char == "\r":
            out.append("\\r")
        elif char == "\t":
            out.append("\\t")
        elif ord(char) < 0x20 or 0x7F <= ord(char) < 0xA0 or char in "\u2028\u2029\x85":
            out.append(f"\\u{ord(char):04x}")
        else:
            out.append(char)
    return '"' + "".join(out) + '"'


class LogfmtFormatter(logging.Formatter):
    """`key=value` pairs on one line (Heroku/Grafana style)."""

    def format(self, record: logging.LogRecord) -> str:
        return " ".join(f"{k}={logfmt_value(v)}" for k, v in record_fields(record).items())


class _RequestContext(logging.Filter):
    """Stamp every record logged during a request with that request's id, so an error line
    can be matched with its request line."""

    def filter(self, record: logging.LogRecord) -> bool:
        if has_request_context() and "request_id" in g and not hasattr(record, "request_id"):
            record.request_id = g.request_id
        return True


class _StderrHandler(logging.StreamHandler):
    """Writes to whatever sys.stderr is at the time (gunicorn and test captures replace it)."""

    def __init__(self) -> None:
        super().__init__(sys.stderr)

    @property
    def stream(self):
        return sys.stderr

    @stream.setter
    def stream(self, value) -> None:
        pass


def configure_logging(app: Flask) -> None:
    """Send the `reviewapp` loggers to standard error in the configured format and level."""
    fmt = str(app.config.get("LOG_FORMAT") or "json").lower()
    if fmt not in FORMATS:
        raise ValueError(f"LOG_FORMAT must be one of {', '.join(FORMATS)}, not {fmt!r}")
    level = str(app.config.get("LOG_LEVEL") or "INFO").upper()
    logger = logging.getLogger("reviewapp")
    for handler in list(logger.handlers):
        if getattr(handler, "_reviewapp", False):
            logger.removeHandler(handler)
    handler = _StderrHandler()
    handler._reviewapp = True
    handler.addFilter(_RequestContext())
    handler.setFormatter(JSONFormatter() if fmt == "json" else LogfmtFormatter())
    logger.addHandler(handler)
    logger.setLevel(level)
    logger.propagate = False


def _request_id() -> str:
    incoming = request.headers.get("X-Request-ID", "")
    return incoming if _REQUEST_ID_RE.match(incoming) else uuid.uuid4().hex


def _user_id() -> int | None:
    """The logged-in user's id, if this request loaded one (never loads it just to log)."""
    # The identity key, not `user.id`: after the request's commit the user is expired, and
    # reading an attribute would cost a query just to write the log line.
    state = inspect(g.get("_login_user"), raiseerr=False)
    return state.identity[0] if state is not None and state.identity else None


def _start() -> None:
    g.request_started = time.perf_counter()
    g.request_id = _request_id()


def _finish(response: Response) -> Response:
    started = g.get("request_started")
    if started is None:  # a request that failed before our before_request ran
        return response
    response.headers.setdefault("X-Request-ID", g.request_id)
    rule = request.url_rule
    logging.getLogger(REQUEST_LOGGER).info(
        "request",
        extra={
            "event": "request",
            "request_id": g.request_id,
            "user_id": _user_id(),
            "method": request.method,
            "route": rule.rule if rule is not None else "<unmatched>",
            "endpoint": request.endpoint or "",
            "status": response.status_code,
            "duration_ms": round((time.perf_counter() - started) * 1000, 1),
            "remote_addr": request.remote_addr or "",
        },
    )
    return response


def init_app(app: Flask) -> None:
    configure_logging(app)
    app.before_request(_start)
    app.after_request(_finish)
