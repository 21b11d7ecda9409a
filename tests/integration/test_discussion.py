"""The per-candidate committee thread: same visibility and conflict rules as the reviews."""

from types import SimpleNamespace

import pytest

from reviewapp.audit import AuditEvent
from reviewapp.conflicts.models import Conflict, ConflictSource, ConflictStatus
from reviewapp.discussion.models import DiscussionMessage
from reviewapp.extensions import db
from reviewapp.reviews import operations
from tests import factories

pytestmark = pytest.mark.integration


def submit(assignment, rubric, reviewer) -> None:
    operations.save_review(
        assignment,
        rubric,
        operations.ReviewInput(
            scores={c.id: 4 for c in rubric.criteria if c.is_required},
            recommendation="yes",
            confidence=2,
        ),
        submit=True,
        expected_version=0,
        actor=reviewer,
    )
    db.session.commit()


@pytest.fixture
def setup(app):
    chair = factories.create_user("chair@example.org", name="Chair Person")
    first = factories.create_user("first@example.org", name="Fay First")
    second = factories.create_user("second@example.org", name="Sam Second")
    third = factories.create_user("third@example.org", name="Tia Third")
    position = factories.create_position("cs-2027", chair=chair, reviewers=(first, second, third))
    rubric = factories.create_rubric(position)
    ada = factories.create_candidate(position, "Ada Lovelace")
    a1 = factories.create_assignment(position, ada, first)
    a2 = factories.create_assignment(position, ada, second)
    submit(a1, rubric, first)
    db.session.add(
        Conflict(
            position_id=position.id,
            reviewer_id=third.id,
            candidate_id=ada.id,
            source=ConflictSource.DECLARED,
            status=ConflictStatus.CONFIRMED,
            kind="collaborator",
        )
    )
    db.session.commit()
    return SimpleNamespace(
        position=position, rubric=rubric, ada=ada, chair=chair, first=first, second=second,
        third=third, a1=a1, a2=a2,
        post_url=f"/p/cs-2027/candidates/{ada.id}/discussion",
        score1=f"/p/cs-2027/reviews/{a1.id}", score2=f"/p/cs-2027/reviews/{a2.id}",
        detail=f"/p/cs-2027/candidates/{ada.id}",
    )  # fmt: skip


def messages() -> list[DiscussionMessage]:
    db.session.expire_all()
    return list(db.session.scalars(db.select(DiscussionMessage).order_by(DiscussionMessage.id)))


def actions(name: str) -> list[str]:
    return list(
        db.session.scalars(
            db.select(AuditEvent.action).where(AuditEvent.action == name).order_by(AuditEvent.id)
        )
    )


def test_discussion_post_by_submitted_reviewer_is_shown_escaped(setup, client, auth):
    auth.login("first@example.org")
    response = auth.post(
        setup.post_url,
        {"body": "Strong <b>letters</b>\r\nbut thin teaching", "assignment_id": setup.a1.id},
    )
    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"{setup.score1}#discussion")
    [message] = messages()
    assert message.body == "Strong <b>letters</b>\nbut thin teaching"
    assert message.author_id == setup.first.id
    assert actions("discussion.post") == ["discussion.post"]
    page = client.get(setup.score1).get_data(as_text=True)
    assert "Strong &lt;b&gt;letters&lt;/b&gt;<br>but thin teaching" in page
    assert "<b>letters</b>" not in page
    assert "Fay First" in page and " UTC</time>" in page


def test_discussion_hidden_until_own_review_submitted(setup, client, auth):
    auth.login("first@example.org")
    auth.post(setup.post_url, {"body": "FIRST-THREAD-SECRET"})
    auth.logout()
    auth.login("second@example.org")
    page = client.get(setup.score2).get_data(as_text=True)
    assert "FIRST-THREAD-SECRET" not in page
    assert "Committee discussion" not in page
    response = auth.post(setup.post_url, {"body": "sneaky"})
    assert response.status_code == 404
    assert [m.body for m in messages()] == ["FIRST-THREAD-SECRET"]
    submit(setup.a2, setup.rubric, setup.second)
    page = client.get(setup.score2).get_data(as_text=True)
    assert "FIRST-THREAD-SECRET" in page
    assert "Committee discussion" in page


def test_discussion_always_hidden_policy_keeps_reviewers_out(setup, client, auth):
    setup.position.visibility = "hidden"
    db.session.commit()
    auth.login("first@example.org")
    assert "Committee discussion" not in client.get(setup.score1).get_data(as_text=True)
    assert auth.post(setup.post_url, {"body": "x"}).status_code == 404
    assert messages() == []


