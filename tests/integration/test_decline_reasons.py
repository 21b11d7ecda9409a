"""The chair reads why reviewers declined: on the assignment matrix and the candidate page."""

import pytest

from reviewapp.conflicts.models import Conflict, ConflictSource, ConflictStatus
from reviewapp.extensions import db
from tests import factories

pytestmark = pytest.mark.integration


@pytest.fixture
def declined(app, client, auth):
    chair = factories.create_user("chair@example.org", name="Chair Person")
    rev = factories.create_user("rev@example.org", name="Rita Reviewer")
    position = factories.create_position("cs-2027", chair=chair, reviewers=(rev,))
    factories.create_rubric(position)
    ada = factories.create_candidate(position, "Ada Lovelace")
    assignment = factories.create_assignment(position, ada, rev)
    auth.login("rev@example.org")
    auth.post(f"/p/cs-2027/reviews/{assignment.id}/decline", {"reason": "Same <b>lab</b> as Ada"})
    auth.logout()
    db.session.expire_all()
    return position, chair, ada, db.session.get(type(assignment), assignment.id)


def test_decline_reason_shown_to_chair_on_matrix_and_candidate_page(declined, client, auth):
    position, chair, ada, assignment = declined
    when = assignment.declined_at.strftime("%Y-%m-%d %H:%M")
    auth.login("chair@example.org")
    for url, who in (
        ("/p/cs-2027/assignments/", "<strong>Rita Reviewer</strong> declined Ada Lovelace"),
        (f"/p/cs-2027/candidates/{ada.id}", "<strong>Rita Reviewer</strong> declined"),
    ):
        page = client.get(url).get_data(as_text=True)
        assert who in page
        assert f">{when} UTC</time> (Screening):" in page
        assert "“Same &lt;b&gt;lab&lt;/b&gt; as Ada”" in page


def test_decline_reason_hidden_from_conflicted_chair(declined, client, auth):
    position, chair, ada, _ = declined
    db.session.add(
        Conflict(
            position_id=position.id, reviewer_id=chair.id, candidate_id=ada.id,
            source=ConflictSource.DECLARED, status=ConflictStatus.CONFIRMED, kind="collaborator",
        )
    )  # fmt: skip
    db.session.commit()
    auth.login("chair@example.org")
    page = client.get("/p/cs-2027/assignments/").get_data(as_text=True)
    assert "Same &lt;b&gt;lab" not in page and "Declined assignments" not in page
    assert client.get(f"/p/cs-2027/candidates/{ada.id}").status_code == 404
