"""Scoring in the browser: the form, drafts, submission, locking and who may score."""

import re
from types import SimpleNamespace

import pytest

from reviewapp.assignments.models import Assignment
from reviewapp.conflicts.models import Conflict, ConflictSource, ConflictStatus
from reviewapp.extensions import db
from reviewapp.reviews import operations
from reviewapp.reviews.models import Review, Score
from tests import factories

pytestmark = pytest.mark.integration


@pytest.fixture
def setup(app):
    chair = factories.create_user("chair@example.org", name="Chair Person")
    rev = factories.create_user("rev@example.org", name="Rita Reviewer")
    other = factories.create_user("other@example.org", name="Otto Other")
    position = factories.create_position("cs-2027", chair=chair, reviewers=(rev, other))
    rubric = factories.create_rubric(position)
    ada = factories.create_candidate(
        position, "Ada Lovelace", text="Ada Lovelace\nAnalytical engines"
    )
    bob = factories.create_candidate(position, "Bob Babbage")
    mine = factories.create_assignment(position, ada, rev)
    factories.create_assignment(position, bob, rev)
    theirs = factories.create_assignment(position, ada, other)
    ids = [c.id for c in rubric.criteria]
    return SimpleNamespace(
        position=position, rubric=rubric, ada=ada, bob=bob, mine=mine, theirs=theirs,
        research=ids[0], teaching=ids[1], letters=ids[2],
        url=f"/p/cs-2027/reviews/{mine.id}", theirs_url=f"/p/cs-2027/reviews/{theirs.id}",
    )  # fmt: skip


def form_data(s, **extra):
    data = {
        f"criterion_{s.research}": "4",
        f"criterion_{s.teaching}": "3",
        f"criterion_{s.letters}": "",
        "recommendation": "yes",
        "confidence": "2",
        "comment": "Solid work",
        "private_note": "Ask about the gap year",
        "version": "0",
        "save_draft": "Save draft",
    }
    data.update(extra)
    return data


def review_rows():
    db.session.expire_all()
    return db.session.scalars(db.select(Review)).all()


def test_my_reviews_lists_assignments_with_status_and_progress(setup, client, auth):
    auth.login("rev@example.org")
    auth.post(setup.url, form_data(setup, save_draft=None, submit_review="Submit review"))
    page = client.get("/p/cs-2027/reviews/").get_data(as_text=True)
    assert "Ada Lovelace" in page and "Bob Babbage" in page
    assert "1 of 2 submitted" in page
    assert '<progress class="w-100 mb-3" max="2" value="1"' in page
    assert re.search(r"Ada Lovelace</a></td>\s*<td><span[^>]*>submitted<", page)
    assert re.search(r"Bob Babbage</a></td>\s*<td><span[^>]*>not started<", page)


def test_score_page_shows_rubric_controls_cv_text_and_buttons(setup, client, auth):
    auth.login("rev@example.org")
    response = client.get(setup.url)
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    for criterion in setup.rubric.criteria:
        assert (
            f'<label class="form-label" for="criterion_{criterion.id}">{criterion.name}</label>'
            in page
        )
    assert "5 — Exceptional" in page
    assert "Analytical engines" in page
    assert 'value="Save draft"' in page and 'value="Submit review"' in page
    assert 'name="version" type="hidden" value="0"' in page
    assert "Next candidate: Bob Babbage" in page
    assert "js/review.js" in page


def test_save_draft_then_submit_stores_scores(setup, client, auth):
    auth.login("rev@example.org")
    response = auth.post(setup.url, form_data(setup))
    assert response.status_code == 302
    (review,) = review_rows()
    assert (review.status, review.version, review.comment) == ("draft", 1, "Solid work")
    assert {s.criterion_id: s.value for s in review.scores} == {
        setup.research: 4,
        setup.teaching: 3,
    }
    response = auth.post(
        setup.url, form_data(setup, version="1", save_draft=None, submit_review="Submit review")
    )
    assert response.status_code == 302
    (review,) = review_rows()
    assert (review.status, review.version, review.recommendation) == ("submitted", 2, "yes")
    assert review.submitted_at is not None


