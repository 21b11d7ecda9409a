"""Background import jobs on huey: SQLite storage in the instance folder, Redis when REDIS_URL is
set, run inline when JOBS_IMMEDIATE is set (tests). The job's state lives in the database
(ImportBatch/ImportItem, committed after every file), so a reload or a restart loses nothing:
the consumer resumes batches left "running" or "queued" when it starts.
"""

import logging
import os

from flask import Flask
from huey import RedisHuey, SqliteHuey

from reviewapp.extensions import db
from reviewapp.importing.models import BatchStatus, ImportBatch
from reviewapp.importing.operations import (
    ImportFailed,
    commit_every,
    limits_from_config,
    run_batch,
)

log = logging.getLogger(__name__)
_KEY = "reviewapp.huey"


def _make_huey(app: Flask):
    immediate = bool(app.config.get("JOBS_IMMEDIATE"))
    if app.config.get("REDIS_URL") and not immediate:
        return RedisHuey("reviewapp", url=app.config["REDIS_URL"])
    path = os.path.join(app.instance_path, "jobs.sqlite")
    return SqliteHuey("reviewapp", filename=path, immediate=immediate)


def get_huey(app: Flask):
    """The app's huey instance, with the import task registered (created once per app)."""
    if _KEY not in app.extensions:
        huey = _make_huey(app)

        @huey.task(name="import_batch")
        def import_batch(batch_id: int) -> None:
            run_import_job(app, batch_id)

        app.extensions[_KEY] = (huey, import_batch)
    return app.extensions[_KEY]


def enqueue_import(app: Flask, batch_id: int) -> None:
    """Queue a committed batch for the worker (or run it now when JOBS_IMMEDIATE)."""
    _huey, task = get_huey(app)
    task(batch_id)


def run_import_job(app: Flask, batch_id: int) -> None:
    """Process a batch in a fresh app context; commits after every file."""
    with app.app_context():
        batch = db.session.get(ImportBatch, batch_id)
        if batch is None or batch.is_finished:
            return
        try:
            run_batch(
                batch,
                actor=batch.created_by,
                progress=commit_every(),
                limits=limits_from_config(app.config),
                workers=app.config.get("IMPORT_WORKERS"),
            )
        except ImportFailed:
            pass  # the batch carries the reason
        except Exception:
            log.exception("import batch %s failed", batch_id)
            db.session.rollback()
            batch = db.session.get(ImportBatch, batch_id)
            batch.status, batch.error = BatchStatus.FAILED, "stopped on an internal error"
        db.session.commit()
        db.session.remove()


def resume_unfinished(app: Flask) -> int:
    """Re-queue batches a stopped worker left behind; their finished files are kept."""
    with app.app_context():
        ids = list(
            db.session.scalars(
                db.select(ImportBatch.id).where(
                    ImportBatch.status.in_([BatchStatus.QUEUED, BatchStatus.RUNNING])
                )
            )
        )
        db.session.remove()
    for batch_id in ids:
        enqueue_import(app, batch_id)
    return len(ids)


def run_consumer(app: Flask, *, workers: int = 1) -> None:
    """`reviewapp worker`: resume unfinished batches, then consume jobs until interrupted."""
    huey, _task = get_huey(app)
    huey.flush()  # the database is the source of truth; resume_unfinished re-queues from it
    resumed = resume_unfinished(app)
    log.info("resumed %d unfinished import batch(es)", resumed)
    consumer = huey.create_consumer(workers=workers, worker_type="thread")
    consumer.run()
