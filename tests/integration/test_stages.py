"""Stage management by the chair in the browser, and closed stages freezing reviews."""

from types import SimpleNamespace

import pytest

from reviewapp.audit import AuditEvent
from reviewapp.conflicts.models import Conflict, ConflictSource, ConflictStatus
from reviewapp.extensions import db
from reviewapp.positions.models import Stage, StageCandidate
from reviewapp.reviews import operations
from reviewapp.reviews.models import Review
from tests import factories

pytestmark = pytest.mark.integration


@pytest.fixture
def setup(app):
    chair = factories.create_user("chair@example.org", name="Chair Person")
    rev = factories.create_user("rev@example.org", name="Rita Reviewer")
    position = factories.create_position("cs-2027", chair=chair, reviewers=(rev,))
    rubric = factories.create_rubric(position)
    ada = factories.create_candidate(position, "Ada Lovelace")
    bob = factories.create_candidate(position, "Bob Babbage")
    cy = factories.create_candidate(position, "Cy Conflicted")
    db.session.add(
        Conflict(
            position_id=position.id, reviewer_id=chair.id, candidate_id=cy.id,
            source=ConflictSource.DECLARED, status=ConflictStatus.CONFIRMED, kind="collaborator",
        )
    )  # fmt: skip
    db.session.commit()
    return SimpleNamespace(
        position=position, rubric=rubric, chair=chair, rev=rev, ada=ada, bob=bob, cy=cy,
        base="/p/cs-2027/stages",
    )  # fmt: skip


def stages(position) -> list[tuple[str, int, bool, bool]]:
    db.session.expire_all()
    rows = db.session.scalars(
        db.select(Stage).where(Stage.position_id == position.id).order_by(Stage.order)
    )
    return [(s.name, s.order, s.is_current, s.is_closed) for s in rows]


def members(stage_id: int) -> list[int]:
    db.session.expire_all()
    return sorted(
        db.session.scalars(
            db.select(StageCandidate.candidate_id).where(StageCandidate.stage_id == stage_id)
        )
    )


def audit_actions() -> list[str]:
    return list(
        db.session.scalars(
            db.select(AuditEvent.action)
            .where(AuditEvent.action.like("stage.%"))
            .order_by(AuditEvent.id)
        )
    )


def test_stages_chair_creates_renames_orders_and_sets_current(setup, client, auth):
    auth.login("chair@example.org")
    assert auth.post(f"{setup.base}/", {"name": "  Shortlist "}).status_code == 302
    auth.post(f"{setup.base}/", {"name": "Interviews"})
    assert stages(setup.position) == [
        ("Screening", 0, False, False), ("Shortlist", 1, False, False),
        ("Interviews", 2, False, False),
    ]  # fmt: skip
    shortlist = db.session.scalar(db.select(Stage).filter_by(name="Shortlist"))
    interviews = db.session.scalar(db.select(Stage).filter_by(name="Interviews"))
    auth.post(f"{setup.base}/{interviews.id}/move", {"direction": "up"})
    auth.post(f"{setup.base}/{shortlist.id}/rename", {"name": "Long list"})
    auth.post(f"{setup.base}/{interviews.id}/current")
    assert stages(setup.position) == [
        ("Screening", 0, False, False), ("Interviews", 1, True, False),
        ("Long list", 2, False, False),
    ]  # fmt: skip
    page = client.get(f"{setup.base}/").get_data(as_text=True)
    assert 'Interviews</a>\n        <span class="badge text-bg-primary">current</span>' in page
    assert audit_actions() == [
        "stage.create", "stage.create", "stage.move", "stage.rename", "stage.current"
    ]  # fmt: skip


def test_stages_refusals_write_nothing(setup, client, auth):
    auth.login("chair@example.org")
    response = auth.post(f"{setup.base}/", {"name": "screening"}, follow_redirects=True)
    assert "There is already a stage called &#39;screening&#39;." in response.get_data(as_text=True)
    response = auth.post(f"{setup.base}/", {"name": "   "}, follow_redirects=True)
    assert "Give the stage a name." in response.get_data(as_text=True)
    first = setup.position.default_stage
    response = auth.post(
        f"{setup.base}/{first.id}/move", {"direction": "down"}, follow_redirects=True
    )
    assert "stays first" in response.get_data(as_text=True)
    assert stages(setup.position) == [("Screening", 0, False, False)]
    assert audit_actions() == []