def test_submitted_review_editable_until_stage_closes(setup, client, auth):
    auth.login("rev@example.org")
    auth.post(setup.url, form_data(setup, save_draft=None, submit_review="Submit review"))
    response = auth.post(setup.url, form_data(setup, version="1", comment="Changed my mind"))
    assert response.status_code == 302
    assert [(r.status, r.comment) for r in review_rows()] == [("submitted", "Changed my mind")]
    setup.position.default_stage.is_closed = True
    db.session.commit()
    response = auth.post(setup.url, form_data(setup, version="2", comment="Too late"))
    assert response.status_code == 422
    assert "is closed" in response.get_data(as_text=True)
    assert [r.comment for r in review_rows()] == ["Changed my mind"]


def test_submit_requires_every_required_criterion(setup, client, auth):
    auth.login("rev@example.org")
    data = form_data(setup, save_draft=None, submit_review="Submit review")
    data[f"criterion_{setup.teaching}"] = ""
    response = auth.post(setup.url, data)
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "Teaching is required." in page
    assert "Solid work" in page  # the typed input is kept
    assert review_rows() == []


@pytest.mark.parametrize("bad", ["6", "0", "3.5", "nan", "1e309", "x", "-1"])
def test_invalid_score_is_refused_and_nothing_saved(setup, client, auth, bad):
    auth.login("rev@example.org")
    response = auth.post(setup.url, form_data(setup, **{f"criterion_{setup.research}": bad}))
    assert response.status_code == 422
    assert "Research:" in response.get_data(as_text=True)
    assert review_rows() == []


def test_stale_form_is_refused_and_keeps_typed_input(setup, client, auth):
    auth.login("rev@example.org")
    auth.post(setup.url, form_data(setup, comment="First tab"))  # tab 1 saves: version 1
    response = auth.post(setup.url, form_data(setup, comment="Second tab"))  # tab 2 opened at 0
    page = response.get_data(as_text=True)
    assert response.status_code == 409
    assert "changed since you opened it" in page
    assert "Second tab" in page
    assert [(r.comment, r.version) for r in review_rows()] == [("First tab", 1)]


def test_autosave_json_saves_draft_and_refuses_stale_version(setup, client, auth):
    auth.login("rev@example.org")
    token = auth.csrf_token(setup.url)
    payload = {f"criterion_{setup.research}": "5", "comment": "typing", "version": "0"}
    headers = {"X-CSRFToken": token}
    response = client.post(setup.url + "/autosave", json=payload, headers=headers)
    assert response.status_code == 200
    assert response.get_json()["version"] == 1
    assert response.get_json()["status"] == "draft"
    stale = client.post(
        setup.url + "/autosave", json={**payload, "comment": "old"}, headers=headers
    )
    assert stale.status_code == 409
    assert "changed since you opened it" in stale.get_json()["error"]
    assert [(r.comment, r.version) for r in review_rows()] == [("typing", 1)]


def test_autosave_without_csrf_token_changes_nothing(setup, client, auth):
    auth.login("rev@example.org")
    response = client.post(setup.url + "/autosave", json={"comment": "x", "version": "0"})
    assert response.status_code == 400
    assert review_rows() == []


def test_form_post_without_csrf_token_changes_nothing(setup, client, auth):
    auth.login("rev@example.org")
    response = client.post(setup.url, data=form_data(setup))
    assert response.status_code == 400
    assert review_rows() == []


def test_mass_assignment_fields_are_ignored(setup, client, auth):
    auth.login("rev@example.org")
    other_id = db.session.scalar(db.select(Assignment.reviewer_id).filter_by(id=setup.theirs.id))
    extra = {
        "reviewer_id": str(other_id),
        "assignment_id": str(setup.theirs.id),
        "status": "submitted",
        "position_id": "999",
        "rubric_id": "999",
    }
    assert auth.post(setup.url, form_data(setup, **extra)).status_code == 302
    (review,) = review_rows()
    assert (review.assignment_id, review.status, review.rubric_id) == (
        setup.mine.id,
        "draft",
        setup.rubric.id,
    )


