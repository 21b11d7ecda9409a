"""Export jobs on the app's huey queue (`importing.jobs.get_huey`; inline when JOBS_IMMEDIATE).

A 20,000-candidate workbook takes ~17 s to build, too long for a request: the ranking page
queues a job and shows its state, and the requester downloads the file when it is done. Small
exports (at most EXPORT_INLINE_CANDIDATES candidates, default 2,000) take the same path but run
inside the request, which then answers with the file itself.
"""

from __future__ import annotations

import logging
from datetime import timedelta

from flask import Flask

from reviewapp.db import utcnow
from reviewapp.exports import operations
from reviewapp.exports.models import ExportJob, ExportStatus
from reviewapp.extensions import db

log = logging.getLogger(__name__)
_KEY = "reviewapp.export_task"
DEFAULT_INLINE_CANDIDATES = 2000


def register_export_task(huey, app: Flask) -> None:
    """Register the export task on the app's huey (called where the huey is made, so the worker
    process knows the task too)."""

    @huey.task(name="export_job")
    def export_job(job_id: int) -> None:
        run_export_job(app, job_id)

    app.extensions[_KEY] = export_job


def enqueue_export(app: Flask, job_id: int) -> None:
    """Queue a committed job for the worker (or run it now when JOBS_IMMEDIATE)."""
    from reviewapp.importing.jobs import get_huey

    get_huey(app)
    app.extensions[_KEY](job_id)


def run_export_job(app: Flask, job_id: int) -> None:
    """Build the job's file in a fresh app context and commit the outcome; an unexpected error
    rolls back whatever the build wrote and marks the job failed with a message."""
    with app.app_context():
        job = db.session.get(ExportJob, job_id)
        if job is None or job.is_finished:
            db.session.remove()
            return
        operations.start_export(job)
        db.session.commit()  # the status page shows "running" while the file is built
        try:
            operations.run_export(job)
        except Exception as error:
            log.exception("export job %s failed", job_id)
            db.session.rollback()
            job = db.session.get(ExportJob, job_id)
            operations.fail_export(
                job,
                f"The export stopped on an internal error ({type(error).__name__}); "
                "no file was made. Try again, or ask an administrator to check the logs.",
            )
        db.session.commit()
        expire_old_exports(app)
        db.session.remove()


def keep_days(app: Flask) -> float:
    """Days an export's file is kept (EXPORT_KEEP_DAYS); 0 keeps files forever."""
    return float(app.config.get("EXPORT_KEEP_DAYS") or 0)


def expire_old_exports(app: Flask, days: float | None = None) -> int:
    """Delete the files of exports made more than `days` (default: `keep_days`) days ago, and
    commit; 0 keeps every file. Call in an app context."""
    days = keep_days(app) if days is None else days
    if days <= 0:
        return 0
    count = operations.expire_exports(utcnow() - timedelta(days=days))
    db.session.commit()
    if count:
        log.info("deleted the files of %d export(s) older than %g days", count, days)
    return count


def inline_limit(app: Flask) -> int:
    """Exports of at most this many candidates run inside the request (EXPORT_INLINE_CANDIDATES)."""
    return int(app.config.get("EXPORT_INLINE_CANDIDATES", DEFAULT_INLINE_CANDIDATES))


def resume_unfinished_exports(app: Flask) -> int:
    """Re-queue export jobs a stopped worker left queued or running (it flushes its queue), and
    delete the files of old exports while at it."""
    with app.app_context():
        expire_old_exports(app)
        ids = list(
            db.session.scalars(
                db.select(ExportJob.id).where(
                    ExportJob.status.in_([ExportStatus.QUEUED, ExportStatus.RUNNING])
                )
            )
        )
        db.session.remove()
    for job_id in ids:
        enqueue_export(app, job_id)
    return len(ids)
