"""Filtering, paging and reading audit events, with each event's candidate worked out in SQL.

An event belongs to a candidate when its object is the candidate, or a row that points at one
(`candidate_id` column: documents, assignments, conflicts, discussion messages …; a review via
its assignment), or, for an object since deleted, when its old/new values name `candidate_id`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta

from sqlalchemy import case, func, or_, select

from reviewapp.assignments.models import Assignment
from reviewapp.audit import AuditEvent
from reviewapp.auth.models import User
from reviewapp.candidates.models import Candidate
from reviewapp.extensions import db
from reviewapp.positions.models import Position
from reviewapp.reviews.models import Review
from reviewapp.textutil import strip_control_chars

PER_PAGE = 50
SYSTEM = "system"  # the user filter's value for events without an actor (CLI, worker)


@dataclass
class AuditFilter:
    """What the chair asked for; values that do not parse are dropped, never an error."""

    user: str = ""  # a user id, SYSTEM or ""
    candidate: str = ""  # part of a candidate's name
    action: str = ""
    date_from: date | None = None
    date_to: date | None = None
    position_id: int | None = None  # the admin page only

    @classmethod
    def from_args(cls, args) -> AuditFilter:
        user = args.get("user", "")
        return cls(
            user=user if user == SYSTEM or _db_int(user) is not None else "",
            candidate=_text(args.get("candidate", ""), 200),
            action=_text(args.get("action", ""), 64),
            date_from=_date(args.get("from", "")),
            date_to=_date(args.get("to", "")),
            position_id=_db_int(args.get("position", "")),
        )

    def as_args(self) -> dict[str, str]:
        """The filter as query-string / hidden-field values (empty ones left out)."""
        values = {
            "user": self.user,
            "candidate": self.candidate,
            "action": self.action,
            "from": self.date_from.isoformat() if self.date_from else "",
            "to": self.date_to.isoformat() if self.date_to else "",
            "position": str(self.position_id) if self.position_id else "",
        }
        return {key: value for key, value in values.items() if value}


def _text(value: str, limit: int) -> str:
    """Plain one-line text (PostgreSQL refuses NUL; no control character is useful here)."""
    return " ".join(strip_control_chars(value).split())[:limit]


def _db_int(text: str) -> int | None:
    """A positive id that fits the database's integer column, else None (never an error)."""
    if not text.isascii() or not text.isdigit() or len(text) > 10:
        return None
    value = int(text)
    return value if 0 < value < 2**31 else None


def _date(text: str) -> date | None:
    try:
        return date.fromisoformat(text.strip())
    except ValueError:
        return None


def _candidate_expression():
    """SQL for the id of the candidate an event is about, or NULL."""
    object_id = AuditEvent.object_id
    whens = [(AuditEvent.object_type == "candidate", object_id)]
    review = (
        select(Assignment.candidate_id)
        .join(Review, Review.assignment_id == Assignment.id)
        .where(Review.id == object_id)
        .scalar_subquery()
    )
    whens.append((AuditEvent.object_type == "review", review))
    for mapper in db.Model.registry.mappers:
        table = mapper.local_table
        if "candidate_id" in table.c and "id" in table.c and mapper.class_ is not Candidate:
            row = select(table.c.candidate_id).where(table.c.id == object_id).scalar_subquery()
            named = _named_candidate()
            whens.append(
                (
                    AuditEvent.object_type == mapper.class_.__name__.lower(),
                    func.coalesce(row, named),
                )
            )
    return case(*whens, else_=_named_candidate())


def _named_candidate():
    return func.coalesce(
        AuditEvent.new["candidate_id"].as_integer(), AuditEvent.old["candidate_id"].as_integer()
    )


@dataclass
class Scope:
    """Whose events: one position's (chair page) or all (admin page), minus hidden candidates."""

    position: Position | None
    hidden: set[int] = field(default_factory=set)

    def hidden_names(self) -> list[str]:
        """The hidden candidates' names, to mask them in other events' summaries (a merge or
        a "keep apart" names two candidates)."""
        if not self.hidden:
            return []
        names = db.session.scalars(select(Candidate.name).where(Candidate.id.in_(self.hidden)))
        return [name.casefold() for name in names if len(name.strip()) >= 3]


