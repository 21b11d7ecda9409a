"""Reviews on an old rubric version: the chair asks for an update, the reviewer moves the review."""

import re
from types import SimpleNamespace

import pytest

from reviewapp.audit import AuditEvent
from reviewapp.conflicts.models import Conflict, ConflictSource, ConflictStatus
from reviewapp.extensions import db
from reviewapp.reviews import operations
from reviewapp.reviews.models import Review, ReviewUpdateRequest
from reviewapp.rubrics.operations import create_rubric_version
from tests import factories

pytestmark = pytest.mark.integration

V2 = [
    {"name": "Research", "min": 1, "max": 5, "weight": 2},  # same scale: carries over
    {"name": "Teaching", "min": 0, "max": 10},  # new scale: re-entered
    {"name": "Service", "min": 1, "max": 5},  # new criterion
]


@pytest.fixture
def setup(app):
    chair = factories.create_user("chair@example.org", name="Chair Person")
    rev = factories.create_user("rev@example.org", name="Rita Reviewer")
    other = factories.create_user("other@example.org", name="Otto Other")
    position = factories.create_position("cs-2027", chair=chair, reviewers=(rev, other))
    v1 = factories.create_rubric(position)
    ada = factories.create_candidate(position, "Ada Lovelace")
    assignment = factories.create_assignment(position, ada, rev)
    scores = {c.name: c.id for c in v1.criteria}
    operations.save_review(
        assignment, v1,
        operations.ReviewInput(scores={scores["Research"]: 4, scores["Teaching"]: 2},
                               recommendation="yes", confidence=2, comment="kept comment"),
        submit=True, expected_version=0, actor=rev,
    )  # fmt: skip
    db.session.commit()
    v2 = create_rubric_version(position, V2, actor=None)
    db.session.commit()
    return SimpleNamespace(
        position=position, chair=chair, rev=rev, other=other, ada=ada, v1=v1, v2=v2,
        assignment=assignment, score=f"/p/cs-2027/reviews/{assignment.id}",
        outdated="/p/cs-2027/reviews/outdated", ask="/p/cs-2027/reviews/outdated/ask",
    )  # fmt: skip


def the_review() -> Review:
    db.session.expire_all()
    return db.session.scalar(db.select(Review))


def requests() -> list[ReviewUpdateRequest]:
    db.session.expire_all()
    return list(db.session.scalars(db.select(ReviewUpdateRequest)))


def audit_actions(prefix: str) -> list[str]:
    return list(
        db.session.scalars(
            db.select(AuditEvent.action)
            .where(AuditEvent.action.like(f"{prefix}%"))
            .order_by(AuditEvent.id)
        )
    )


def v2_ids(setup) -> dict[str, int]:
    return {c.name: c.id for c in setup.v2.criteria}


def test_update_request_chair_sees_outdated_and_asks(setup, client, auth):
    auth.login("chair@example.org")
    page = client.get(setup.outdated).get_data(as_text=True)
    assert "The current rubric is version 2." in page
    assert page.count('class="outdated-review"') == 1
    assert "<td>Ada Lovelace</td><td>Rita Reviewer</td><td>1</td><td>submitted</td>" in page
    response = auth.post(setup.ask, follow_redirects=True)
    assert "Asked the reviewers of 1 review(s) to update to version 2." in response.get_data(
        as_text=True
    )
    [request] = requests()
    assert (request.rubric_id, request.requested_by_id, request.resolved_at) == (
        setup.v2.id, setup.chair.id, None,
    )  # fmt: skip
    assert request.requested_at is not None
    assert audit_actions("review.update_request") == ["review.update_request"]
    page = client.get(setup.outdated).get_data(as_text=True)
    assert " UTC</time>" in page and "Ask again" in page
    # Old scores keep their meaning: nothing about the review changed.
    review = the_review()
    assert (review.rubric_id, review.status) == (setup.v1.id, "submitted")
    assert sorted(s.value for s in review.scores) == [2, 4]


