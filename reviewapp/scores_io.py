"""Spreadsheets in and out: assignment lists and offline scores (CSV or XLSX).

Every import reads the whole file, validates every row, and writes nothing unless all rows are
valid; errors carry the row number a spreadsheet shows (the header is row 1).

Scores format: `candidate` (candidate id, exact name, or one of the candidate's emails),
`reviewer` (email), one column per criterion name, optional `recommendation`, `confidence`,
`comment`. Export writes the same columns back, so a file round-trips.
"""

import csv
import io
from dataclasses import dataclass

from reviewapp.assignments.models import Assignment
from reviewapp.assignments.operations import assign, blocking_conflict
from reviewapp.auth.models import User
from reviewapp.candidates.models import Candidate
from reviewapp.exports.safe import clean_text, csv_text, set_string
from reviewapp.extensions import db
from reviewapp.importing.limits import DEFAULT_LIMITS
from reviewapp.importing.manifest import ManifestError, _csv_rows, _xlsx_rows
from reviewapp.positions.models import Membership, Position
from reviewapp.reviews.models import Recommendation, Review, ReviewStatus
from reviewapp.reviews.operations import ReviewError, ReviewInput, save_review, validate_review
from reviewapp.rubrics.operations import current_rubric

OPTIONAL = ("recommendation", "confidence", "comment")
_RECOMMENDATIONS = {r.value: r.value for r in Recommendation} | {
    r.label.casefold(): r.value for r in Recommendation
}


class TableError(ValueError):
    """Every problem found, as (row number, message) pairs; nothing was written."""

    def __init__(self, errors: list[tuple[int, str]]) -> None:
        self.errors = errors
        super().__init__("\n".join(f"row {row}: {message}" for row, message in errors[:50]))


def read_table(data: bytes) -> tuple[list[str], list[tuple[int, dict[str, str]]]]:
    """(headers, [(row number, {header: cell})]); XLSX recognised by its zip signature."""
    try:
        rows = _xlsx_rows(data, DEFAULT_LIMITS) if data[:2] == b"PK" else _csv_rows(data)
    except ManifestError as error:
        raise TableError(error.errors) from error
    rows = [(n, cells) for n, cells in rows if any(c.strip() for c in cells)]
    if not rows:
        raise TableError([(1, "the file is empty")])
    (_, header), body = rows[0], rows[1:]
    headers = [h.strip() for h in header]
    table = []
    for number, cells in body:
        if len(cells) > len(headers) and any(c.strip() for c in cells[len(headers) :]):
            raise TableError([(number, f"{len(cells)} cells but {len(headers)} column headers")])
        table.append(
            (
                number,
                {h: (cells[i].strip() if i < len(cells) else "") for i, h in enumerate(headers)},
            )
        )
    return headers, table


def _column(headers: list[str], name: str) -> str | None:
    return next((h for h in headers if h.casefold() == name), None)


class Resolver:
    """Find candidates (id, exact name, email) and committee members (email) of one position."""

    def __init__(self, position: Position) -> None:
        self.position = position
        candidates = db.session.scalars(
            db.select(Candidate).where(
                Candidate.position_id == position.id, Candidate.merged_into_id.is_(None)
            )
        ).all()
        self.by_id = {str(c.id): c for c in candidates}
        self.by_name: dict[str, list[Candidate]] = {}
        self.by_email: dict[str, Candidate] = {}
        for c in candidates:
            self.by_name.setdefault(c.name.casefold(), []).append(c)
            for email in c.emails or []:
                self.by_email[email.lower()] = c
        members = db.session.execute(
            db.select(User)
            .join(Membership, Membership.user_id == User.id)
            .where(Membership.position_id == position.id, Membership.is_active.is_(True))
        ).scalars()
        self.members = {u.email: u for u in members}

    def candidate(self, value: str) -> tuple[Candidate | None, str]:
        value = value.strip()
        if not value:
            return None, "the candidate is empty"
        if value in self.by_id:
            return self.by_id[value], ""
        if value.lower() in self.by_email:
            return self.by_email[value.lower()], ""
        named = self.by_name.get(value.casefold(), [])
        if len(named) == 1:
            return named[0], ""
        if named:
            return None, f"{len(named)} candidates are named {value!r}: use the id"
        return None, f"no candidate {value!r} in this position"

    def reviewer(self, value: str) -> tuple[User | None, str]:
        user = self.members.get(value.strip().lower())
        if user is None:
            return None, f"{value!r} is not an active committee member"
        return user, ""


def import_assignments(position: Position, data: bytes, *, actor) -> int:
    """Assign every (candidate, reviewer) row; returns how many were new."""
    headers, table = read_table(data)
    cand_col, rev_col = _column(headers, "candidate"), _column(headers, "reviewer")
    if cand_col is None or rev_col is None:
        raise TableError([(1, "the header needs the columns 'candidate' and 'reviewer'")])
    resolver, errors, pairs = Resolver(position), [], []
    for number, row in table:
        candidate, problem = resolver.candidate(row[cand_col])
        reviewer, problem2 = resolver.reviewer(row[rev_col])
        for message in (problem, problem2):
            if message:
                errors.append((number, message))
        if candidate and reviewer:
            if blocking_conflict(reviewer.id, candidate.id):
                errors.append((number, f"{reviewer.email} has a conflict with {candidate.name}"))
            else:
                pairs.append((candidate, reviewer))
    if errors:
        raise TableError(errors)
    stage = position.default_stage
    before = _count_assignments(stage.id)
    for candidate, reviewer in pairs:
        assign(candidate, reviewer, stage, actor=actor)
    return _count_assignments(stage.id) - before