@pytest.mark.parametrize(
    "who", ["anonymous", "other@example.org", "chair@example.org", "outsider@example.org"]
)
def test_score_page_is_404_for_anyone_but_the_assigned_reviewer(setup, client, auth, who):
    factories.create_user("outsider@example.org")
    if who != "anonymous":
        auth.login(who)
    get = client.get(setup.url)
    post = client.post(setup.url, data=form_data(setup))
    autosave = client.post(setup.url + "/autosave", json={"version": "0"})
    if who == "anonymous":
        assert get.status_code == 302 and "/login" in get.headers["Location"]
    else:
        assert (get.status_code, post.status_code) == (404, 400)  # no CSRF token: 400 first
        assert auth.post(setup.url, form_data(setup)).status_code == 404
        assert autosave.status_code == 400
    assert review_rows() == []


def test_conflicted_reviewer_gets_404_even_when_assigned(setup, client, auth):
    db.session.add(
        Conflict(
            position_id=setup.position.id,
            reviewer_id=setup.mine.reviewer_id,
            candidate_id=setup.ada.id,
            source=ConflictSource.DECLARED,
            status=ConflictStatus.CONFIRMED,
        )
    )
    db.session.commit()
    auth.login("rev@example.org")
    assert client.get(setup.url).status_code == 404
    assert auth.post(setup.url, form_data(setup)).status_code == 404
    page = client.get("/p/cs-2027/reviews/").get_data(as_text=True)
    assert "Ada Lovelace" not in page
    assert "Bob Babbage" in page
    assert review_rows() == []


def test_double_start_creates_exactly_one_review(setup, client, auth):
    """Two first saves race: the session that loaded "no review yet" loses on the unique key."""
    assignment = db.session.get(Assignment, setup.mine.id)
    assert assignment.review is None  # loaded before the other request saves
    auth.login("rev@example.org")
    assert auth.post(setup.url, form_data(setup, comment="winner")).status_code == 302
    data = operations.ReviewInput(scores={setup.research: 2}, comment="loser")
    with pytest.raises(operations.StaleReview):
        operations.save_review(
            assignment, setup.rubric, data, submit=False, expected_version=None, actor=None
        )
    db.session.rollback()
    assert [r.comment for r in review_rows()] == ["winner"]
    assert db.session.scalar(db.select(db.func.count(Score.id))) == 2


def test_decline_assignment_with_reason(setup, client, auth):
    auth.login("rev@example.org")
    response = auth.post(setup.url + "/decline", {"reason": "I know her too well"})
    assert response.status_code == 302
    db.session.expire_all()
    assignment = db.session.get(Assignment, setup.mine.id)
    assert assignment.decline_reason == "I know her too well"
    assert assignment.declined_at is not None
    assert client.get(setup.url).status_code == 404
    page = client.get("/p/cs-2027/reviews/").get_data(as_text=True)
    assert re.search(r"Ada Lovelace</td>\s*<td><span[^>]*>declined<", page)


def test_decline_without_reason_changes_nothing(setup, client, auth):
    auth.login("rev@example.org")
    auth.post(setup.url + "/decline", {"reason": ""})
    db.session.expire_all()
    assert db.session.get(Assignment, setup.mine.id).declined_at is None


def test_concurrent_saves_lose_no_update(setup, app):
    """Item 25: many writers on the same version; exactly one wins, the rest are told."""
    from concurrent.futures import ThreadPoolExecutor

    first = operations.save_review(
        setup.mine, setup.rubric, operations.ReviewInput(scores={setup.research: 1}),
        submit=False, expected_version=0, actor=None,
    )  # fmt: skip
    db.session.commit()
    version, review_id = first.version, first.id
    writers = 50 if db.engine.dialect.name == "postgresql" else 10

    def save(n: int) -> str:
        with app.app_context():
            assignment = db.session.get(Assignment, setup.mine.id)
            data = operations.ReviewInput(scores={setup.research: 1 + n % 5}, comment=f"w{n}")
            try:
                operations.save_review(
                    assignment, assignment.review.rubric, data, submit=False,
                    expected_version=version, actor=None,
                )  # fmt: skip
                db.session.commit()
                return "saved"
            except operations.StaleReview:
                db.session.rollback()
                return "stale"
            finally:
                db.session.remove()

    with ThreadPoolExecutor(max_workers=writers) as pool:
        outcomes = list(pool.map(save, range(writers)))
    assert sorted(set(outcomes)) == ["saved", "stale"]
    assert outcomes.count("saved") == 1
    db.session.expire_all()
    review = db.session.get(Review, review_id)
    winner = outcomes.index("saved")
    assert (review.version, review.comment) == (version + 1, f"w{winner}")
