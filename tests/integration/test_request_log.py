"""Structured request logs: one parseable line per request, no secrets, no forged lines."""

import json
import logging
import re

import pytest

from reviewapp import create_app, reqlog
from tests import factories

pytestmark = pytest.mark.integration

_LOGFMT_PAIR = re.compile(r'(\w+)=("(?:[^"\\]|\\.)*"|\S*)')


def parse_logfmt(line: str) -> dict:
    """The inverse of reqlog.LogfmtFormatter, for the values it writes."""
    fields = {}
    for key, raw in _LOGFMT_PAIR.findall(line):
        if raw.startswith('"'):
            raw = json.loads(raw.replace("\\t", "\t"))
        fields[key] = raw
    return fields


def request_lines(err: str) -> list[dict]:
    lines = [json.loads(line) for line in err.splitlines() if line.strip()]
    return [line for line in lines if line.get("event") == "request"]


@pytest.fixture
def log_config(app):
    """Change LOG_FORMAT / LOG_LEVEL for one test, then put the app's own back."""
    saved = {key: app.config.get(key) for key in ("LOG_FORMAT", "LOG_LEVEL")}

    def configure(**values):
        app.config.update(values)
        reqlog.configure_logging(app)

    yield configure
    app.config.update(saved)
    reqlog.configure_logging(app)


def test_request_log_has_one_json_line_per_request(client, auth, capsys):
    chair = factories.create_user("chair@uni.example")
    factories.create_position("physics", chair=chair)
    auth.login("chair@uni.example")
    capsys.readouterr()
    response = client.get("/p/physics/candidates/?q=secret-search-text")
    assert response.status_code == 200
    err = capsys.readouterr().err
    (line,) = request_lines(err)
    assert set(line) == {
        "ts", "level", "logger", "msg", "event", "request_id", "user_id", "method", "route",
        "endpoint", "status", "duration_ms", "remote_addr",
    }  # fmt: skip
    assert (line["level"], line["logger"], line["msg"]) == ("info", "reviewapp.request", "request")
    assert line["user_id"] == chair.id
    assert (line["method"], line["route"], line["endpoint"], line["status"]) == (
        "GET",
        "/p/<slug>/candidates/",
        "candidates.index",
        200,
    )
    assert isinstance(line["duration_ms"], float) and line["duration_ms"] >= 0
    assert re.fullmatch(r"[0-9a-f]{32}", line["request_id"])
    assert response.headers["X-Request-ID"] == line["request_id"]
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z", line["ts"])
    assert "secret-search-text" not in err


def test_request_log_never_holds_password_or_form_body(client, auth, capsys):
    ada = factories.create_user("ada@example.org", password="a very secret passphrase 42")
    capsys.readouterr()
    auth.login("ada@example.org", "a wrong guess that is long")
    auth.login("ada@example.org", "a very secret passphrase 42")
    err = capsys.readouterr().err
    posts = [line for line in request_lines(err) if line["method"] == "POST"]
    assert [(p["route"], p["status"], p["user_id"]) for p in posts] == [
        ("/login", 200, None),
        ("/login", 302, ada.id),
    ]
    assert "secret passphrase" not in err and "wrong guess" not in err
    assert "csrf" not in err.lower()


def test_request_log_hides_invitation_tokens(client, capsys):
    capsys.readouterr()
    response = client.get("/invite/tok3n-in-the-path")
    err = capsys.readouterr().err
    (line,) = request_lines(err)
    assert line["route"] == "/invite/<token>"
    assert line["status"] == response.status_code
    assert "tok3n" not in err


def test_request_log_keeps_a_plain_request_id_from_the_proxy(client, capsys):
    capsys.readouterr()
    client.get("/healthz", headers={"X-Request-ID": "proxy-42.a_b"})
    client.get("/healthz", headers={"X-Request-ID": 'bad" user_id=1 {"event": "request"}'})
    first, second = request_lines(capsys.readouterr().err)
    assert first["request_id"] == "proxy-42.a_b"
    assert re.fullmatch(r"[0-9a-f]{32}", second["request_id"])


def test_request_log_unknown_path_is_not_echoed(client, capsys):
    capsys.readouterr()
    client.get("/no/such%0d%0aforged=1")
    err = capsys.readouterr().err
    (line,) = request_lines(err)
    assert (line["route"], line["endpoint"], line["status"]) == ("<unmatched>", "", 404)
    assert "forged" not in err


@pytest.mark.parametrize("fmt", ["json", "logfmt"])
def test_log_line_with_crlf_cannot_forge_a_line(fmt, log_config, capsys):
    log_config(LOG_FORMAT=fmt)
    hostile = 'Ann\r\nts=2020 level=info event=request user_id=1 {"forged": true}\x1b[2J\u2028x'
    capsys.readouterr()
    logging.getLogger("reviewapp.test").warning("name: %s", hostile, extra={"value": hostile})
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and err.endswith("\n") and "\r" not in err
    assert "\u2028" not in err and "\x1b" not in err
    fields = json.loads(err) if fmt == "json" else parse_logfmt(err.strip())
    assert fields["value"] == hostile
    assert fields["msg"] == "name: " + hostile
    assert fields["level"] == "warning"


def test_logfmt_request_line_parses_back(client, log_config, capsys):
    log_config(LOG_FORMAT="logfmt")
    capsys.readouterr()
    client.get("/healthz")
    (line,) = capsys.readouterr().err.splitlines()
    fields = parse_logfmt(line)
    assert (fields["event"], fields["method"], fields["route"], fields["status"]) == (
        "request",
        "GET",
        "/healthz",
        "200",
    )
    assert fields["user_id"] == ""


def test_log_level_warning_silences_request_lines(client, log_config, capsys):
    log_config(LOG_LEVEL="WARNING")
    capsys.readouterr()
    assert client.get("/healthz").status_code == 200
    assert capsys.readouterr().err == ""


def test_unknown_log_format_is_refused(app):
    app.config["LOG_FORMAT"] = "xml"
    try:
        with pytest.raises(ValueError, match="LOG_FORMAT must be one of json, logfmt"):
            reqlog.configure_logging(app)
    finally:
        app.config["LOG_FORMAT"] = "json"


def test_unhandled_error_is_one_json_line_with_the_request_id(tmp_path, capsys):
    app = create_app(
        test_config={
            "TESTING": True,
            "SECRET_KEY": "test",
            "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'boom.sqlite'}",
        }
    )

    @app.get("/boom")
    def boom():
        raise RuntimeError('broken\r\n{"event": "request", "forged": true}')

    capsys.readouterr()
    response = app.test_client().get("/boom")
    assert response.status_code == 500
    assert "broken" not in response.get_data(as_text=True)  # the page leaks nothing
    lines = [json.loads(line) for line in capsys.readouterr().err.splitlines()]
    error, request = lines
    assert (error["level"], error["logger"], error["exc_type"]) == (
        "error",
        "reviewapp.errors",
        "RuntimeError",
    )
    assert "Traceback (most recent call last)" in error["exc"]
    assert error["request_id"] == request["request_id"]
    assert (request["route"], request["status"]) == ("/boom", 500)
    assert "forged" not in request
