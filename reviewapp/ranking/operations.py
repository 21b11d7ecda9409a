"""Advancing candidates to the next stage. Flushes and audits; the caller commits."""

from reviewapp import audit
from reviewapp.candidates.models import Candidate
from reviewapp.extensions import db
from reviewapp.positions.models import Position, Stage, StageCandidate
from reviewapp.ranking.frames import stage_candidate_ids

NEXT_STAGE_NAME = "Shortlist"


def next_stage(position: Position, stage: Stage, *, actor) -> Stage:
    """The stage after `stage`, created as "Shortlist" (or "Shortlist 2"...) when there is none."""
    later = [s for s in position.stages if s.order > stage.order]
    if later:
        return min(later, key=lambda s: s.order)
    taken = {s.name.casefold() for s in position.stages}
    name, n = NEXT_STAGE_NAME, 2
    while name.casefold() in taken:
        name, n = f"{NEXT_STAGE_NAME} {n}", n + 1
    created = Stage(name=name, order=max(s.order for s in position.stages) + 1)
    position.stages.append(created)
    db.session.flush()
    audit.record(
        "stage.create", created, actor=actor, position=position, summary=name, new={"name": name}
    )
    return created


def advance_candidates(
    position: Position, stage: Stage, candidate_ids: list[int], *, actor
) -> tuple[Stage, int]:
    """Put the chosen candidates of `stage` (those `actor` may see) into the next stage.

    Ids outside the stage, or of candidates the actor is conflicted with, are ignored.
    Returns the next stage and how many candidates were newly added.
    """
    allowed = set(
        db.session.scalars(
            stage_candidate_ids(position, stage, actor).where(Candidate.id.in_(candidate_ids))
        )
    )
    if not allowed:
        return stage, 0
    target = next_stage(position, stage, actor=actor)
    already = set(
        db.session.scalars(
            db.select(StageCandidate.candidate_id).where(StageCandidate.stage_id == target.id)
        )
    )
    added = sorted(allowed - already)
    db.session.add_all(StageCandidate(stage_id=target.id, candidate_id=cid) for cid in added)
    db.session.flush()
    audit.record(
        "stage.advance",
        target,
        actor=actor,
        position=position,
        summary=f"{len(added)} candidate(s) from {stage.name} to {target.name}"[:255],
        new={"from_stage": stage.id, "to_stage": target.id, "candidate_ids": added},
    )
    return target, len(added)