def test_discussion_conflicted_member_gets_404_and_no_count(setup, client, auth):
    auth.login("chair@example.org")
    auth.post(setup.post_url, {"body": "CHAIR-NOTE"})
    auth.logout()
    auth.login("third@example.org")
    assert auth.post(setup.post_url, {"body": "x"}).status_code == 404
    [message] = messages()
    assert auth.post(f"/p/cs-2027/discussion/{message.id}/hide").status_code == 404
    assert client.get(setup.detail).status_code == 404
    assert messages()[0].hidden_at is None


def test_discussion_chair_conflicted_cannot_read_or_post(setup, client, auth):
    auth.login("first@example.org")
    auth.post(setup.post_url, {"body": "FIRST-MSG"})
    auth.logout()
    db.session.add(
        Conflict(
            position_id=setup.position.id,
            reviewer_id=setup.chair.id,
            candidate_id=setup.ada.id,
            source=ConflictSource.DECLARED,
            status=ConflictStatus.CONFIRMED,
            kind="collaborator",
        )
    )
    db.session.commit()
    auth.login("chair@example.org")
    assert client.get(setup.detail).status_code == 404
    assert auth.post(setup.post_url, {"body": "chair"}).status_code == 404
    [message] = messages()
    assert auth.post(f"/p/cs-2027/discussion/{message.id}/hide").status_code == 404
    assert messages()[0].hidden_at is None and len(messages()) == 1


def test_discussion_chair_sees_thread_on_candidate_page_and_hides(setup, client, auth):
    auth.login("first@example.org")
    auth.post(setup.post_url, {"body": "OFF-TOPIC-REMARK"})
    auth.logout()
    auth.login("chair@example.org")
    page = client.get(setup.detail).get_data(as_text=True)
    assert "OFF-TOPIC-REMARK" in page
    assert 'Committee discussion <span class="badge text-bg-secondary">1</span>' in page
    [message] = messages()
    response = auth.post(f"/p/cs-2027/discussion/{message.id}/hide")
    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"{setup.detail}#discussion")
    hidden = messages()[0]
    assert hidden.hidden_at is not None and hidden.hidden_by_id == setup.chair.id
    assert actions("discussion.hide") == ["discussion.hide"]
    assert "OFF-TOPIC-REMARK" not in client.get(setup.detail).get_data(as_text=True)


def test_discussion_only_author_deletes_own_message(setup, client, auth):
    auth.login("chair@example.org")
    auth.post(setup.post_url, {"body": "CHAIR-MESSAGE"})
    auth.logout()
    [message] = messages()
    auth.login("first@example.org")
    assert auth.post(f"/p/cs-2027/discussion/{message.id}/delete").status_code == 403
    assert auth.post(f"/p/cs-2027/discussion/{message.id}/hide").status_code == 403
    assert messages()[0].deleted_at is None and messages()[0].hidden_at is None
    auth.logout()
    auth.login("chair@example.org")
    assert auth.post(f"/p/cs-2027/discussion/{message.id}/delete").status_code == 302
    assert messages()[0].deleted_at is not None
    assert actions("discussion.delete") == ["discussion.delete"]
    assert "CHAIR-MESSAGE" not in client.get(setup.detail).get_data(as_text=True)
    # Deleting it again is refused with a message, and audited only once.
    response = auth.post(f"/p/cs-2027/discussion/{message.id}/delete", follow_redirects=True)
    assert "This message is no longer in the thread." in response.get_data(as_text=True)
    assert actions("discussion.delete") == ["discussion.delete"]


def test_discussion_post_rejects_empty_and_too_long(setup, client, auth):
    auth.login("first@example.org")
    response = auth.post(setup.post_url, {"body": "  \r\n "}, follow_redirects=True)
    assert "Write a message first." in response.get_data(as_text=True)
    response = auth.post(setup.post_url, {"body": "x" * 5001}, follow_redirects=True)
    assert "5000" in response.get_data(as_text=True)
    assert messages() == []
    assert actions("discussion.post") == []


def test_discussion_post_without_csrf_is_refused(setup, client, auth):
    auth.login("first@example.org")
    response = client.post(setup.post_url, data={"body": "no token"})
    assert response.status_code == 400
    assert messages() == []


def test_discussion_outsider_and_other_position_get_404(setup, client, auth):
    factories.create_user("out@example.org", name="Olga Outsider")
    auth.login("out@example.org")
    assert auth.post(setup.post_url, {"body": "x"}).status_code == 404
    other = factories.create_position("bio-2027", chair=setup.chair)
    auth.logout()
    auth.login("chair@example.org")
    url = f"/p/{other.slug}/candidates/{setup.ada.id}/discussion"
    assert auth.post(url, {"body": "x"}).status_code == 404
    assert messages() == []
