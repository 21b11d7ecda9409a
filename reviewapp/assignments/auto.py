"""Automatic assignment for a position: gather the data, call the pure solver, apply.

Affinity is TF-IDF between reviewers' expertise and candidates' CV text (`affinity.py`);
forbidden pairs are blocking conflicts and declined assignments; fixed pairs are assignments
whose review was started, so a re-run never takes away work in progress.
"""

from dataclasses import dataclass

import numpy as np

from reviewapp import audit
from reviewapp.assignments.affinity import affinity_matrix
from reviewapp.assignments.models import Assignment
from reviewapp.assignments.operations import AssignmentError, assign
from reviewapp.assignments.solver import Proposal, solve_assignment
from reviewapp.auth.models import User
from reviewapp.candidates.models import Candidate
from reviewapp.conflicts.models import Conflict, ConflictStatus
from reviewapp.conflicts.operations import candidate_texts, position_candidates
from reviewapp.extensions import db
from reviewapp.positions.models import Membership, Position, Role, Stage, StageCandidate
from reviewapp.reviews.models import Review


@dataclass
class AutoProposal:
    stage: Stage
    candidates: list[Candidate]
    reviewers: list[User]
    proposal: Proposal
    k: int
    max_load: int | None
    existing: set[tuple[int, int]]  # (candidate id, reviewer id) already assigned, not declined

    def rows(self) -> list[tuple[Candidate, User, float, bool]]:
        """(candidate, reviewer, affinity, is new) for every proposed pair."""
        return [
            (
                self.candidates[c],
                self.reviewers[r],
                self.proposal.affinity[(c, r)],
                (self.candidates[c].id, self.reviewers[r].id) not in self.existing,
            )
            for c, r in self.proposal.pairs
        ]

    def loads(self) -> list[tuple[User, int]]:
        return list(zip(self.reviewers, self.proposal.loads, strict=True))

    def unassignable(self) -> list[tuple[Candidate, str]]:
        return [(self.candidates[u.candidate], u.reason) for u in self.proposal.unassignable]


def stage_candidates(position: Position, stage: Stage) -> list[Candidate]:
    candidates = position_candidates(position)
    if stage.is_default:
        return candidates
    advanced = set(
        db.session.scalars(
            db.select(StageCandidate.candidate_id).where(StageCandidate.stage_id == stage.id)
        )
    )
    return [c for c in candidates if c.id in advanced]


def active_reviewers(position: Position) -> list[User]:
    return list(
        db.session.scalars(
            db.select(User)
            .join(Membership, Membership.user_id == User.id)
            .where(
                Membership.position_id == position.id,
                Membership.is_active.is_(True),
                Membership.role == Role.REVIEWER,
                User.is_active.is_(True),
            )
            .order_by(User.display_name, User.id)
        )
    )


def propose(
    position: Position, *, k: int, max_load: int | None = None, stage: Stage | None = None
) -> AutoProposal:
    if k < 1:
        raise AssignmentError("Give at least one reviewer per candidate.")
    stage = stage or position.default_stage
    candidates = stage_candidates(position, stage)
    reviewers = active_reviewers(position)
    if not reviewers:
        raise AssignmentError("There are no active reviewers on the committee.")
    c_index = {c.id: i for i, c in enumerate(candidates)}
    r_index = {u.id: j for j, u in enumerate(reviewers)}
    texts = [t.text for t in candidate_texts(candidates)]
    affinity = affinity_matrix([u.expertise or "" for u in reviewers], texts)
    forbidden = set()
    for reviewer_id, candidate_id in db.session.execute(
        db.select(Conflict.reviewer_id, Conflict.candidate_id).where(
            Conflict.position_id == position.id, Conflict.status != ConflictStatus.DISMISSED
        )
    ):
        if candidate_id in c_index and reviewer_id in r_index:
            forbidden.add((c_index[candidate_id], r_index[reviewer_id]))
    fixed, existing = set(), set()
    rows = db.session.execute(
        db.select(
            Assignment.candidate_id, Assignment.reviewer_id, Assignment.declined_at, Review.id
        )
        .outerjoin(Review, Review.assignment_id == Assignment.id)
        .where(Assignment.stage_id == stage.id)
    )
    for candidate_id, reviewer_id, declined_at, review_id in rows:
        if candidate_id not in c_index or reviewer_id not in r_index:
            continue
        pair = (c_index[candidate_id], r_index[reviewer_id])
        if declined_at is not None:
            forbidden.add(pair)
            continue
        existing.add((candidate_id, reviewer_id))
        if review_id is not None:
            fixed.add(pair)
    proposal = solve_assignment(
        len(candidates),
        len(reviewers),
        k=min(k, len(reviewers)),
        max_load=max_load,
        affinity=affinity if len(candidates) else np.zeros((0, len(reviewers))),
        forbidden=forbidden,
        fixed=fixed,
    )
    return AutoProposal(stage, candidates, reviewers, proposal, k, max_load, existing)


def apply_proposal(auto: AutoProposal, *, actor) -> tuple[int, int]:
    """Create the new assignments and drop unstarted ones the proposal no longer has.
    Returns (created, removed)."""
    wanted = {(auto.candidates[c].id, auto.reviewers[r].id) for c, r in auto.proposal.pairs}
    created = removed = 0
    for candidate, reviewer, _, is_new in auto.rows():
        if is_new:
            assign(candidate, reviewer, auto.stage, actor=actor)
            created += 1
    stale = db.session.scalars(
        db.select(Assignment)
        .outerjoin(Review, Review.assignment_id == Assignment.id)
        .where(
            Assignment.stage_id == auto.stage.id,
            Assignment.declined_at.is_(None),
            Review.id.is_(None),
        )
    ).all()
    for assignment in stale:
        if (assignment.candidate_id, assignment.reviewer_id) not in wanted:
            db.session.delete(assignment)
            removed += 1
    db.session.flush()
    audit.record(
        "assignment.auto",
        None,
        actor=actor,
        position=auto.stage.position_id,
        summary=f"k={auto.k} max_load={auto.max_load}: {created} new, {removed} removed",
        new={
            "mean_affinity": round(auto.proposal.mean_affinity, 4),
            "status": auto.proposal.status,
        },
    )
    return created, removed