def _count_assignments(stage_id: int) -> int:
    return db.session.scalar(
        db.select(db.func.count(Assignment.id)).where(Assignment.stage_id == stage_id)
    )


@dataclass
class _ScoreRow:
    number: int
    candidate: Candidate
    reviewer: User
    data: ReviewInput


def import_scores(position: Position, data: bytes, *, actor) -> int:
    """Store each row as a submitted review (creating the assignment); returns the row count."""
    rubric = current_rubric(position)
    if rubric is None:
        raise TableError([(0, "the position has no rubric yet")])
    headers, table = read_table(data)
    cand_col, rev_col = _column(headers, "candidate"), _column(headers, "reviewer")
    missing = [c.name for c in rubric.criteria if c.name not in headers]
    problems = []
    if cand_col is None or rev_col is None:
        problems.append((1, "the header needs the columns 'candidate' and 'reviewer'"))
    if missing:
        problems.append((1, f"missing criterion column(s): {', '.join(missing)}"))
    known = {"candidate", "reviewer", *OPTIONAL}
    unknown = [
        h
        for h in headers
        if h and h.casefold() not in known and h not in {c.name for c in rubric.criteria}
    ]
    if unknown:
        problems.append((1, f"unknown column(s): {', '.join(unknown)}"))
    if problems:
        raise TableError(problems)
    opt = {name: _column(headers, name) for name in OPTIONAL}
    resolver, errors, rows, seen = Resolver(position), [], [], {}
    for number, row in table:
        candidate, problem = resolver.candidate(row[cand_col])
        reviewer, problem2 = resolver.reviewer(row[rev_col])
        errors += [(number, m) for m in (problem, problem2) if m]
        recommendation = row.get(opt["recommendation"] or "", "").strip()
        rec_value = _RECOMMENDATIONS.get(recommendation.casefold()) if recommendation else None
        if recommendation and rec_value is None:
            errors.append((number, f"unknown recommendation {recommendation!r}"))
        review_input = ReviewInput(
            scores={c.id: row[c.name] for c in rubric.criteria},
            recommendation=rec_value,
            confidence=row.get(opt["confidence"] or "", "") or None,
            comment=row.get(opt["comment"] or "", ""),
        )
        try:
            validate_review(rubric, review_input, submit=False)
        except ReviewError as error:
            names = {f"criterion_{c.id}": c.name for c in rubric.criteria}
            for key, message in error.errors.items():
                errors.append((number, message if key in names else f"{key}: {message}"))
        if candidate and reviewer:
            if blocking_conflict(reviewer.id, candidate.id):
                errors.append((number, f"{reviewer.email} has a conflict with {candidate.name}"))
            key = (candidate.id, reviewer.id)
            if key in seen:
                errors.append((number, f"the same candidate and reviewer as row {seen[key]}"))
            seen[key] = number
            rows.append(_ScoreRow(number, candidate, reviewer, review_input))
    if errors:
        raise TableError(sorted(errors))
    stage = position.default_stage
    for row in rows:
        assignment = assign(row.candidate, row.reviewer, stage, actor=actor)
        save_review(assignment, rubric, row.data, submit=True, expected_version=None, actor=actor)
    return len(rows)


def score_rows(position: Position) -> tuple[list[str], list[list[object]]]:
    """The submitted reviews of the position's current rubric as (headers, rows)."""
    rubric = current_rubric(position)
    criteria = rubric.criteria if rubric else []
    headers = ["candidate", "reviewer", *(c.name for c in criteria), *OPTIONAL]
    reviews = db.session.scalars(
        db.select(Review)
        .join(Assignment, Review.assignment_id == Assignment.id)
        .join(Candidate, Candidate.id == Assignment.candidate_id)
        .join(User, User.id == Assignment.reviewer_id)
        .where(Assignment.position_id == position.id, Review.status == ReviewStatus.SUBMITTED)
        .order_by(Candidate.id, User.email)
    ).all()
    rows = []
    for review in reviews:
        values = {s.criterion_id: s.value for s in review.scores}
        rows.append(
            [
                review.assignment.candidate_id,
                review.assignment.reviewer.email,
                *(values.get(c.id) for c in criteria),
                review.recommendation or "",
                review.confidence,
                review.comment,
            ]
        )
    return headers, rows


def export_scores(position: Position, *, xlsx: bool) -> bytes:
    """The same format import_scores reads; text cells neutralised against formulas."""
    headers, rows = score_rows(position)
    if not xlsx:
        buffer = io.StringIO()
        writer = csv.writer(buffer, quoting=csv.QUOTE_MINIMAL)
        writer.writerow([csv_text(h) for h in headers])
        for row in rows:
            writer.writerow(
                [csv_text(v) if isinstance(v, str) else ("" if v is None else v) for v in row]
            )
        return buffer.getvalue().encode("utf-8")
    from openpyxl import Workbook

    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "Scores"
    for r, row in enumerate([headers, *rows], start=1):
        for c, value in enumerate(row, start=1):
            cell = sheet.cell(row=r, column=c)
            if isinstance(value, str):
                set_string(cell, clean_text(value))
            elif value is not None:
                cell.value = value
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
