"""Build the decision pack for a position, stage and method, as a given user may see it."""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime

from reviewapp import audit
from reviewapp.candidates.permissions import hidden_candidate_ids
from reviewapp.db import utcnow
from reviewapp.exports import DecisionPack, build_workbook, ranking_csv
from reviewapp.exports.models import ExportJob, ExportStatus
from reviewapp.exports.workbook import pack_criteria_names
from reviewapp.extensions import db
from reviewapp.positions.models import Position, Stage
from reviewapp.positions.operations import committee
from reviewapp.ranking import (
    METHOD_DESCRIPTIONS,
    METHODS,
    criterion_agreement,
    rank_candidates,
    review_table,
    reviewer_stats,
)
from reviewapp.ranking.frames import candidate_details, load_frames, manifest_columns
from reviewapp.ranking.page import current_weights
from reviewapp.ranking.permissions import can_view_ranking

FORMATS = {
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "csv": "text/csv",
}


class ExportError(ValueError):
    """Refused, with a message for the person who asked."""


@dataclass(frozen=True)
class ExportFile:
    data: bytes
    filename: str
    mimetype: str


def find_stage(position: Position, name: str | None) -> Stage:
    """The named stage (case-insensitive), or the first stage when no name is given."""
    if not name:
        return position.default_stage
    for stage in position.stages:
        if stage.name.casefold() == name.strip().casefold():
            return stage
    raise ExportError(
        f"No stage named {name!r}; stages: {', '.join(s.name for s in position.stages)}."
    )


def what_if_overrides(
    saved: Mapping[str, float], weights: Mapping[str, float] | None
) -> dict[str, float]:
    """The what-if weights that differ from the saved rubric's (equal ones change nothing).

    A weight must name a criterion of the rubric and be a finite number >= 0."""
    out = {}
    for name, value in (weights or {}).items():
        if name not in saved:
            raise ExportError(f"No criterion is named {name!r}.")
        if not (isinstance(value, int | float) and math.isfinite(value) and value >= 0):
            raise ExportError(f"The weight of {name!r} must be a number >= 0.")
        if saved[name] != value:
            out[name] = float(value)
    return out


def build_pack(
    position: Position,
    stage: Stage,
    *,
    method: str = "mean",
    viewer=None,
    generated_by: str = "",
    anonymize: bool = False,
    include_private_notes: bool = False,
    weight_overrides: Mapping[str, float] | None = None,
) -> DecisionPack:
    """Everything the workbook shows, computed from what `viewer` may see (None: everything)."""
    if method not in METHODS:
        raise ExportError(f"Unknown method {method!r}; use one of {', '.join(METHODS)}.")
    frames = load_frames(position, stage, viewer=viewer, with_text=True)
    saved = current_weights(frames.criteria)
    weight_overrides = what_if_overrides(saved, weight_overrides)
    ranking = rank_candidates(
        frames.candidates,
        frames.reviews,
        frames.scores,
        frames.criteria,
        method=method,
        reviews_per_candidate=position.reviews_per_candidate,
        shortlist_size=position.shortlist_size,
        weight_overrides=weight_overrides,
    )
    names = frames.candidates.set_index("candidate_id")["name"]
    people = frames.reviewers.set_index("reviewer_id")
    detail = review_table(frames.reviews, frames.scores, frames.criteria, weight_overrides)
    for column in ("comment", "private_note", "submitted_at", "rubric_version"):
        detail[column] = frames.reviews[column].to_numpy()
    detail["candidate"] = detail["candidate_id"].map(names)
    detail["reviewer"] = detail["reviewer_id"].map(people["reviewer"])
    detail["reviewer_email"] = detail["reviewer_id"].map(people["email"])
    detail["stage"] = stage.name
    if not include_private_notes:
        detail = detail.drop(columns="private_note")
    stats = reviewer_stats(
        frames.reviews,
        frames.scores,
        frames.criteria,
        assignments=frames.assignments,
        weight_overrides=weight_overrides,
    )
    stats["reviewer"] = stats["reviewer_id"].map(people["reviewer"])
    stats["email"] = stats["reviewer_id"].map(people["email"])
    details = candidate_details(frames.candidates["candidate_id"].tolist())
    submitted = int(frames.reviews["status"].eq("submitted").sum()) if len(frames.reviews) else 0
    versions = sorted(set(frames.reviews["rubric_version"].dropna().astype(int).tolist()))
    return DecisionPack(
        position_title=position.title,
        stage=stage.name,
        method=method,
        method_description=METHOD_DESCRIPTIONS[method],
        ranking=ranking,
        criteria=criterion_agreement(frames.reviews, frames.scores, frames.criteria),
        candidates=details,
        reviews=detail,
        reviewers=stats,
        generated_at=utcnow(),
        generated_by=generated_by,
        counts={
            "Candidates": len(frames.candidates),
            "Ranked candidates": int(ranking["rank"].notna().sum()),
            "Reviews": len(frames.reviews),
            "Submitted reviews": submitted,
            "Reviewers": len(frames.reviewers),
        },
        rubric_versions=versions,
        anonymize=anonymize,
        include_private_notes=include_private_notes,
        manifest_columns=manifest_columns(details),
        shortlist_size=position.shortlist_size,
        weights_used={**saved, **weight_overrides},
        what_if=bool(weight_overrides),
        committee_identities=_committee_identities(position) if anonymize else (),
    )


def _committee_identities(position: Position) -> list[str]:
    """Names and e-mails of everyone on the committee, for anonymised free text (a comment
    may name a colleague who has no review in the pack)."""
    people = [m.user for m in committee(position)]
    return [text for user in people for text in (user.display_name, user.email)]


