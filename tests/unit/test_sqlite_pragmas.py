"""The SQLite settings every connection gets (reviewapp.db.install_sqlite_pragmas)."""

import pytest
from sqlalchemy import create_engine, text

from reviewapp.db import install_sqlite_pragmas

pytestmark = pytest.mark.unit


def test_sqlite_connections_enforce_foreign_keys_and_use_wal_without_fsync_per_commit(tmp_path):
    engine = create_engine(f"sqlite:///{tmp_path / 'pragmas.sqlite'}")
    install_sqlite_pragmas(engine)
    with engine.connect() as connection:
        pragma = {
            name: connection.execute(text(f"PRAGMA {name}")).scalar()
            for name in ("foreign_keys", "journal_mode", "synchronous", "busy_timeout")
        }
    engine.dispose()
    # synchronous 1 = NORMAL: safe with WAL (a crash loses nothing, the file stays intact)
    assert pragma == {"foreign_keys": 1, "journal_mode": "wal", "synchronous": 1,
                      "busy_timeout": 10000}  # fmt: skip