def test_stages_add_and_remove_candidates_bulk(setup, client, auth):
    auth.login("chair@example.org")
    auth.post(f"{setup.base}/", {"name": "Shortlist"})
    stage = db.session.scalar(db.select(Stage).filter_by(name="Shortlist"))
    url = f"{setup.base}/{stage.id}/candidates"
    response = auth.post(url, {"candidate_id": [setup.ada.id, setup.bob.id]}, follow_redirects=True)
    assert "2 candidate(s) added to Shortlist." in response.get_data(as_text=True)
    assert members(stage.id) == sorted([setup.ada.id, setup.bob.id])
    page = client.get(f"{setup.base}/{stage.id}").get_data(as_text=True)
    assert "Ada Lovelace" in page and "Cy Conflicted" not in page
    # A conflicted candidate (hidden from this chair) is refused, and nothing is added.
    response = auth.post(url, {"candidate_id": [setup.cy.id]}, follow_redirects=True)
    assert "not candidates of this position" in response.get_data(as_text=True)
    assert members(stage.id) == sorted([setup.ada.id, setup.bob.id])
    auth.post(f"{url}/remove", {"candidate_id": [setup.bob.id]})
    assert members(stage.id) == [setup.ada.id]


def test_stages_remove_refused_when_assignments_exist(setup, client, auth):
    auth.login("chair@example.org")
    auth.post(f"{setup.base}/", {"name": "Shortlist"})
    stage = db.session.scalar(db.select(Stage).filter_by(name="Shortlist"))
    auth.post(f"{setup.base}/{stage.id}/candidates", {"candidate_id": [setup.ada.id]})
    from reviewapp.assignments.operations import assign

    assign(setup.ada, setup.rev, stage, actor=None)
    db.session.commit()
    response = auth.post(
        f"{setup.base}/{stage.id}/candidates/remove",
        {"candidate_id": [setup.ada.id]},
        follow_redirects=True,
    )
    assert "unassign them first" in response.get_data(as_text=True)
    assert members(stage.id) == [setup.ada.id]


def test_stages_closed_stage_refuses_review_edits(setup, client, auth):
    assignment = factories.create_assignment(setup.position, setup.ada, setup.rev)
    required = [c for c in setup.rubric.criteria if c.is_required]
    operations.save_review(
        assignment, setup.rubric,
        operations.ReviewInput(scores={c.id: 3 for c in required}, recommendation="yes",
                               confidence=2),
        submit=True, expected_version=0, actor=setup.rev,
    )  # fmt: skip
    db.session.commit()
    stage_id = setup.position.default_stage.id
    auth.login("chair@example.org")
    auth.post(f"{setup.base}/{stage_id}/close")
    assert stages(setup.position) == [("Screening", 0, False, True)]
    auth.logout()
    auth.login("rev@example.org")
    url = f"/p/cs-2027/reviews/{assignment.id}"
    page = client.get(url).get_data(as_text=True)
    assert "The stage “Screening” is closed: this review is final" in page
    assert "Submit review" not in page
    assert "<fieldset disabled>" in page
    data = {f"criterion_{c.id}": "5" for c in required}
    data |= {"recommendation": "strong_yes", "confidence": "3", "version": "1",
             "submit_review": "Submit review"}  # fmt: skip
    response = auth.post(url, data)
    assert response.status_code == 422
    assert "The stage &#39;Screening&#39; is closed: reviews are final." in response.get_data(
        as_text=True
    )
    db.session.expire_all()
    review = db.session.scalar(db.select(Review))
    assert (review.recommendation, sorted(s.value for s in review.scores)) == ("yes", [3, 3])
    auth.logout()
    auth.login("chair@example.org")
    auth.post(f"{setup.base}/{stage_id}/reopen")
    assert stages(setup.position) == [("Screening", 0, False, False)]
    auth.logout()
    auth.login("rev@example.org")
    assert auth.post(url, data).status_code == 302
    db.session.expire_all()
    assert db.session.scalar(db.select(Review)).recommendation == "strong_yes"


