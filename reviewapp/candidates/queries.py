"""The chair's candidate list: search, filters, sort and pagination in ONE query per page.

The total comes from a window count over the filtered rows, so a page is a single SELECT with
LIMIT/OFFSET whatever the number of candidates. Conflicted candidates are left out for the user.
"""

from dataclasses import dataclass

import sqlalchemy as sa

from reviewapp.auth.permissions import is_admin, membership
from reviewapp.candidates.models import Candidate, Document
from reviewapp.conflicts.models import Conflict, ConflictStatus
from reviewapp.extensions import db
from reviewapp.importing.models import DuplicatePair, PairStatus

PER_PAGE = 50
SORTS = {
    "name": (Candidate.name.asc(), Candidate.id.asc()),
    "-name": (Candidate.name.desc(), Candidate.id.desc()),
    "imported": (Candidate.created_at.asc(), Candidate.id.asc()),
    "-imported": (Candidate.created_at.desc(), Candidate.id.desc()),
}
STATUSES = ("ok", "no_text_layer", "failed")
FLAGS = {"no_email": "No e-mail found", "name_not_found": "Name not found in the CV"}


@dataclass
class Page:
    rows: list  # (Candidate, documents, open duplicate pairs)
    total: int
    page: int
    per_page: int

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.per_page))


def _like(term: str) -> str:
    escaped = term.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


def _search(term: str):
    pattern = _like(term.strip())
    in_text = (
        sa.select(Document.id)
        .where(Document.candidate_id == Candidate.id, Document.text.ilike(pattern, escape="\\"))
        .exists()
    )
    return sa.or_(
        Candidate.name.ilike(pattern, escape="\\"),
        Candidate.name_as_written.ilike(pattern, escape="\\"),
        sa.cast(Candidate.emails, sa.Text).ilike(pattern, escape="\\"),
        sa.cast(Candidate.profile, sa.Text).ilike(pattern, escape="\\"),
        in_text,
    )


def candidate_page(
    position,
    user,
    *,
    q: str = "",
    sort: str = "name",
    status: str = "",
    flag: str = "",
    duplicates: bool = False,
    page: int = 1,
    per_page: int = PER_PAGE,
) -> Page:
    documents = (
        sa.select(sa.func.count(Document.id))
        .where(Document.candidate_id == Candidate.id)
        .scalar_subquery()
    )
    # Hidden from the user: candidates they are conflicted with (an outside admin sees all).
    hidden = sa.select(Conflict.candidate_id).where(
        Conflict.reviewer_id == user.id, Conflict.status != ConflictStatus.DISMISSED
    )
    if is_admin(user) and membership(user, position) is None:
        hidden = hidden.where(sa.false())
    pairs = (
        sa.select(sa.func.count(DuplicatePair.id))
        .where(
            DuplicatePair.status == PairStatus.OPEN,
            sa.or_(
                DuplicatePair.candidate_a_id == Candidate.id,
                DuplicatePair.candidate_b_id == Candidate.id,
            ),
            # a pair with a hidden candidate is not counted: it would reveal that candidate
            DuplicatePair.candidate_a_id.not_in(hidden),
            DuplicatePair.candidate_b_id.not_in(hidden),
        )
        .scalar_subquery()
    )
    query = sa.select(Candidate, documents, pairs, sa.func.count().over()).where(
        Candidate.position_id == position.id,
        Candidate.merged_into_id.is_(None),
        Candidate.id.not_in(hidden),
    )
    if q.strip():
        query = query.where(_search(q))
    if status in STATUSES:
        query = query.where(
            sa.select(Document.id)
            .where(Document.candidate_id == Candidate.id, Document.extraction_status == status)
            .exists()
        )
    if flag == "no_email":
        query = query.where(sa.cast(Candidate.emails, sa.Text).in_(["[]", ""]))
    elif flag == "name_not_found":
        query = query.where(sa.cast(Candidate.profile, sa.Text).like("%name not found%"))
    if duplicates:
        query = query.where(pairs > 0)
    page = max(1, page)
    query = query.order_by(*SORTS.get(sort, SORTS["name"]))
    rows = db.session.execute(query.limit(per_page).offset((page - 1) * per_page)).all()
    total = rows[0][3] if rows else 0
    return Page([(c, n, p) for c, n, p, _ in rows], total, page, per_page)