def filtered(scope: Scope, flt: AuditFilter):
    """A select of (event, candidate id) rows, newest first, for the scope and the filter."""
    candidate_id = _candidate_expression().label("candidate_id")
    query = select(AuditEvent, candidate_id)
    if scope.position is not None:
        query = query.where(AuditEvent.position_id == scope.position.id)
    elif flt.position_id is not None:
        query = query.where(AuditEvent.position_id == flt.position_id)
    if scope.hidden:
        hidden = sorted(scope.hidden)
        query = query.where(or_(candidate_id.is_(None), candidate_id.not_in(hidden)))
    if flt.user == SYSTEM:
        query = query.where(AuditEvent.actor_id.is_(None))
    elif flt.user:
        query = query.where(AuditEvent.actor_id == int(flt.user))
    if flt.action:
        query = query.where(AuditEvent.action == flt.action)
    if flt.date_from:
        query = query.where(AuditEvent.created_at >= _midnight(flt.date_from))
    if flt.date_to and flt.date_to < date.max:
        query = query.where(AuditEvent.created_at < _midnight(flt.date_to + timedelta(days=1)))
    if flt.candidate:
        names = select(Candidate.id).where(
            Candidate.name.ilike("%" + _escape_like(flt.candidate) + "%", escape="\\")
        )
        if scope.position is not None:
            names = names.where(Candidate.position_id == scope.position.id)
        query = query.where(candidate_id.in_(names))
    return query.order_by(AuditEvent.created_at.desc(), AuditEvent.id.desc())


def _midnight(day: date) -> datetime:
    return datetime.combine(day, time.min, tzinfo=UTC)


def _escape_like(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


@dataclass
class Page:
    rows: list  # EventRow
    total: int
    page: int
    pages: int


@dataclass
class EventRow:
    event: AuditEvent
    actor: User | None
    position: Position | None
    candidate: Candidate | None
    summary: str
    old: dict | None
    new: dict | None


def page_of(scope: Scope, flt: AuditFilter, page: int) -> Page:
    query = filtered(scope, flt)
    total = db.session.scalar(select(func.count()).select_from(query.order_by(None).subquery()))
    pages = max(1, -(-total // PER_PAGE))
    page = min(max(page, 1), pages)
    rows = db.session.execute(query.limit(PER_PAGE).offset((page - 1) * PER_PAGE)).all()
    return Page(rows=describe(rows, scope), total=total, page=page, pages=pages)


def all_rows(scope: Scope, flt: AuditFilter, batch: int = 1000):
    """Every matching event (for the CSV), in batches so memory stays flat."""
    names = scope.hidden_names()
    result = db.session.execute(filtered(scope, flt).execution_options(yield_per=batch))
    for chunk in result.partitions():
        yield from describe(chunk, scope, names)


MASKED = "(concerns a candidate you have a conflict with)"


def describe(rows, scope: Scope, hidden_names: list[str] | None = None) -> list[EventRow]:
    """Events with their actor, position and candidate loaded in three queries, not per row."""
    hidden = scope.hidden
    if hidden_names is None:
        hidden_names = scope.hidden_names()
    events = [(row[0], row[1]) for row in rows]
    users = _by_id(User, {e.actor_id for e, _ in events})
    positions = _by_id(Position, {e.position_id for e, _ in events})
    candidates = _by_id(Candidate, {c for _, c in events})
    return [
        EventRow(
            event=event,
            actor=users.get(event.actor_id),
            position=positions.get(event.position_id),
            candidate=candidates.get(candidate_id),
            summary=_masked(event.summary, hidden_names),
            old=redact(event.old, hidden),
            new=redact(event.new, hidden),
        )
        for event, candidate_id in events
    ]


def _masked(summary: str, hidden_names: list[str]) -> str:
    folded = summary.casefold()
    return MASKED if any(name in folded for name in hidden_names) else summary


def _by_id(model, ids: set) -> dict:
    ids = {i for i in ids if i is not None}
    if not ids:
        return {}
    return {obj.id: obj for obj in db.session.scalars(select(model).where(model.id.in_(ids)))}


def redact(values: dict | None, hidden: set[int]) -> dict | None:
    """Drop hidden candidates from the id lists some events carry (detected conflict pairs,
    candidates moved between stages)."""
    if not values or not hidden:
        return values
    clean = dict(values)
    if isinstance(clean.get("pairs"), list):
        clean["pairs"] = [
            p for p in clean["pairs"] if not (isinstance(p, list) and len(p) > 1 and p[1] in hidden)
        ]
    for key in ("candidate_ids", "merged"):
        if isinstance(clean.get(key), list):
            clean[key] = [i for i in clean[key] if i not in hidden]
        elif key in clean and clean[key] in hidden:
            clean[key] = None
    return clean


def actions(scope: Scope) -> list[str]:
    query = select(AuditEvent.action).distinct().order_by(AuditEvent.action)
    if scope.position is not None:
        query = query.where(AuditEvent.position_id == scope.position.id)
    return list(db.session.scalars(query))


def actors(scope: Scope) -> list[User]:
    """The users who appear as actors in the scope, for the filter's list."""
    ids = select(AuditEvent.actor_id).distinct()
    if scope.position is not None:
        ids = ids.where(AuditEvent.position_id == scope.position.id)
    query = select(User).where(User.id.in_(ids)).order_by(User.display_name, User.id)
    return list(db.session.scalars(query))


def positions() -> list[Position]:
    return list(db.session.scalars(select(Position).order_by(Position.slug)))
