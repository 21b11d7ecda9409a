"""The reviewer's hot path issues a fixed number of SQL statements (issue 6).

Two committees are built the same way, one small (3 criteria, 1 assignment, 1 other reviewer)
and one large (12 criteria, 30 assignments, 30 other reviewers who reviewed and discussed the
candidate being scored). The scoring page, the JSON autosave, the form submit and My reviews are
requested once for each, counting the statements that reach the database; the counts must be
equal and stay under a small bound, while the large pages really show what they grew.
"""

import re

import pytest

from reviewapp.assignments.operations import assign
from reviewapp.auth import operations as accounts
from reviewapp.discussion.operations import post_message
from reviewapp.extensions import db
from reviewapp.positions.models import Visibility
from reviewapp.reviews.models import Review
from reviewapp.reviews.operations import ReviewInput, save_review
from tests import factories
from tests.integration.test_query_counts import counting_queries

pytestmark = pytest.mark.integration

SMALL, LARGE = (3, 1), (12, 30)  # (criteria, assignments and other reviewers)
# Upper bounds per request: what was measured (12, 10, 10, 3) plus one. The page: login,
# position with membership, the assignment with its stage, candidate, review and rubric, the
# criteria, scores, documents, conflict, the latest rubric version, the next candidate, the
# other reviews and their scores, the thread. The autosave: the same first six, conflict,
# UPDATE review and scores, the audit entry, the login again after the commit.
BOUNDS = {"scoring page": 13, "autosave": 11, "submit": 11, "my reviews": 4}
CSRF = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')


def build(criteria: int, n: int) -> dict:
    """A committee whose reviewer has n assignments, the first (Aaa...) with a draft review,
    reviewed and discussed by n other reviewers; the position shows other reviews always."""
    chair = factories.create_user(f"chair-{n}@example.org", name=f"Chair {n}")
    reviewer = factories.create_user(f"rev-{n}@example.org", name=f"Reviewer {n}")
    others = [
        accounts.create_user(
            email=f"o{n}-{i}@example.org", display_name=f"Other {n}-{i}", actor=None
        )
        for i in range(n)
    ]
    position = factories.create_position(f"scoring-{n}", chair=chair, reviewers=(reviewer, *others))
    position.visibility = Visibility.VISIBLE
    rubric = factories.create_rubric(
        position,
        [{"name": f"Criterion {n}-{k:02d}", "min": 1, "max": 5} for k in range(criteria)],
    )
    stage = position.default_stage
    all_scores = {c.id: 3 for c in rubric.criteria}
    candidates = [
        factories.create_candidate(position, f"Aaa {n}-{i:02d}", text=f"CV text {n}-{i:02d}")
        for i in range(n)
    ]
    mine = [assign(c, reviewer, stage, actor=chair) for c in candidates]
    focus = mine[0]
    save_review(focus, rubric, ReviewInput(scores=all_scores), submit=False,
                expected_version=0, actor=reviewer)  # fmt: skip
    for i, other in enumerate(others):
        theirs = assign(candidates[0], other, stage, actor=chair)
        save_review(
            theirs,
            rubric,
            ReviewInput(scores=all_scores, recommendation="yes", confidence=2,
                        comment=f"Comment {n}-{i}"),
            submit=True, expected_version=0, actor=other,
        )  # fmt: skip
        post_message(candidate=candidates[0], author=other, body=f"Message {n}-{i}")
    db.session.commit()
    return {
        "slug": position.slug,
        "reviewer": reviewer.email,
        "focus": focus.id,
        "last": mine[-1].id,
        "criteria": [c.id for c in rubric.criteria],
    }


def run(client, auth, committee: dict) -> dict[str, tuple[int, str]]:
    """{request: (statements, body)} for the reviewer's four requests, in loop order."""
    auth.login(committee["reviewer"])
    url = f"/p/{committee['slug']}/reviews/{committee['focus']}"
    out = {}
    with counting_queries() as statements:
        response = client.get(url)
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    out["scoring page"] = (len(statements), page)
    token = CSRF.search(page).group(1)
    payload = {f"criterion_{cid}": 4 for cid in committee["criteria"]}
    payload.update(recommendation="yes", confidence=2, version=1)
    with counting_queries() as statements:
        response = client.post(url + "/autosave", json=payload, headers={"X-CSRFToken": token})
    assert response.status_code == 200, response.get_json()
    out["autosave"] = (len(statements), response.get_data(as_text=True))
    form = {k: str(v) for k, v in payload.items()}
    form.update(version="2", csrf_token=token, submit_review="Submit review")
    with counting_queries() as statements:
        response = client.post(url, data=form)
    assert response.status_code == 302, response.get_data(as_text=True)
    out["submit"] = (len(statements), response.headers["Location"])
    with counting_queries() as statements:
        response = client.get(f"/p/{committee['slug']}/reviews/")
    assert response.status_code == 200
    out["my reviews"] = (len(statements), response.get_data(as_text=True))
    auth.logout()
    return out


