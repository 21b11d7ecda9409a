"""Is an import batch still being worked on? A lock held for as long as the batch runs.

The process running a batch holds a lock that the operating system or the database releases
the moment that process dies, however it dies (kill -9, OOM killer, power cut): a PostgreSQL
session-level advisory lock on a connection of its own, or, on SQLite (one machine by nature),
an flock on a file in the instance folder. A batch whose status says "running" while nobody
holds its lock was interrupted. No clock and no heartbeat interval to tune.
"""

import contextlib
import hashlib
import os
from collections.abc import Iterator

from flask import current_app
from sqlalchemy import func, select

from reviewapp.extensions import db

try:
    import fcntl
except ImportError:  # not POSIX: liveness cannot be told, batches are never called interrupted
    fcntl = None

_NAMESPACE = 7_302  # first key of pg_advisory_lock(int, int): "import batch running"


def _is_postgres() -> bool:
    return db.engine.dialect.name == "postgresql"


def _lock_path(batch_id: int) -> str:
    url = db.engine.url.render_as_string(hide_password=True)
    key = hashlib.sha256(url.encode()).hexdigest()[:16]
    folder = os.path.join(current_app.instance_path, "import-locks")
    os.makedirs(folder, exist_ok=True)
    return os.path.join(folder, f"{key}-{batch_id}.lock")


@contextlib.contextmanager
def holding(batch_id: int) -> Iterator[None]:
    """Hold the batch's lock while the body runs (it is released when the process dies)."""
    if _is_postgres():
        with db.engine.connect() as conn:
            conn.execute(select(func.pg_advisory_lock(_NAMESPACE, batch_id)))
            conn.commit()
            try:
                yield
            finally:
                conn.execute(select(func.pg_advisory_unlock(_NAMESPACE, batch_id)))
                conn.commit()
        return
    if fcntl is None:
        yield
        return
    path = _lock_path(batch_id)
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o600)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        yield
    finally:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(path)  # a missing file also reads as "not running"
        os.close(fd)  # closing releases the lock


def is_running(batch_id: int) -> bool:
    """True while some process holds the batch's lock (or when that cannot be told)."""
    if _is_postgres():
        with db.engine.connect() as conn:
            free = conn.execute(select(func.pg_try_advisory_lock(_NAMESPACE, batch_id))).scalar()
            if free:
                conn.execute(select(func.pg_advisory_unlock(_NAMESPACE, batch_id)))
            conn.commit()
        return not free
    if fcntl is None:
        return True
    path = _lock_path(batch_id)
    try:
        fd = os.open(path, os.O_RDWR)
    except FileNotFoundError:
        return False
    try:
        fcntl.flock(fd, fcntl.LOCK_SH | fcntl.LOCK_NB)
    except BlockingIOError:
        return True
    finally:
        os.close(fd)
    return False