def test_update_request_reviewer_sees_notice_and_moves_review(setup, client, auth):
    auth.login("chair@example.org")
    auth.post(setup.ask)
    auth.logout()
    auth.login("rev@example.org")
    mine = client.get("/p/cs-2027/reviews/").get_data(as_text=True)
    assert "The chair asked you to update\n  1 review(s)" in mine
    assert f'href="{setup.score}?update=1">update requested</a>' in mine
    page = client.get(setup.score).get_data(as_text=True)
    assert "The chair asked you to update this review" in page
    assert "this review is on rubric version 1; the current version is 2." in page
    page = client.get(f"{setup.score}?update=1").get_data(as_text=True)
    assert "You are moving this review onto rubric version 2." in page
    ids = v2_ids(setup)
    research = re.search(rf'<select[^>]*name="criterion_{ids["Research"]}".*?</select>', page, re.S)
    assert re.search(r'<option selected value="4">', research.group(0))
    teaching = re.search(rf'<select[^>]*name="criterion_{ids["Teaching"]}".*?</select>', page, re.S)
    assert "selected" not in teaching.group(0)
    # Incomplete: the required new criteria are missing; nothing moves.
    data = {f"criterion_{ids['Research']}": "4", "recommendation": "yes", "confidence": "2",
            "comment": "kept", "version": "1", "submit_review": "Submit review"}  # fmt: skip
    response = auth.post(f"{setup.score}?update=1", data)
    assert response.status_code == 422
    assert "Teaching is required." in response.get_data(as_text=True)
    review = the_review()
    assert review.rubric_id == setup.v1.id and sorted(s.value for s in review.scores) == [2, 4]
    data |= {f"criterion_{ids['Teaching']}": "7", f"criterion_{ids['Service']}": "3"}
    response = auth.post(f"{setup.score}?update=1", data)
    assert response.status_code == 302
    review = the_review()
    assert (review.rubric_id, review.status) == (setup.v2.id, "submitted")
    assert {s.criterion_id: s.value for s in review.scores} == {
        ids["Research"]: 4, ids["Teaching"]: 7, ids["Service"]: 3,
    }  # fmt: skip
    [request] = requests()
    assert request.resolved_at is not None
    assert audit_actions("review.move_rubric") == ["review.move_rubric"]
    assert "update requested" not in client.get("/p/cs-2027/reviews/").get_data(as_text=True)
    auth.logout()
    auth.login("chair@example.org")
    page = client.get(setup.outdated).get_data(as_text=True)
    assert "Every review is on the current rubric version." in page


def test_update_request_only_chair_may_ask(setup, client, auth):
    auth.login("rev@example.org")
    assert client.get(setup.outdated).status_code == 404
    assert auth.post(setup.ask).status_code == 404
    assert requests() == []
    auth.logout()
    auth.login("other@example.org")
    assert client.get(f"{setup.score}?update=1").status_code == 404
    assert auth.post(f"{setup.score}?update=1", {"version": "1"}).status_code == 404
    assert the_review().rubric_id == setup.v1.id


def test_update_request_conflicted_chair_cannot_see_or_ask(setup, client, auth):
    db.session.add(
        Conflict(
            position_id=setup.position.id, reviewer_id=setup.chair.id, candidate_id=setup.ada.id,
            source=ConflictSource.DECLARED, status=ConflictStatus.CONFIRMED, kind="collaborator",
        )
    )  # fmt: skip
    db.session.commit()
    auth.login("chair@example.org")
    page = client.get(setup.outdated).get_data(as_text=True)
    assert "Ada Lovelace" not in page and "Rita Reviewer" not in page
    review_id = the_review().id
    response = auth.post(setup.ask, {"review_id": review_id}, follow_redirects=True)
    assert "Some of the chosen reviews are not on an old rubric version." in response.get_data(
        as_text=True
    )
    response = auth.post(setup.ask, follow_redirects=True)
    assert "No review is on an old rubric version." in response.get_data(as_text=True)
    assert requests() == []
    assert audit_actions("review.update_request") == []


def test_update_request_without_csrf_is_refused(setup, client, auth):
    auth.login("chair@example.org")
    assert client.post(setup.ask).status_code == 400
    assert requests() == []


def test_update_request_closed_stage_refuses_the_move(setup, client, auth):
    setup.position.default_stage.is_closed = True
    db.session.commit()
    auth.login("rev@example.org")
    page = client.get(setup.score).get_data(as_text=True)
    assert "Move it to version 2" not in page
    ids = v2_ids(setup)
    data = {f"criterion_{ids['Research']}": "4", f"criterion_{ids['Teaching']}": "7",
            f"criterion_{ids['Service']}": "3", "recommendation": "yes", "confidence": "2",
            "version": "1", "submit_review": "Submit review"}  # fmt: skip
    assert auth.post(f"{setup.score}?update=1", data).status_code == 422
    assert the_review().rubric_id == setup.v1.id


def test_update_request_autosave_moves_only_when_complete(setup, client, auth):
    auth.login("rev@example.org")
    ids = v2_ids(setup)
    token = auth.csrf_token(setup.score)
    headers = {"X-CSRFToken": token}
    payload = {f"criterion_{ids['Research']}": "4", "recommendation": "yes", "confidence": "2",
               "version": 1}  # fmt: skip
    url = f"{setup.score}/autosave?update=1"
    response = client.post(url, json=payload, headers=headers)
    assert response.status_code == 422
    assert response.get_json()["errors"][f"criterion_{ids['Teaching']}"] == "Teaching is required."
    assert the_review().rubric_id == setup.v1.id
    payload |= {f"criterion_{ids['Teaching']}": "0", f"criterion_{ids['Service']}": "5"}
    response = client.post(url, json=payload, headers=headers)
    assert response.status_code == 200
    assert response.get_json()["status"] == "submitted"
    review = the_review()
    assert review.rubric_id == setup.v2.id
    assert {s.criterion_id: s.value for s in review.scores} == {
        ids["Research"]: 4, ids["Teaching"]: 0, ids["Service"]: 5,
    }  # fmt: skip


def test_update_request_malformed_review_id_is_refused(setup, client, auth):
    auth.login("chair@example.org")
    for bad in ("9" * 40, "abc"):
        response = auth.post(setup.ask, {"review_id": bad}, follow_redirects=True)
        assert response.status_code == 200
        assert "Bad review id." in response.get_data(as_text=True)
    assert requests() == []