def export_file(
    position: Position,
    stage: Stage,
    *,
    fmt: str = "xlsx",
    method: str = "mean",
    viewer=None,
    actor=None,
    anonymize: bool = False,
    include_private_notes: bool = False,
    weight_overrides: Mapping[str, float] | None = None,
) -> ExportFile:
    """The pack as file bytes, with a safe filename; audits the export (who, what, options).

    `weight_overrides` are the ranking page's what-if weights: the file ranks with them and its
    About sheet lists the weights used; the saved rubric is not touched."""
    if fmt not in FORMATS:
        raise ExportError(f"Unknown format {fmt!r}; use xlsx or csv.")
    by = getattr(actor, "display_name", "") or "reviewapp command line"
    pack = build_pack(
        position,
        stage,
        method=method,
        viewer=viewer,
        generated_by=by,
        anonymize=anonymize,
        include_private_notes=include_private_notes,
        weight_overrides=weight_overrides,
    )
    if fmt == "xlsx":
        data = build_workbook(pack)
    else:
        data = ranking_csv(pack.ranking, pack_criteria_names(pack))
    stage_part = "".join(ch if ch.isalnum() else "-" for ch in stage.name.lower()).strip("-")
    filename = f"{position.slug}-{stage_part or 'stage'}-{method}.{fmt}"
    audit.record(
        "export.create",
        position,
        actor=actor,
        position=position,
        summary=f"{fmt} {stage.name} {method}"[:255],
        new={
            "format": fmt,
            "stage": stage.name,
            "method": method,
            "anonymize": anonymize,
            "include_private_notes": include_private_notes,
            "weights": dict(pack.weights_used) if pack.what_if else {},
            "candidates": len(pack.ranking),
        },
    )
    db.session.flush()
    return ExportFile(data, filename, FORMATS[fmt])


def request_export(
    position: Position,
    stage: Stage,
    *,
    actor,
    fmt: str = "xlsx",
    method: str = "mean",
    anonymize: bool = False,
    include_private_notes: bool = False,
    weights: Mapping[str, float] | None = None,
) -> ExportJob:
    """A queued export job for `actor` (validated now, built by `run_export`); audited."""
    if fmt not in FORMATS:
        raise ExportError(f"Unknown format {fmt!r}; use xlsx or csv.")
    if method not in METHODS:
        raise ExportError(f"Unknown method {method!r}; use one of {', '.join(METHODS)}.")
    options = {
        "format": fmt,
        "method": method,
        "anonymize": bool(anonymize),
        "include_private_notes": bool(include_private_notes),
        "weights": {str(k): float(v) for k, v in (weights or {}).items()},
    }
    job = ExportJob(
        position_id=position.id,
        stage_id=stage.id,
        requested_by_id=getattr(actor, "id", None),
        options=options,
        status=ExportStatus.QUEUED,
    )
    db.session.add(job)
    db.session.flush()
    audit.record(
        "export.request",
        job,
        actor=actor,
        position=position,
        summary=f"{fmt} {stage.name} {method}"[:255],
        new={"stage": stage.name, **options},
    )
    return job


def start_export(job: ExportJob) -> None:
    """Mark the job running (its file is about to be built)."""
    job.status, job.started_at, job.error = ExportStatus.RUNNING, utcnow(), ""
    db.session.flush()


def run_export(job: ExportJob) -> None:
    """Build the job's file as its requester may see the data now, and store it on the job.

    Refusals (`ExportError`) mark the job failed with their message; other errors propagate
    (the job runner rolls back and records the failure). Flushes; the caller commits.
    """
    if job.status != ExportStatus.RUNNING:
        start_export(job)
    options = job.options or {}
    viewer = job.requested_by
    try:
        if viewer is None or not viewer.is_active:
            raise ExportError("The person who asked for this export no longer has an account.")
        if not can_view_ranking(viewer, job.position):
            raise ExportError("The person who asked for this export may no longer see the ranking.")
        result = export_file(
            job.position,
            job.stage,
            fmt=options.get("format", "xlsx"),
            method=options.get("method", "mean"),
            viewer=viewer,
            actor=viewer,
            anonymize=bool(options.get("anonymize")),
            include_private_notes=bool(options.get("include_private_notes")),
            weight_overrides=options.get("weights") or None,
        )
    except ExportError as error:
        job.status, job.error, job.finished_at = ExportStatus.FAILED, str(error), utcnow()
        db.session.flush()
        return
    job.result, job.size = result.data, len(result.data)
    job.filename, job.mimetype = result.filename, result.mimetype
    job.hidden_candidate_ids = sorted(hidden_candidate_ids(viewer, job.position))
    job.status, job.finished_at = ExportStatus.DONE, utcnow()
    db.session.flush()


def fail_export(job: ExportJob, message: str) -> None:
    """Mark a job failed with a message for its requester; nothing of a file is kept."""
    job.status, job.error, job.finished_at = ExportStatus.FAILED, message, utcnow()
    job.result, job.size, job.filename = None, 0, ""
    db.session.flush()


def expire_exports(before: datetime) -> int:
    """Delete the files of export jobs finished before `before`; the jobs stay, marked expired,
    so their pages say what happened. One UPDATE, which reads no file and leaves the jobs loaded
    in the session as they were (expire them to see it). Returns how many expired; the caller
    commits."""
    expired = db.session.execute(
        db.update(ExportJob)
        .where(ExportJob.status == ExportStatus.DONE, ExportJob.finished_at < before)
        .values(status=ExportStatus.EXPIRED, result=None, size=0)
        .execution_options(synchronize_session=False)
    )
    return expired.rowcount