def test_stages_reviewer_and_outsider_get_404_and_nothing_changes(setup, client, auth):
    stage_id = setup.position.default_stage.id
    auth.login("rev@example.org")
    assert client.get(f"{setup.base}/").status_code == 404
    assert auth.post(f"{setup.base}/", {"name": "Mine"}).status_code == 404
    assert auth.post(f"{setup.base}/{stage_id}/close").status_code == 404
    assert stages(setup.position) == [("Screening", 0, False, False)]
    assert audit_actions() == []


def test_stages_post_without_csrf_is_refused(setup, client, auth):
    auth.login("chair@example.org")
    response = client.post(f"{setup.base}/", data={"name": "Shortlist"})
    assert response.status_code == 400
    assert stages(setup.position) == [("Screening", 0, False, False)]


def test_stages_current_stage_drives_the_assignment_matrix(setup, client, auth):
    from reviewapp.assignments.models import Assignment

    auth.login("chair@example.org")
    auth.post(f"{setup.base}/", {"name": "Shortlist"})
    stage = db.session.scalar(db.select(Stage).filter_by(name="Shortlist"))
    auth.post(f"{setup.base}/{stage.id}/candidates", {"candidate_id": [setup.ada.id]})
    auth.post(f"{setup.base}/{stage.id}/current")
    page = client.get("/p/cs-2027/assignments/").get_data(as_text=True)
    assert "Stage: <strong>Shortlist</strong>" in page
    assert '<th scope="row">Ada Lovelace</th>' in page
    assert '<th scope="row">Bob Babbage</th>' not in page
    # Bob is not in the current stage: no assignment for him there.
    bob_url = f"/p/cs-2027/assignments/{setup.bob.id}/{setup.rev.id}"
    assert auth.post(bob_url).status_code == 404
    assert auth.post(f"/p/cs-2027/assignments/{setup.ada.id}/{setup.rev.id}").status_code == 302
    db.session.expire_all()
    rows = db.session.execute(db.select(Assignment.candidate_id, Assignment.stage_id)).all()
    assert [tuple(r) for r in rows] == [(setup.ada.id, stage.id)]


def test_stages_malformed_candidate_ids_are_refused(setup, client, auth):
    auth.login("chair@example.org")
    auth.post(f"{setup.base}/", {"name": "Shortlist"})
    stage = db.session.scalar(db.select(Stage).filter_by(name="Shortlist"))
    for bad in ("9" * 40, "x", "-1", "١"):
        response = auth.post(
            f"{setup.base}/{stage.id}/candidates", {"candidate_id": [bad]}, follow_redirects=True
        )
        assert response.status_code == 200
        assert "not candidates of this position" in response.get_data(as_text=True)
    assert members(stage.id) == []


def test_stages_bulk_add_from_candidates_list_uses_its_filter(setup, client, auth):
    auth.login("chair@example.org")
    page = client.get("/p/cs-2027/candidates/").get_data(as_text=True)
    assert "create a stage</a> first" in page
    auth.post(f"{setup.base}/", {"name": "Shortlist"})
    stage = db.session.scalar(db.select(Stage).filter_by(name="Shortlist"))
    page = client.get("/p/cs-2027/candidates/?q=Ada").get_data(as_text=True)
    assert "Add the 1 candidate(s) matching this list to" in page
    response = auth.post(
        f"{setup.base}/bulk", {"stage_id": stage.id, "q": "Ada"}, follow_redirects=True
    )
    assert "1 of 1 matching candidate(s) added to Shortlist." in response.get_data(as_text=True)
    assert members(stage.id) == [setup.ada.id]
    # Without a filter: everyone this chair may see (not the conflicted Cy), Ada only once.
    auth.post(f"{setup.base}/bulk", {"stage_id": stage.id})
    assert members(stage.id) == sorted([setup.ada.id, setup.bob.id])
    # The first stage, or another position's stage, is refused and nothing is written.
    first = setup.position.default_stage.id
    response = auth.post(f"{setup.base}/bulk", {"stage_id": first}, follow_redirects=True)
    assert "Choose a later stage" in response.get_data(as_text=True)
    assert members(stage.id) == sorted([setup.ada.id, setup.bob.id])
