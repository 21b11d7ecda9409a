"""Build the decision pack for a position, stage and method, as a given user may see it."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from reviewapp import audit
from reviewapp.db import utcnow
from reviewapp.exports import DecisionPack, build_workbook, ranking_csv
from reviewapp.exports.workbook import pack_criteria_names
from reviewapp.extensions import db
from reviewapp.positions.models import Position, Stage
from reviewapp.ranking import (
    METHOD_DESCRIPTIONS,
    METHODS,
    criterion_agreement,
    rank_candidates,
    review_table,
    reviewer_stats,
)
from reviewapp.ranking.frames import candidate_details, load_frames, manifest_columns

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
    )


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
) -> ExportFile:
    """The pack as file bytes, with a safe filename; audits the export (who, what, options)."""
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
            "candidates": len(pack.ranking),
        },
    )
    db.session.flush()
    return ExportFile(data, filename, FORMATS[fmt])
