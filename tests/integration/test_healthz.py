"""`/healthz`: 200 with a fixed body when the database answers, 503 with a fixed body when not."""

import json

import pytest

from reviewapp import create_app

pytestmark = pytest.mark.integration

UNREACHABLE = {
    "sqlite": "sqlite:////nonexistent-reviewapp-dir/no/such.sqlite",
    "postgresql": "postgresql+psycopg://postgres@127.0.0.1:9/none?connect_timeout=2",
}


def test_healthz_reports_ok_without_login_or_cookie(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.get_json() == {"status": "ok", "database": "ok"}
    assert response.headers["Cache-Control"] == "no-store"
    assert "Set-Cookie" not in response.headers


def test_healthz_does_not_accept_post(client):
    response = client.post("/healthz")
    assert response.status_code == 405
    assert "Set-Cookie" not in response.headers


@pytest.mark.parametrize("dialect", sorted(UNREACHABLE))
def test_healthz_answers_503_when_database_unreachable(dialect, tmp_path):
    app = create_app(
        test_config={
            "TESTING": True,
            "SECRET_KEY": "test",
            "SQLALCHEMY_DATABASE_URI": UNREACHABLE[dialect],
        }
    )
    response = app.test_client().get("/healthz")
    assert response.status_code == 503
    # The exact body: no exception text, host, path or driver name leaks.
    assert json.loads(response.get_data(as_text=True)) == {
        "status": "error",
        "database": "unavailable",
    }
    assert "Set-Cookie" not in response.headers
