"""The ONE adapter from ORM rows to the ranking frames (see `reviewapp.ranking` for the contract).

One query per table, columns only (no ORM objects), so a 20,000-candidate position loads in a
few queries. Scope: the first stage holds every non-merged candidate of the position; a later
stage holds its StageCandidate rows. Reviews, scores and assignments are those of the stage.
With a `viewer`, every candidate the viewer has a blocking conflict with is dropped from every
frame, so no number computed from them can reveal that candidate's reviews.
"""

from __future__ import annotations

import hashlib
import io
from collections.abc import Iterable
from dataclasses import dataclass

import numpy as np
import pandas as pd
from sqlalchemy import Select

from reviewapp.assignments.models import Assignment
from reviewapp.auth.models import User
from reviewapp.candidates.models import Candidate, Document
from reviewapp.candidates.permissions import hidden_candidate_ids as candidate_hidden_ids
from reviewapp.conflicts.models import Conflict, ConflictStatus
from reviewapp.extensions import db
from reviewapp.positions.models import Position, Stage, StageCandidate
from reviewapp.ranking import revision
from reviewapp.ranking.totals import RECOMMENDATIONS, STATUSES, categorical, positions
from reviewapp.reviews.models import Review, Score
from reviewapp.rubrics.models import Criterion, Rubric

DEGREE_LEVELS = ("doctorate", "master", "bachelor")


@dataclass(frozen=True)
class Frames:
    """The input frames of `rank_candidates` and friends, plus reviewer names for display."""

    candidates: pd.DataFrame  # candidate_id, name
    reviews: pd.DataFrame  # REVIEW_COLUMNS (with_text: + submitted_at, rubric_version, comment,
    # private_note)
    scores: pd.DataFrame  # review_id, criterion_id, value
    criteria: pd.DataFrame  # criterion_id, rubric_id, name, weight, scale_min, scale_max, ...
    assignments: pd.DataFrame  # reviewer_id, candidate_id
    reviewers: pd.DataFrame  # reviewer_id, reviewer, email


def _frame(statement: Select, columns: list[str]) -> pd.DataFrame:
    """Rows of a column SELECT as a frame, through Core (no ORM row processing), column-wise."""
    rows = db.session.connection().execute(statement).fetchall()
    if not rows:
        return _empty(columns)
    return pd.DataFrame(dict(zip(columns, map(list, zip(*rows, strict=True)), strict=True)))


def _empty(columns: list[str]) -> pd.DataFrame:
    return pd.DataFrame({name: pd.Series(dtype=object) for name in columns})


def _int_frame(statement: Select, columns: list[str]) -> pd.DataFrame:
    """A SELECT of non-null integer columns as an int64 frame, without a Python object per
    value: PostgreSQL streams it with COPY ... TO STDOUT (CSV parsed by pandas' C reader),
    other databases go through one numpy conversion of the fetched tuples. The scores of a
    20,000-candidate position are ~500,000 rows: 2.3 s as Python tuples, ~0.3 s this way."""
    connection = db.session.connection()
    if connection.dialect.name == "postgresql":
        # Only integer literals (ids) are bound into this statement, so inlining is safe.
        sql = str(statement.compile(dialect=connection.dialect,
                                    compile_kwargs={"literal_binds": True}))  # fmt: skip
        buffer = io.BytesIO()
        cursor = connection.connection.driver_connection.cursor()
        with cursor.copy(f"COPY ({sql}) TO STDOUT (FORMAT csv)") as copy:
            for block in copy:
                buffer.write(block)
        if buffer.tell() == 0:
            return _empty(columns)
        buffer.seek(0)
        return pd.read_csv(buffer, header=None, names=columns, dtype=np.int64)
    rows = connection.execute(statement).fetchall()
    if not rows:
        return _empty(columns)
    matrix = np.array(rows, dtype=np.int64).reshape(len(rows), len(columns))
    return pd.DataFrame({name: matrix[:, j] for j, name in enumerate(columns)})


def hidden_candidate_ids(position: Position, viewer: User | None) -> frozenset[int]:
    """The candidates of the position the viewer has a blocking (not dismissed) conflict with:
    kept out of every number that viewer sees (`candidates.permissions.hidden_candidate_ids`)."""
    if viewer is None:
        return frozenset()
    return frozenset(candidate_hidden_ids(viewer, position))


def stage_candidate_ids(
    position: Position,
    stage: Stage,
    viewer: User | None = None,
    *,
    hidden: Iterable[int] | None = None,
) -> Select:
    """A SELECT of the ids of the candidates in the stage the viewer may see (with `hidden`:
    all but those; the two are alternatives, `hidden` being the viewer's conflicts read once)."""
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
    hidden = sorted(int(c) for c in hidden or ())
    if hidden:
        query = query.where(Candidate.id.not_in(hidden))
    return query


