"""The ONE adapter from ORM rows to the ranking frames (see `reviewapp.ranking` for the contract).

One query per table, columns only (no ORM objects), so a 20,000-candidate position loads in a
few queries. Scope: the first stage holds every non-merged candidate of the position; a later
stage holds its StageCandidate rows. Reviews, scores and assignments are those of the stage.
With a `viewer`, every candidate the viewer has a blocking conflict with is dropped from every
frame, so no number computed from them can reveal that candidate's reviews.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd
from sqlalchemy import Select

from reviewapp.assignments.models import Assignment
from reviewapp.auth.models import User
from reviewapp.candidates.models import Candidate, Document
from reviewapp.conflicts.models import Conflict, ConflictStatus
from reviewapp.extensions import db
from reviewapp.positions.models import Position, Stage, StageCandidate
from reviewapp.reviews.models import Review, Score
from reviewapp.rubrics.models import Criterion, Rubric

DEGREE_LEVELS = ("doctorate", "master", "bachelor")


@dataclass(frozen=True)
class Frames:
    """The input frames of `rank_candidates` and friends, plus reviewer names for display."""

    candidates: pd.DataFrame  # candidate_id, name
    reviews: pd.DataFrame  # REVIEW_COLUMNS (+ comment, private_note, submitted_at, rubric_version)
    scores: pd.DataFrame  # review_id, criterion_id, value
    criteria: pd.DataFrame  # criterion_id, rubric_id, name, weight, scale_min, scale_max, ...
    assignments: pd.DataFrame  # reviewer_id, candidate_id
    reviewers: pd.DataFrame  # reviewer_id, reviewer, email


def _frame(statement: Select, columns: list[str], *, raw: bool = False) -> pd.DataFrame:
    """Rows of a column SELECT as a frame, through Core (no ORM row processing), column-wise."""
    result = db.session.connection().execute(statement)
    # Plain ints and strings need no type processing: read the DB-API cursor directly (the
    # scores of 20,000 candidates are ~500,000 rows).
    rows = result.cursor.fetchall() if raw else result.fetchall()
    result.close()
    if not rows:
        return pd.DataFrame({name: pd.Series(dtype=object) for name in columns})
    return pd.DataFrame(dict(zip(columns, map(list, zip(*rows, strict=True)), strict=True)))


def stage_candidate_ids(position: Position, stage: Stage, viewer: User | None = None) -> Select:
    """A SELECT of the ids of the candidates in the stage the viewer may see."""
    query = db.select(Candidate.id).where(
        Candidate.position_id == position.id, Candidate.merged_into_id.is_(None)
    )
    if not stage.is_default:
        query = query.where(
            Candidate.id.in_(
                db.select(StageCandidate.candidate_id).where(StageCandidate.stage_id == stage.id)
            )
        )
    if viewer is not None:
        conflicted = db.select(Conflict.candidate_id).where(
            Conflict.reviewer_id == viewer.id,
            Conflict.position_id == position.id,
            Conflict.status != ConflictStatus.DISMISSED,
        )
        query = query.where(Candidate.id.not_in(conflicted))
    return query


def load_frames(
    position: Position,
    stage: Stage | None = None,
    *,
    viewer: User | None = None,
    with_text: bool = False,
) -> Frames:
    """The frames for one position and stage as `viewer` may see them (None: everything).

    `with_text` adds the reviews' comment and private_note (only exports need them).
    """
    stage = stage or position.default_stage
    in_scope = stage_candidate_ids(position, stage, viewer)
    candidates = _frame(
        db.select(Candidate.id, Candidate.name)
        .where(Candidate.id.in_(in_scope))
        .order_by(Candidate.id),
        ["candidate_id", "name"],
    )
    in_stage = (Assignment.stage_id == stage.id, Assignment.candidate_id.in_(in_scope))
    review_columns = [
        Review.id,
        Assignment.candidate_id,
        Assignment.reviewer_id,
        Review.rubric_id,
        Review.status,
        Review.recommendation,
        Review.confidence,
        Review.submitted_at,
        Rubric.version,
    ]
    names = [
        "review_id",
        "candidate_id",
        "reviewer_id",
        "rubric_id",
        "status",
        "recommendation",
        "confidence",
        "submitted_at",
        "rubric_version",
    ]
    if with_text:
        review_columns += [Review.comment, Review.private_note]
        names += ["comment", "private_note"]
    reviews = _frame(
        db.select(*review_columns)
        .join(Assignment, Assignment.id == Review.assignment_id)
        .join(Rubric, Rubric.id == Review.rubric_id)
        .where(*in_stage)
        .order_by(Review.id),
        names,
    )
    # Scores of the stage's reviews, kept to the reviews in scope in pandas: far cheaper than a
    # per-row IN (candidates in scope) test in the database.
    scores = _frame(
        db.select(Score.review_id, Score.criterion_id, Score.value)
        .join(Review, Review.id == Score.review_id)
        .join(Assignment, Assignment.id == Review.assignment_id)
        .where(Assignment.stage_id == stage.id),
        ["review_id", "criterion_id", "value"],
        raw=True,
    )
    scores = scores[scores["review_id"].isin(reviews["review_id"]).to_numpy(dtype=bool)]
    scores = scores.reset_index(drop=True)
    criteria = load_criteria(position)
    assignments = _frame(
        db.select(Assignment.reviewer_id, Assignment.candidate_id).where(
            *in_stage, Assignment.declined_at.is_(None)
        ),
        ["reviewer_id", "candidate_id"],
    )
    reviewer_ids = db.select(Assignment.reviewer_id).where(*in_stage)
    reviewers = _frame(
        db.select(User.id, User.display_name, User.email)
        .where(User.id.in_(reviewer_ids))
        .order_by(User.id),
        ["reviewer_id", "reviewer", "email"],
    )
    return Frames(candidates, reviews, scores, criteria, assignments, reviewers)


def load_criteria(position: Position) -> pd.DataFrame:
    """Every criterion of every rubric version of the position (the criteria frame)."""
    return _frame(
        db.select(
            Criterion.id,
            Criterion.rubric_id,
            Criterion.name,
            Criterion.weight,
            Criterion.scale_min,
            Criterion.scale_max,
            Criterion.order,
            Criterion.description,
        )
        .join(Rubric, Rubric.id == Criterion.rubric_id)
        .where(Rubric.position_id == position.id)
        .order_by(Rubric.version, Criterion.order),
        ["criterion_id", "rubric_id", "name", "weight", "scale_min", "scale_max", "position"]
        + ["description"],
    )


def _highest_degree(education: list) -> tuple[object, object, object]:
    """(degree, institution, year) of the highest-level degree listed, else Nones."""
    entries = [e for e in education or [] if isinstance(e, dict) and e.get("degree")]
    if not entries:
        return None, None, None

    def level(entry: dict) -> int:
        kind = entry.get("level")
        return DEGREE_LEVELS.index(kind) if kind in DEGREE_LEVELS else len(DEGREE_LEVELS)

    best = min(entries, key=level)
    year = best.get("end") or best.get("start")
    year = int(year) if isinstance(year, str | int) and str(year).isdigit() else year
    return best.get("degree"), best.get("institution"), year


def candidate_details(candidate_ids: list[int]) -> pd.DataFrame:
    """The Candidates sheet's columns for these candidates (profile with the chair's edits on
    top), one query for candidates and one for document counts."""
    columns = [
        "candidate_id", "name", "emails", "phone", "highest_degree", "institution",
        "degree_year", "current_position", "publications", "documents", "imported_at",
        "attributes",
    ]  # fmt: skip
    if not candidate_ids:
        return pd.DataFrame(columns=columns)
    wanted = db.select(Candidate.id).where(Candidate.id.in_(candidate_ids))
    documents = dict(
        db.session.execute(
            db.select(Document.candidate_id, db.func.count(Document.id))
            .where(Document.candidate_id.in_(wanted))
            .group_by(Document.candidate_id)
        ).all()
    )
    rows = []
    for cid, name, emails, phone, profile, edits, attributes, created in db.session.execute(
        db.select(
            Candidate.id,
            Candidate.name,
            Candidate.emails,
            Candidate.phone,
            Candidate.profile,
            Candidate.edits,
            Candidate.attributes,
            Candidate.created_at,
        )
        .where(Candidate.id.in_(wanted))
        .order_by(Candidate.id)
    ):
        merged = {**(profile or {}), **(edits or {})}
        degree, institution, year = _highest_degree(merged.get("education"))
        current = merged.get("current_position")
        title = current.get("title") if isinstance(current, dict) else current
        publications = merged.get("publications")
        count = publications.get("count") if isinstance(publications, dict) else publications
        rows.append(
            [cid, name, emails or [], phone, degree, institution, year, title, count,
             documents.get(cid, 0), created, attributes or {}]
        )  # fmt: skip
    return pd.DataFrame(rows, columns=columns)


def manifest_columns(details: pd.DataFrame) -> list[str]:
    """Manifest attribute names in first-seen order."""
    seen: dict[str, None] = {}
    for attributes in details.get("attributes", pd.Series(dtype=object)).tolist():
        if isinstance(attributes, dict):
            seen.update(dict.fromkeys(str(k) for k in attributes))
    return list(seen)


def data_version(position: Position, stage: Stage, viewer: User | None = None) -> tuple:
    """A cheap fingerprint of everything a stage's ranking depends on (one query of
    aggregates): reviews (count, versions, last update), scores (count, sum), candidates,
    assignments, conflicts, stage members, rubric versions and the position's settings."""
    f = db.func
    in_position = Assignment.position_id == position.id
    parts = [
        db.select(f.count(Review.id), f.sum(Review.version), f.max(Review.updated_at))
        .join(Assignment, Assignment.id == Review.assignment_id)
        .where(in_position),
        db.select(f.count(Score.id), f.sum(Score.value), f.sum(Score.id))
        .join(Review, Review.id == Score.review_id)
        .join(Assignment, Assignment.id == Review.assignment_id)
        .where(in_position),
        db.select(f.count(Candidate.id), f.max(Candidate.updated_at), f.sum(Candidate.id)).where(
            Candidate.position_id == position.id
        ),
        db.select(
            f.count(Assignment.id), f.sum(Assignment.id), f.count(Assignment.declined_at)
        ).where(in_position),
        db.select(f.count(Conflict.id), f.sum(Conflict.id), f.max(Conflict.decided_at)).where(
            Conflict.position_id == position.id
        ),
        db.select(f.count(StageCandidate.candidate_id), f.sum(StageCandidate.candidate_id)).where(
            StageCandidate.stage_id == stage.id
        ),
        db.select(f.count(Rubric.id), f.max(Rubric.id)).where(Rubric.position_id == position.id),
    ]
    values = []
    for part in parts:
        values.extend(db.session.execute(part).one())
    settings = (position.reviews_per_candidate, position.shortlist_size, stage.order)
    return (position.id, stage.id, getattr(viewer, "id", None), *settings, *map(str, values))
