"""Background import jobs on huey: SQLite storage in the instance folder, Redis when REDIS_URL is
set, run inline when JOBS_IMMEDIATE is set (tests). The job's state lives in the database
(ImportBatch/ImportItem, committed as files are done), so a reload or a restart loses nothing:
the consumer re-queues batches left "queued" when it starts; a batch whose worker died while
running is shown as "interrupted" and the chair resumes it (operations.resume_batch).
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
    mark_interrupted,
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

        from reviewapp.exports.jobs import register_export_task  # the export task (lazy import)

        register_export_task(huey, app)
        from reviewapp.ranking.intervals import register_interval_task  # rank intervals

        register_interval_task(huey, app)
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
    """Re-queue batches still waiting for a worker; batches whose worker died mid-run are
    marked "interrupted" (what they did is kept) for the chair to resume from their page."""
    with app.app_context():
        running = db.session.scalars(db.select(ImportBatch).filter_by(status=BatchStatus.RUNNING))
        for batch in running.all():
            mark_interrupted(batch)
        db.session.commit()
        ids = list(
            db.session.scalars(db.select(ImportBatch.id).filter_by(status=BatchStatus.QUEUED))
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
    from reviewapp.exports.jobs import resume_unfinished_exports

    log.info("resumed %d unfinished export(s)", resume_unfinished_exports(app))
    from reviewapp.ranking.intervals import resume_unfinished_intervals

    log.info("resumed %d unfinished rank interval job(s)", resume_unfinished_intervals(app))
    consumer = huey.create_consumer(workers=workers, worker_type="thread")
    consumer.run()
