"""Items 27 and 28 beyond the form tests in tests/integration/test_reviews.py: a criterion of
another rubric is refused, JSON values of the wrong type never reach the database, and a
rubric's scale change keeps the meaning of the scores made on the old version."""

from types import SimpleNamespace

import pytest

from reviewapp.extensions import db
from reviewapp.ranking import rank_candidates
from reviewapp.ranking.frames import load_frames
from reviewapp.reviews.models import Review, Score
from reviewapp.reviews.operations import ReviewError, ReviewInput, save_review
from reviewapp.rubrics.operations import save_rubric
from tests import factories

pytestmark = pytest.mark.integration


@pytest.fixture
def setup(app):
    rev = factories.create_user("rev@example.org")
    other = factories.create_user("other@example.org")
    position = factories.create_position("lab", reviewers=(rev, other))
    elsewhere = factories.create_position("elsewhere")
    rubric = factories.create_rubric(position)
    foreign = factories.create_rubric(elsewhere)
    ada = factories.create_candidate(position, "Ada Lovelace")
    bob = factories.create_candidate(position, "Bob Babbage")
    return SimpleNamespace(
        position=position, rubric=rubric, foreign=foreign, rev=rev, other=other, ada=ada, bob=bob,
        mine=factories.create_assignment(position, ada, rev),
    )  # fmt: skip


def counts():
    return (
        db.session.scalar(db.select(db.func.count(Review.id))),
        db.session.scalar(db.select(db.func.count(Score.id))),
    )


def test_score_for_a_criterion_of_another_rubric_is_refused(setup):
    foreign_id = setup.foreign.criteria[0].id
    own_id = setup.rubric.criteria[0].id
    data = ReviewInput(scores={own_id: 3, foreign_id: 3})
    with pytest.raises(ReviewError) as refused:
        save_review(
            setup.mine, setup.rubric, data, submit=False, expected_version=0, actor=setup.rev
        )
    db.session.rollback()
    assert refused.value.errors == {
        "scores": "A score was given for a criterion that is not in this rubric."
    }
    assert counts() == (0, 0)


@pytest.mark.parametrize(
    "value", [float("nan"), float("inf"), 3.5, True, [4], {"v": 4}, "4.0", 10**12, -1]
)
def test_autosave_json_value_of_wrong_type_is_refused_and_nothing_saved(setup, client, auth, value):
    auth.login("rev@example.org")
    url = f"/p/lab/reviews/{setup.mine.id}"
    headers = {"X-CSRFToken": auth.csrf_token(url)}
    research = setup.rubric.criteria[0].id
    body = {f"criterion_{research}": value, "version": "0"}
    response = client.post(url + "/autosave", json=body, headers=headers)
    assert response.status_code == 422
    assert f"criterion_{research}" in response.get_json()["errors"]
    assert counts() == (0, 0)


def test_autosave_ignores_a_field_named_after_a_foreign_criterion(setup, client, auth):
    auth.login("rev@example.org")
    url = f"/p/lab/reviews/{setup.mine.id}"
    headers = {"X-CSRFToken": auth.csrf_token(url)}
    research, foreign = setup.rubric.criteria[0].id, setup.foreign.criteria[0].id
    body = {f"criterion_{research}": "4", f"criterion_{foreign}": "5", "version": "0"}
    assert client.post(url + "/autosave", json=body, headers=headers).status_code == 200
    db.session.expire_all()
    assert db.session.scalars(db.select(Score.criterion_id)).all() == [research]


def totals(position) -> dict[str, float]:
    frames = load_frames(position)
    ranking = rank_candidates(
        frames.candidates, frames.reviews, frames.scores, frames.criteria, bootstrap=0
    )
    return {row.name: round(row.mean, 3) for row in ranking.itertuples() if row.n_reviews}


def test_scale_change_keeps_old_scores_meaning_and_totals_follow_each_version(setup):
    one = [{"name": "Overall", "min": 1, "max": 5}]
    v1, _ = save_rubric(setup.position, one, actor=None)
    full = ReviewInput(scores={v1.criteria[0].id: 5}, recommendation="yes", confidence=2)
    save_review(setup.mine, v1, full, submit=True, expected_version=0, actor=setup.rev)
    db.session.commit()
    assert totals(setup.position) == {"Ada Lovelace": 100.0}

    v2, _ = save_rubric(setup.position, [{"name": "Overall", "min": 1, "max": 10}], actor=None)
    db.session.commit()
    assert v2.id != v1.id  # reviews exist: a scale change makes a new version
    bob = factories.create_assignment(setup.position, setup.bob, setup.other)
    half = ReviewInput(scores={v2.criteria[0].id: 5}, recommendation="no", confidence=2)
    save_review(bob, v2, half, submit=True, expected_version=0, actor=setup.other)
    db.session.commit()
    db.session.expire_all()
    old = db.session.scalar(db.select(Review).filter_by(assignment_id=setup.mine.id))
    assert old.rubric_id == v1.id and [s.value for s in old.scores] == [5]
    # Ada's 5 of 1–5 is still the top of its scale; Bob's 5 of 1–10 is 4/9 of the way.
    assert totals(setup.position) == {"Ada Lovelace": 100.0, "Bob Babbage": 44.444}


@pytest.mark.parametrize("version", ["missing", "", "abc", "None", [], {"v": 1}, "1.5"])
def test_missing_or_garbled_version_cannot_skip_the_stale_check(setup, client, auth, version):
    """Item 25: compare-and-set is not optional. A client that does not say which version it
    edits is refused once a review exists, instead of silently overwriting it."""
    auth.login("rev@example.org")
    url = f"/p/lab/reviews/{setup.mine.id}"
    headers = {"X-CSRFToken": auth.csrf_token(url)}
    research = setup.rubric.criteria[0].id
    first = {f"criterion_{research}": "2", "comment": "first tab", "version": "0"}
    assert client.post(url + "/autosave", json=first, headers=headers).status_code == 200
    blind = {f"criterion_{research}": "5", "comment": "overwrite"}
    if version != "missing":
        blind["version"] = version
    response = client.post(url + "/autosave", json=blind, headers=headers)
    assert response.status_code == 409
    assert "changed since you opened it" in response.get_json()["error"]
    form = auth.post(url, blind | {"save_draft": "Save draft"})
    assert form.status_code == 409
    db.session.expire_all()
    review = db.session.scalar(db.select(Review))
    assert (review.comment, review.version, [s.value for s in review.scores]) == (
        "first tab",
        1,
        [2],
    )
