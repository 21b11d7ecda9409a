"""Stage management: create, rename, order, current stage, candidates, close and reopen.

Rules: the first stage (order 0) holds every candidate of the position, so it stays first and
has no candidate list of its own; closing a stage freezes its submitted reviews
(`reviews.operations.save_review` refuses edits in a closed stage). Operations flush and audit;
the caller commits.
"""

from sqlalchemy import func

from reviewapp import audit
from reviewapp.assignments.models import Assignment
from reviewapp.candidates.models import Candidate
from reviewapp.extensions import db
from reviewapp.positions.models import Position, Stage, StageCandidate
from reviewapp.ranking.frames import stage_candidate_ids

MAX_NAME_LENGTH = 100


class StageError(ValueError):
    """Refused, with a message for the chair."""


def current_stage(position: Position) -> Stage:
    """The stage marked current, else the first stage."""
    return next((s for s in position.stages if s.is_current), position.default_stage)


def _clean_name(position: Position, name: str, *, stage: Stage | None = None) -> str:
    name = " ".join((name or "").split())
    if not name:
        raise StageError("Give the stage a name.")
    if len(name) > MAX_NAME_LENGTH:
        raise StageError(f"A stage name is at most {MAX_NAME_LENGTH} characters.")
    if any(s.name.casefold() == name.casefold() and s is not stage for s in position.stages):
        raise StageError(f"There is already a stage called {name!r}.")
    return name


def create_stage(*, position: Position, name: str, actor) -> Stage:
    """A new stage after the last one."""
    stage = Stage(name=_clean_name(position, name), order=max(s.order for s in position.stages) + 1)
    position.stages.append(stage)
    db.session.flush()
    audit.record(
        "stage.create", stage, actor=actor, position=position, summary=stage.name,
        new={"name": stage.name, "order": stage.order},
    )  # fmt: skip
    return stage


def rename_stage(*, stage: Stage, name: str, actor) -> None:
    old = stage.name
    stage.name = _clean_name(stage.position, name, stage=stage)
    db.session.flush()
    audit.record(
        "stage.rename", stage, actor=actor, summary=f"{old} → {stage.name}"[:255],
        old={"name": old}, new={"name": stage.name},
    )  # fmt: skip


def move_stage(*, stage: Stage, direction: str, actor) -> None:
    """Swap with the neighbouring later stage; the first stage never moves."""
    if direction not in ("up", "down"):
        raise StageError("Move a stage up or down.")
    later = sorted((s for s in stage.position.stages if not s.is_default), key=lambda s: s.order)
    if stage.is_default or stage not in later:
        raise StageError("The first stage holds every candidate and stays first.")
    index = later.index(stage) + (-1 if direction == "up" else 1)
    if not 0 <= index < len(later):
        raise StageError(f"{stage.name} is already the {'first' if direction == 'up' else 'last'}.")
    other = later[index]
    old = stage.order
    stage.order, other.order = other.order, old
    db.session.flush()
    audit.record(
        "stage.move", stage, actor=actor, summary=f"{stage.name} {direction}",
        old={"order": old}, new={"order": stage.order},
    )  # fmt: skip


def set_current_stage(*, stage: Stage, actor) -> None:
    if stage.is_closed:
        raise StageError(f"{stage.name} is closed: reopen it before making it current.")
    previous = current_stage(stage.position)
    for other in stage.position.stages:
        other.is_current = other is stage
    db.session.flush()
    audit.record(
        "stage.current", stage, actor=actor, summary=stage.name,
        old={"stage_id": previous.id}, new={"stage_id": stage.id},
    )  # fmt: skip


def set_stage_closed(*, stage: Stage, closed: bool, actor) -> None:
    """Close (freeze the stage's reviews) or reopen a stage."""
    if stage.is_closed == closed:
        raise StageError(f"{stage.name} is already {'closed' if closed else 'open'}.")
    stage.is_closed = closed
    db.session.flush()
    audit.record(
        "stage.close" if closed else "stage.reopen", stage, actor=actor, summary=stage.name,
        old={"is_closed": not closed}, new={"is_closed": closed},
    )  # fmt: skip


def _visible_ids(stage: Stage, candidate_ids: list[int], actor, *, in_stage: bool) -> list[int]:
    """The given ids that are candidates of the position the actor may see (in the stage or
    in the first stage, i.e. the whole position)."""
    position = stage.position
    scope = stage if in_stage else position.default_stage
    return sorted(
        db.session.scalars(
            stage_candidate_ids(position, scope, actor).where(Candidate.id.in_(candidate_ids))
        )
    )


def add_candidates(*, stage: Stage, candidate_ids: list[int], actor) -> int:
    """Put candidates into a later stage; returns how many were new. Unknown, merged or
    conflicted ids are refused as a whole, so nothing is half-added."""
    if stage.is_default:
        raise StageError("The first stage already holds every candidate.")
    wanted = sorted(set(candidate_ids))
    if not wanted:
        raise StageError("Choose at least one candidate.")
    allowed = _visible_ids(stage, wanted, actor, in_stage=False)
    if allowed != wanted:
        raise StageError("Some of the chosen candidates are not candidates of this position.")
    present = set(
        db.session.scalars(
            db.select(StageCandidate.candidate_id).where(StageCandidate.stage_id == stage.id)
        )
    )
    added = [cid for cid in wanted if cid not in present]
    db.session.add_all(StageCandidate(stage_id=stage.id, candidate_id=cid) for cid in added)
    db.session.flush()
    audit.record(
        "stage.add_candidates", stage, actor=actor,
        summary=f"{len(added)} candidate(s) into {stage.name}"[:255],
        new={"candidate_ids": added},
    )  # fmt: skip
    return len(added)


def remove_candidates(*, stage: Stage, candidate_ids: list[int], actor) -> int:
    """Take candidates out of a later stage. Refused for a candidate who already has
    assignments in the stage: unassign them first, so no review is orphaned."""
    if stage.is_default:
        raise StageError("The first stage holds every candidate; none can be removed.")
    wanted = sorted(set(candidate_ids))
    if not wanted:
        raise StageError("Choose at least one candidate.")
    if _visible_ids(stage, wanted, actor, in_stage=True) != wanted:
        raise StageError("Some of the chosen candidates are not in this stage.")
    busy = db.session.scalar(
        db.select(func.count(Assignment.id)).where(
            Assignment.stage_id == stage.id, Assignment.candidate_id.in_(wanted)
        )
    )
    if busy:
        raise StageError(
            "Some of the chosen candidates have assignments in this stage: unassign them first."
        )
    rows = db.session.scalars(
        db.select(StageCandidate).where(
            StageCandidate.stage_id == stage.id, StageCandidate.candidate_id.in_(wanted)
        )
    ).all()
    for row in rows:
        db.session.delete(row)
    db.session.flush()
    audit.record(
        "stage.remove_candidates", stage, actor=actor,
        summary=f"{len(rows)} candidate(s) out of {stage.name}"[:255],
        old={"candidate_ids": wanted},
    )  # fmt: skip
    return len(rows)


def stage_counts(position: Position, actor) -> dict[int, int]:
    """Candidates per stage as the actor may see them (conflicted candidates not counted)."""
    return {
        stage.id: db.session.scalar(
            db.select(func.count()).select_from(
                stage_candidate_ids(position, stage, actor).subquery()
            )
        )
        for stage in position.stages
    }
