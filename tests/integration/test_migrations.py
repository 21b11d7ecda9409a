"""Migrations upgrade an empty database to head on SQLite and PostgreSQL and match the models."""

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask_migrate import downgrade, upgrade
from sqlalchemy import create_engine, inspect, text
from sqlalchemy.engine import make_url

from reviewapp import create_app
from reviewapp.exports.models import ExportStatus
from reviewapp.extensions import db
from tests.conftest import postgres_url, skip_or_fail

pytestmark = pytest.mark.integration


@pytest.fixture(params=["sqlite", "postgresql"])
def empty_database_url(request, tmp_path):
    if request.param == "sqlite":
        yield "sqlite:///" + str(tmp_path / "migrations.sqlite")
        return
    base = postgres_url()
    if base is None:
        skip_or_fail("PostgreSQL: TEST_DATABASE_URL is not set")
    url = make_url(base).set(drivername="postgresql+psycopg")
    name = f"{url.database}_migrations"
    admin = create_engine(url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}"'))
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    yield url.set(database=name).render_as_string(hide_password=False)
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


def test_migrations_upgrade_to_head_and_match_models(empty_database_url, tmp_path):
    app = create_app(test_config={"SECRET_KEY": "x", "SQLALCHEMY_DATABASE_URI": empty_database_url})
    with app.app_context():
        upgrade()
        with db.engine.connect() as conn:
            diff = compare_metadata(
                MigrationContext.configure(conn, opts={"compare_type": True}), db.metadata
            )
            tables = set(inspect(conn).get_table_names())
            export_checks = inspect(conn).get_check_constraints("export_jobs")
        assert diff == []
        assert {t.name for t in db.metadata.sorted_tables} <= tables
        # compare_metadata ignores CHECK constraints: the status one must allow every status.
        (status_check,) = [c for c in export_checks if c["name"] == "ck_export_jobs_status"]
        for status in ExportStatus:
            assert f"'{status.value}'" in status_check["sqltext"]
        downgrade(revision="base")
        with db.engine.connect() as conn:
            assert set(inspect(conn).get_table_names()) <= {"alembic_version"}
        db.engine.dispose()
