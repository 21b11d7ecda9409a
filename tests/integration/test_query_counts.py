"""No list page issues a number of SQL queries that grows with the rows it shows (no N+1).

Two committees are built the same way, one with 1 row of everything and one with 50: candidates
(each with a document, assigned to the main reviewer and to a second reviewer, reviewed by the
main reviewer), committee members, conflicts, import batches and positions on the dashboard.
Every list page is then requested once for each, counting the statements that reach the
database through SQLAlchemy's engine events; the two counts must be equal.
"""

import re
from contextlib import contextmanager

import pytest
from sqlalchemy import event

from reviewapp.assignments.operations import assign
from reviewapp.auth import operations as accounts
from reviewapp.conflicts.operations import add_conflict
from reviewapp.db import utcnow
from reviewapp.extensions import db
from reviewapp.importing.models import BatchStatus
from reviewapp.importing.operations import create_batch
from reviewapp.positions import operations as positions
from reviewapp.reviews.operations import ReviewInput, save_review
from tests import factories

pytestmark = pytest.mark.integration

SIZES = (1, 50)
# (page, who looks at it, path); {slug} is the committee's main position.
PAGES = [
    ("candidates list", "chair", "/p/{slug}/candidates/"),
    ("my reviews", "reviewer", "/p/{slug}/reviews/"),
    ("assignments matrix", "chair", "/p/{slug}/assignments/"),
    ("ranking page", "chair", "/p/{slug}/ranking"),
    ("import history", "chair", "/p/{slug}/imports/"),
    ("conflicts", "chair", "/p/{slug}/conflicts"),
    ("committee", "chair", "/p/{slug}/committee"),
    ("dashboard (chair)", "chair", "/"),
    ("dashboard (reviewer)", "reviewer", "/"),
]


def _user(email: str, name: str):
    """A committee member who never logs in (no password: no scrypt hash to compute)."""
    return accounts.create_user(email=email, display_name=name, actor=None)


def build_committee(n: int) -> dict:
    """A position with n rows on every list page, plus n - 1 more positions for the dashboard."""
    chair = factories.create_user(f"chair{n}@example.org", name=f"Chair {n}")
    reviewer = factories.create_user(f"reviewer{n}@example.org", name=f"Reviewer {n}")
    others = [_user(f"r{n}-{i}@example.org", f"Other {n}-{i}") for i in range(n)]
    conflicted = _user(f"conflicted{n}@example.org", f"Conflicted {n}")
    slug = f"size-{n}"
    position = factories.create_position(slug, chair=chair, reviewers=(reviewer, *others))
    positions.add_member(position, conflicted, "reviewer", actor=None)
    rubric = factories.create_rubric(position)
    stage = position.default_stage
    criteria = [c.id for c in rubric.criteria]
    for i in range(n):
        candidate = factories.create_candidate(
            position, f"Candidate {n}-{i:02d}", emails=[f"c{n}-{i}@example.org"]
        )
        main = assign(candidate, reviewer, stage, actor=chair)
        assign(candidate, others[i], stage, actor=chair)
        save_review(
            main,
            rubric,
            ReviewInput(
                scores={criteria[0]: 1 + i % 5, criteria[1]: 5 - i % 5, criteria[2]: i % 11},
                recommendation="yes",
                confidence=2,
                comment=f"Review {i}",
            ),
            submit=True,
            expected_version=0,
            actor=reviewer,
        )
        add_conflict(
            position, conflicted, candidate, source="chair", reason="co-author", actor=chair
        )
        batch = create_batch(position, [(f"cv-{i}.txt", f"CV {n}-{i}".encode())], actor=chair)
        batch.status, batch.finished_at = BatchStatus.DONE, utcnow()
    for i in range(n - 1):
        extra = factories.create_position(
            f"extra-{n}-{i}", title=f"Extra {i}", chair=chair, reviewers=(reviewer,)
        )
        candidate = factories.create_candidate(extra, f"Extra candidate {n}-{i}")
        assign(candidate, reviewer, extra.default_stage, actor=chair)
    db.session.commit()
    return {"slug": slug, "chair": chair.email, "reviewer": reviewer.email}


@contextmanager
def counting_queries():
    statements: list[str] = []

    def count(conn, cursor, statement, parameters, context, executemany):
        statements.append(statement)

    event.listen(db.engine, "before_cursor_execute", count)
    try:
        yield statements
    finally:
        event.remove(db.engine, "before_cursor_execute", count)


def page_query_counts(client, auth, committee: dict) -> dict[str, tuple[int, str]]:
    """{page: (statements, body)} for the first request of each page (a cold ranking too)."""
    out = {}
    for role in ("chair", "reviewer"):
        auth.login(committee[role])
        for name, who, path in PAGES:
            if who != role:
                continue
            with counting_queries() as statements:
                response = client.get(path.format(slug=committee["slug"]))
            assert response.status_code == 200, (name, response.status_code)
            out[name] = (len(statements), response.get_data(as_text=True))
        auth.logout()
    return out


def test_list_pages_query_count_does_not_grow_with_rows(app, client, auth):
    counts = {n: page_query_counts(client, auth, build_committee(n)) for n in SIZES}
    small, large = counts[SIZES[0]], counts[SIZES[-1]]
    # The pages really show the rows: the 50th candidate, member, batch, position...
    assert "Candidate 50-49" in large["candidates list"][1]
    assert "Candidate 50-49" in large["my reviews"][1]
    assert "Candidate 50-49" in large["assignments matrix"][1]
    assert "Candidate 50-49" in large["ranking page"][1]
    assert "Candidate 50-49" in large["conflicts"][1]
    assert len(re.findall(r'href="/p/size-50/imports/\d+"', large["import history"][1])) == 50
    assert "Other 50-49" in large["committee"][1]
    assert "Extra 48" in large["dashboard (chair)"][1]
    assert "Extra 48" in large["dashboard (reviewer)"][1]
    grown = {
        name: (small[name][0], large[name][0])
        for name, _who, _path in PAGES
        if large[name][0] != small[name][0]
    }
    assert grown == {}, f"queries for 1 row vs 50 rows: {grown}"
