"""Fixtures in the style of flaskr/indico: `app`, `client`, `auth`, and factories.

Integration tests take the `app` fixture, which is parametrized over the databases: SQLite always,
and PostgreSQL when TEST_DATABASE_URL is set (otherwise those cases skip, saying why). The schema
is created once per database and every table is emptied after each test.
"""

import os
import re
import threading
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from flask.testing import FlaskClient
from sqlalchemy import create_engine, text

from reviewapp import create_app
from reviewapp.extensions import db
from tests import factories

SHARED = Path(__file__).resolve().parents[1].parent / "shared"
SEEDS = SHARED / "cvs" / "seeds"
DATABASES = ["sqlite", "postgresql"]
_ran_on: Counter = Counter()


def skip_or_fail(reason: str) -> None:
    """Skip, saying why; in CI (REVIEWAPP_REQUIRE_FULL_SUITE=1) a missing service is a failure."""
    if os.environ.get("REVIEWAPP_REQUIRE_FULL_SUITE") == "1":
        pytest.fail(f"required in CI: {reason}")
    pytest.skip(reason=reason)


def postgres_url() -> str | None:
    return os.environ.get("TEST_DATABASE_URL") or None


@pytest.fixture(scope="session", params=DATABASES)
def database_url(request, tmp_path_factory):
    if request.param == "postgresql":
        url = postgres_url()
        if url is None:
            skip_or_fail("PostgreSQL: TEST_DATABASE_URL is not set")
        _reset_postgres(url)
        return url
    return "sqlite:///" + str(tmp_path_factory.mktemp("db") / "test.sqlite")


def _reset_postgres(url: str) -> None:
    engine = create_engine(url.replace("postgresql://", "postgresql+psycopg://", 1))
    with engine.begin() as conn:
        conn.execute(text("DROP SCHEMA public CASCADE"))
        conn.execute(text("CREATE SCHEMA public"))
    engine.dispose()


@pytest.fixture(scope="session")
def _schema_app(database_url, tmp_path_factory):
    instance = tmp_path_factory.mktemp("instance")
    app = create_app(
        test_config={
            "TESTING": True,
            "SECRET_KEY": "test-secret-key",
            "SQLALCHEMY_DATABASE_URI": database_url,
            "SERVER_NAME": "reviewapp.test",
            "JOBS_IMMEDIATE": True,
            "REVIEWAPP_INSTANCE": str(instance),
        }
    )
    with app.app_context():
        db.create_all()
    yield app
    with app.app_context():
        db.session.remove()
        db.engine.dispose()


@pytest.fixture
def app(_schema_app, request):
    _ran_on[request.node.callspec.params.get("database_url", "sqlite")] += 1
    with _schema_app.app_context():
        yield _schema_app
        db.session.remove()
        _empty_tables()


def _empty_tables() -> None:
    with db.engine.begin() as conn:
        if db.engine.dialect.name == "postgresql":
            names = ", ".join(t.name for t in db.metadata.sorted_tables)
            conn.execute(text(f"TRUNCATE {names} RESTART IDENTITY CASCADE"))
        else:
            for table in reversed(db.metadata.sorted_tables):
                conn.execute(table.delete())


class IsolatedClient(FlaskClient):
    """Each request runs in a thread of its own, so it gets its own app context, `g` and
    database session, exactly as in production, while the test keeps its own context."""

    _executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="request")

    def open(self, *args, **kwargs):
        if threading.current_thread().name.startswith("request"):  # following a redirect
            return super().open(*args, **kwargs)
        return self._executor.submit(super().open, *args, **kwargs).result()


@pytest.fixture
def client(app):
    app.test_client_class = IsolatedClient
    return app.test_client()


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


class AuthActions:
    """Log in and out through the real pages, CSRF token included."""

    def __init__(self, client):
        self._client = client

    def csrf_token(self, path: str = "/login") -> str:
        page = self._client.get(path, follow_redirects=True).get_data(as_text=True)
        match = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page)
        assert match, f"no CSRF token on {path}"
        return match.group(1)

    def login(self, email: str, password: str = factories.PASSWORD):
        token = self.csrf_token("/login")
        return self._client.post(
            "/login", data={"email": email, "password": password, "csrf_token": token}
        )

    def logout(self):
        return self._client.post("/logout", data={"csrf_token": self.csrf_token("/")})

    def post(self, path: str, data: dict | None = None, **kwargs):
        """POST a form with a valid CSRF token, as the browser would."""
        payload = {"csrf_token": self.csrf_token("/"), **(data or {})}
        return self._client.post(path, data=payload, **kwargs)


@pytest.fixture
def auth(client):
    return AuthActions(client)


@pytest.fixture
def seeds_dir() -> Path:
    if not SEEDS.is_dir():
        pytest.skip(reason=f"seed CVs not found at {SEEDS} (../shared is absent in this clone)")
    return SEEDS


def pytest_terminal_summary(terminalreporter):
    if _ran_on:
        counts = ", ".join(f"{name}: {count}" for name, count in sorted(_ran_on.items()))
        terminalreporter.write_line(f"integration tests run per database: {counts}")
