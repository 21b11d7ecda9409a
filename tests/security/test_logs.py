"""Item 30, the logging half: CR/LF cannot forge a log line (in the structured request logs,
JSON and logfmt alike), no CV text or password reaches any log, and an exception shows a
generic 500 page with no traceback while the log keeps the details."""

import io
import json
import logging
import zipfile

import pytest

from reviewapp.reqlog import JSONFormatter, LogfmtFormatter
from tests import factories

pytestmark = pytest.mark.integration

CV_SECRET = "Quetzalcoatl-7731 marmoset telemetry"
WRONG_PASSWORD = "Wr0ng-Passphrase-Ω-42"
FORGED = '{"level": "info", "msg": "request", "user_id": 1, "route": "admin", "forged": true}'


class Capture:
    """Every record of every logger, formatted as JSON lines and as logfmt lines."""

    def __init__(self):
        self.records: list[logging.LogRecord] = []
        self.json, self.logfmt = io.StringIO(), io.StringIO()

    def lines(self, kind: str) -> list[str]:
        return getattr(self, kind).getvalue().splitlines()

    def text(self) -> str:
        return self.json.getvalue() + self.logfmt.getvalue()


@pytest.fixture
def logs():
    capture = Capture()
    handlers = []
    for stream, formatter in ((capture.json, JSONFormatter()), (capture.logfmt, LogfmtFormatter())):
        handler = logging.StreamHandler(stream)
        handler.setFormatter(formatter)
        handlers.append(handler)
    collector = logging.Handler()
    collector.emit = capture.records.append
    handlers.append(collector)
    loggers = [logging.getLogger(), logging.getLogger("reviewapp")]  # reviewapp does not propagate
    levels = [logger.level for logger in loggers]
    for logger in loggers:
        logger.setLevel(logging.DEBUG)
        for handler in handlers:
            logger.addHandler(handler)
    yield capture
    for logger, level in zip(loggers, levels, strict=True):
        logger.setLevel(level)
        for handler in handlers:
            logger.removeHandler(handler)


def request_lines(capture: Capture) -> list[dict]:
    return [d for d in map(json.loads, capture.lines("json")) if d.get("event") == "request"]


def test_crlf_in_path_query_headers_and_form_cannot_forge_a_log_line(app, client, auth, logs):
    factories.create_user("rev@example.org")
    injected = "x\r\n" + FORGED + "\n"
    client.get("/p/a%0d%0a" + FORGED.replace(" ", "%20") + "/candidates/?q=a%0D%0Ab")
    # Through the WSGI environ: a raw proxy could pass what werkzeug's Headers would refuse.
    client.get("/", environ_overrides={"HTTP_X_REQUEST_ID": injected, "HTTP_USER_AGENT": injected})
    auth.post("/login", {"email": injected, "password": injected})
    assert len(logs.records) >= 3
    assert len(logs.lines("json")) == len(logs.records)  # one line per record, none split
    assert len(logs.lines("logfmt")) == len(logs.records)
    for line in logs.lines("json"):
        assert "forged" not in json.loads(line)  # every line is one whole JSON object
    for line in logs.lines("logfmt"):
        assert line.startswith("ts=")
    assert not any(line.lstrip().startswith('{"level"') for line in logs.lines("logfmt"))
    requests = request_lines(logs)
    assert [r["route"] for r in requests[:2]] == ["/p/<slug>/candidates/", "/"]
    assert all(r["request_id"] != injected.strip() for r in requests)


def test_logfmt_value_escapes_every_line_break():
    record = logging.makeLogRecord({"msg": "a\r\nb\x85c\u2028d", "name": "reviewapp.test"})
    line = LogfmtFormatter().format(record)
    assert len(line.splitlines()) == 1
    assert 'msg="a\\r\\nb\\u0085c\\u2028d"' in line


def test_no_cv_text_or_password_in_logs_during_login_and_import(app, client, auth, logs):
    app.config["IMPORT_WORKERS"] = 0
    try:
        chair = factories.create_user("chair@example.org")
        factories.create_position("lab", chair=chair)
        auth.login("chair@example.org", WRONG_PASSWORD)
        auth.login("chair@example.org")
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w") as zf:
            zf.writestr("ann.txt", f"Ann Lee\nann.lee@example.org\n\nResearch\n{CV_SECRET}\n")
            zf.writestr("bad.pdf", f"<html>{CV_SECRET}</html>")
        files = {"files": [(io.BytesIO(buffer.getvalue()), "batch.zip")]}
        response = auth.post("/p/lab/imports/", files, content_type="multipart/form-data")
        assert response.status_code == 302
        assert client.get(response.headers["Location"] + "/status").get_json()["status"] == "done"
    finally:
        app.config.pop("IMPORT_WORKERS")
    logged = logs.text()
    posts = [(r["route"], r["status"]) for r in request_lines(logs) if r["method"] == "POST"]
    assert posts == [("/login", 200), ("/login", 302), ("/p/<slug>/imports/", 302)]
    for secret in (CV_SECRET, "marmoset", WRONG_PASSWORD, factories.PASSWORD, "ann.lee@"):
        assert secret not in logged


def test_exception_shows_generic_500_without_traceback_and_logs_it(client, auth, logs, monkeypatch):
    factories.create_user("rev@example.org")
    auth.login("rev@example.org")

    def boom(user):
        raise RuntimeError("internal detail\r\nforged line")

    monkeypatch.setattr("reviewapp.main.routes.reviewer_progress", boom)
    response = client.get("/")
    page = response.get_data(as_text=True)
    assert response.status_code == 500
    assert "Something went wrong" in page
    for leak in ("Traceback", "internal detail", "RuntimeError", "reviewer_progress", ".py"):
        assert leak not in page
    errors = [json.loads(line) for line in logs.lines("json") if '"level": "error"' in line]
    assert [e["exc_type"] for e in errors] == ["RuntimeError"]
    assert "internal detail" in errors[0]["exc"]  # the operator still gets the details
    assert len(logs.lines("json")) == len(logs.records)