def load_frames(
    position: Position,
    stage: Stage | None = None,
    *,
    viewer: User | None = None,
    hidden: Iterable[int] | None = None,
    with_text: bool = False,
) -> Frames:
    """The frames for one position and stage as `viewer` may see them (None: everything);
    `hidden` instead of `viewer`: without these candidates (`hidden_candidate_ids(viewer)`).

    `with_text` adds the reviews' comment and private_note (only exports need them).
    """
    stage = stage or position.default_stage
    in_scope = stage_candidate_ids(position, stage, viewer, hidden=hidden)
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
    ]
    names = [
        "review_id",
        "candidate_id",
        "reviewer_id",
        "rubric_id",
        "status",
        "recommendation",
        "confidence",
    ]
    statement = db.select(*review_columns).join(Assignment, Assignment.id == Review.assignment_id)
    if with_text:
        # Only exports show these; the datetime column alone doubles the cost of this frame.
        statement = db.select(
            *review_columns, Review.submitted_at, Rubric.version, Review.comment,
            Review.private_note,
        ).join(Assignment, Assignment.id == Review.assignment_id)  # fmt: skip
        statement = statement.join(Rubric, Rubric.id == Review.rubric_id)
        names += ["submitted_at", "rubric_version", "comment", "private_note"]
    # The ranking's fast paths want reviews candidate by candidate (as `candidates` lists them);
    # the exports list reviews by id.
    order = (Review.id,) if with_text else (Assignment.candidate_id, Review.id)
    reviews = _frame(statement.where(*in_stage).order_by(*order), names)
    reviews["status"] = categorical(reviews["status"], STATUSES)
    reviews["recommendation"] = categorical(reviews["recommendation"], RECOMMENDATIONS)
    # Scores of the stage's reviews, kept to the reviews in scope in pandas: far cheaper than a
    # per-row IN (candidates in scope) test in the database.
    scores = _int_frame(
        db.select(Score.review_id, Score.criterion_id, Score.value)
        .join(Review, Review.id == Score.review_id)
        .join(Assignment, Assignment.id == Review.assignment_id)
        .where(Assignment.stage_id == stage.id),
        ["review_id", "criterion_id", "value"],
    )
    criteria = load_criteria(position)
    scores = _in_review_order(scores, reviews, criteria)
    assignments = _int_frame(
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


def _in_review_order(
    scores: pd.DataFrame, reviews: pd.DataFrame, criteria: pd.DataFrame
) -> pd.DataFrame:
    """The scores of `reviews`, review by review in their order, each review's criteria in the
    order of `criteria`: the dense layout `totals.score_reviews` reads without a per-score
    lookup. Sorted here, not by ORDER BY: a database sort of ~500,000 rows spills to disk
    (+0.2 s on PostgreSQL), one integer sort in numpy takes a few milliseconds."""
    if scores.empty or reviews.empty:
        return scores.iloc[:0].reset_index(drop=True) if reviews.empty else scores
    review = positions(reviews["review_id"], scores["review_id"])
    kept = review >= 0  # scores of reviews out of scope are dropped
    if not kept.all():
        scores, review = scores[kept].reset_index(drop=True), review[kept]
    # Unknown criteria (never in practice) sort last within their review.
    criterion = positions(criteria["criterion_id"], scores["criterion_id"])
    width = len(criteria) + 1
    criterion[criterion < 0] = len(criteria)
    key = review * width + criterion
    if len(key) < 2 or bool((key[1:] >= key[:-1]).all()):
        return scores
    # (key, row) as one integer, sorted (faster than argsort), the row read back: a stable order.
    size = len(key)
    key *= size
    key += np.arange(size)
    key.sort()
    key %= size
    return scores.take(key).reset_index(drop=True)


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


def data_version(position: Position, stage: Stage, hidden: Iterable[int] = ()) -> tuple:
    """The cache key of a stage's ranking as seen by someone whose conflicts hide `hidden`.

    positions.data_revision changes with every change a ranking depends on (`revision`), read
    from the database in one indexed lookup; the settings that enter the computation and a
    digest of the hidden candidate ids complete it. No user id: two chairs with the same
    conflicts share one cached ranking, two with different conflicts never do.
    """
    digest = hashlib.sha256(",".join(map(str, sorted(int(c) for c in hidden))).encode())
    return (
        position.id,
        position.created_at.isoformat(),  # a position re-created under a reused id differs
        stage.id,
        revision.current(db.session, position.id),
        position.reviews_per_candidate,
        position.shortlist_size,
        stage.order,
        digest.hexdigest()[:32],
    )


REVISION_AT = 3  # where data_version puts the data revision


def version_family(version: tuple) -> tuple:
    """`data_version` without the data revision: the same ranking at another moment."""
    return version[:REVISION_AT] + version[REVISION_AT + 1 :]