def test_reviewer_requests_query_count_does_not_grow_with_criteria_or_assignments(
    app, client, auth
):
    small = run(client, auth, build(*SMALL))
    large_committee = build(*LARGE)
    large = run(client, auth, large_committee)
    page = large["scoring page"][1]
    # The large page really shows all 12 criteria, 30 other reviews, 30 messages, the CV text.
    assert len(re.findall(r'<select[^>]*name="criterion_\d+"', page)) == 12
    assert page.count('class="border rounded p-2 mb-2 other-review"') == 30
    assert "Other 30-29</strong>:" in page and "Comment 30-29" in page
    assert page.count("Criterion 30-11: 3") == 30
    assert page.count('class="border rounded p-2 mb-2 discussion-message"') == 30
    assert "Message 30-29" in page and "CV text 30-00" in page
    assert "Next candidate: Aaa 30-01" in page
    assert large["autosave"][1].count('"version":2') == 1
    assert large["submit"][1].endswith(f"/reviews/{large_committee['focus']}")
    mine = large["my reviews"][1]
    assert "Aaa 30-29" in mine and "1 of 30 submitted" in mine
    counts = {name: (small[name][0], large[name][0]) for name in BOUNDS}
    assert {name: s for name, (s, big) in counts.items() if s != big} == {}, counts
    assert {name: s for name, (s, _) in counts.items() if s > BOUNDS[name]} == {}, counts


def test_autosave_of_scores_only_bumps_version_and_refuses_stale_tab(app, client, auth):
    """A save that changes nothing but scores is still a new version: a second tab still
    holding the old version is refused (409), not allowed to overwrite those scores."""
    committee = build(*SMALL)
    auth.login(committee["reviewer"])
    url = f"/p/{committee['slug']}/reviews/{committee['focus']}/autosave"
    token = auth.csrf_token(f"/p/{committee['slug']}/reviews/{committee['focus']}")
    first = {f"criterion_{cid}": 5 for cid in committee["criteria"]}
    response = client.post(url, json={**first, "version": 1}, headers={"X-CSRFToken": token})
    assert (response.status_code, response.get_json()["version"]) == (200, 2)
    stale = {f"criterion_{cid}": 1 for cid in committee["criteria"]}
    response = client.post(url, json={**stale, "version": 1}, headers={"X-CSRFToken": token})
    assert (response.status_code, response.get_json()["stale"]) == (409, True)
    db.session.expire_all()
    review = db.session.scalar(db.select(Review).filter_by(assignment_id=committee["focus"]))
    assert (review.version, sorted(s.value for s in review.scores)) == (2, [5, 5, 5])


def test_next_candidate_is_the_next_open_one_by_name_wrapping_round(app, client, auth):
    """Order of My reviews (name, id): after the current one, skipping submitted and
    declined assignments and conflicted candidates, then from the top."""
    reviewer = factories.create_user("next@example.org", name="Next Reviewer")
    position = factories.create_position("next-order", reviewers=(reviewer,))
    rubric = factories.create_rubric(position)
    stage = position.default_stage
    by_name = {
        name: assign(factories.create_candidate(position, name), reviewer, stage, actor=None)
        for name in ("Ann", "Bea", "Cid", "Dan", "Eve")
    }
    scores = {c.id: 3 for c in rubric.criteria if c.is_required}
    save_review(by_name["Dan"], rubric, ReviewInput(scores=scores, recommendation="no",
                confidence=1), submit=True, expected_version=0, actor=reviewer)  # fmt: skip
    by_name["Eve"].declined_at, by_name["Eve"].decline_reason = db.func.now(), "busy"
    db.session.commit()
    auth.login("next@example.org")

    def next_of(name: str) -> str | None:
        page = client.get(f"/p/next-order/reviews/{by_name[name].id}").get_data(as_text=True)
        found = re.search(r"Next candidate: ([A-Za-z]+)</a>", page)
        return found.group(1) if found else None

    assert [next_of(n) for n in ("Ann", "Bea", "Cid", "Dan")] == ["Bea", "Cid", "Ann", "Ann"]


def test_quick_select_renders_exactly_like_wtforms_select():
    """The scoring form's faster select widget writes the very markup of WTForms' own."""
    from wtforms import Form, SelectField
    from wtforms.widgets import Select

    from reviewapp.reviews.forms import QuickSelect

    choices = [("", "—")] + [(str(v), f'{v} — "<b>" & {v}') for v in range(5, 0, -1)]

    def form(widget):
        class OneSelect(Form):
            field = SelectField(
                "Field",
                choices=choices,
                validate_choice=False,
                render_kw={"aria-describedby": "levels-1"},
                widget=widget,
            )

        return OneSelect

    for value in ("3", "", "9", None):
        ours, theirs = (
            form(QuickSelect())(data={"field": value}),
            form(Select())(data={"field": value}),
        )
        assert str(ours.field(class_="form-select")) == str(theirs.field(class_="form-select"))
    rendered = str(form(QuickSelect())(data={"field": "3"}).field())
    assert '<option selected value="3">3 — &#34;&lt;b&gt;&#34; &amp; 3</option>' in rendered
