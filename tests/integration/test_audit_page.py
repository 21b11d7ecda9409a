"""The audit log pages: chairs see their position's events minus their conflicts, admins all."""

import csv
import io
from datetime import UTC, datetime, timedelta

import pytest

from reviewapp import audit
from reviewapp.audit import AuditEvent
from reviewapp.auditlog.queries import MASKED, redact
from reviewapp.extensions import db
from tests import factories

pytestmark = pytest.mark.integration

SLUG = "physics-2027"
PAGE = f"/p/{SLUG}/audit"


@pytest.fixture
def committee(app):
    built = factories.create_ranked_committee(SLUG)
    built["admin"] = factories.create_user("admin@uni.example", name="Site Admin", is_admin=True)
    built["ids"] = {
        "dana": built["reviewers"][0].id,
        "chair": built["chair"].id,
        "cy": built["candidates"]["Cy Chen"].id,
    }
    return built


def count_on(page: str) -> int:
    marker = 'id="audit-count">'
    start = page.index(marker) + len(marker)
    return int(page[start : page.index(" event(s)", start)])


def csv_rows(response) -> list[dict]:
    text = response.get_data().decode("utf-8-sig")
    return list(csv.DictReader(io.StringIO(text)))


def test_chair_sees_position_events_but_not_conflicted_candidate(client, auth, committee):
    auth.login("chair@uni.example")
    response = client.get(PAGE)
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "Ann Ito" in page and "Bo Berg" in page
    assert "Cy Chen" not in page  # the chair is conflicted with Cy: no event about them
    submitted = client.get(PAGE + "?action=review.submit").get_data(as_text=True)
    assert count_on(submitted) == 5  # Ann 2, the formula-named 1, Bo 2; Cy's 2 hidden


def test_admin_sees_every_event_including_the_conflicted_candidate(client, auth, committee):
    auth.login("admin@uni.example")
    page = client.get("/admin/audit?action=review.submit").get_data(as_text=True)
    assert count_on(page) == 7
    assert "Cy Chen" in client.get("/admin/audit?candidate=cy").get_data(as_text=True)
    everything = count_on(client.get("/admin/audit").get_data(as_text=True))
    assert everything == db.session.query(AuditEvent).count()


def test_audit_filters_by_user_candidate_action_and_dates(client, auth, committee):
    auth.login("chair@uni.example")
    dana = committee["ids"]["dana"]
    by_dana = client.get(f"{PAGE}?user={dana}&action=review.submit").get_data(as_text=True)
    assert count_on(by_dana) == 3
    ann = client.get(PAGE + "?candidate=ann+ito").get_data(as_text=True)
    # candidate.create, two assignments, two submitted reviews
    assert count_on(ann) == 5
    assert count_on(client.get(PAGE + "?candidate=Cy").get_data(as_text=True)) == 0
    today = datetime.now(UTC).date()
    tomorrow, yesterday = today + timedelta(days=1), today - timedelta(days=1)
    everything = count_on(client.get(PAGE).get_data(as_text=True))
    assert count_on(client.get(f"{PAGE}?from={today}&to={today}").get_data(as_text=True)) == (
        everything
    )
    assert count_on(client.get(f"{PAGE}?from={tomorrow}").get_data(as_text=True)) == 0
    assert count_on(client.get(f"{PAGE}?to={yesterday}").get_data(as_text=True)) == 0
    system = client.get(PAGE + "?user=system&action=assignment.create").get_data(as_text=True)
    assert count_on(system) == 7  # the factory assigns without an actor: 9, Cy's 2 hidden
    junk = client.get(PAGE + "?user=x&from=not-a-date&page=-3").get_data(as_text=True)
    assert count_on(junk) == everything


def test_audit_log_pages_newest_first(client, auth, committee):
    position = committee["position"]
    for n in range(30):
        factories.create_candidate(position, f"Paged Person {n:02d}")
    auth.login("chair@uni.example")
    first = client.get(PAGE).get_data(as_text=True)
    total = count_on(first)
    assert total > 60  # 30 × (candidate.create + document.add), plus the committee's
    pages = -(-total // 50)
    assert f"Page 1 of {pages}" in first and "Older</a>" in first and "Newer</a>" not in first
    assert first.count("<tr>") - 1 == 50
    assert first.index("Paged Person 29") < first.index("Paged Person 28")  # newest first
    last = client.get(f"{PAGE}?page={pages}").get_data(as_text=True)
    assert f"Page {pages} of {pages}" in last and "Newer</a>" in last and "Older</a>" not in last
    assert last.count("<tr>") - 1 == total - 50 * (pages - 1)
    beyond = client.get(f"{PAGE}?page={pages + 5}").get_data(as_text=True)
    assert f"Page {pages} of {pages}" in beyond  # clamped to the last page
    documents = client.get(PAGE + "?action=document.add").get_data(as_text=True)
    assert count_on(documents) == 30 and documents.count("<code>document.add</code>") == 30


def test_audit_export_is_formula_safe_filtered_and_audited(client, auth, committee):
    auth.login("chair@uni.example")
    response = auth.post(PAGE + "/export", {"action": "review.submit"})
    assert response.status_code == 200
    assert response.mimetype == "text/csv"
    assert response.headers["Content-Disposition"].startswith(
        f'attachment; filename="audit-{SLUG}-'
    )
    rows = csv_rows(response)
    assert len(rows) == 5
    assert {row["Action"] for row in rows} == {"review.submit"}
    assert sorted({row["Candidate"] for row in rows}) == [
        "'" + committee["formula_name"],  # neutralised: a leading apostrophe
        "Ann Ito",
        "Bo Berg",
    ]
    assert "Cy Chen" not in response.get_data(as_text=True)
    db.session.expire_all()
    exported = db.session.query(AuditEvent).filter_by(action="audit.export").one()
    assert (exported.actor_id, exported.summary) == (
        committee["ids"]["chair"],
        "5 event(s) exported",
    )
    assert exported.new == {"filter": {"action": "review.submit"}}


def test_site_export_holds_every_position(client, auth, committee):
    other = factories.create_position("chemistry-2027")
    factories.create_candidate(other, "@SUM(A1)")
    auth.login("admin@uni.example")
    rows = csv_rows(auth.post("/admin/audit/export", {"action": "candidate.create"}))
    assert sorted(row["Position"] for row in rows) == ["chemistry-2027"] + [SLUG] * 5
    assert "'@SUM(A1)" in {row["Candidate"] for row in rows}


@pytest.mark.parametrize(
    ("email", "path", "expected"),
    [
        ("dana@uni.example", PAGE, 404),
        ("dana@uni.example", "/admin/audit", 404),
        ("chair@uni.example", "/admin/audit", 404),
        ("admin@uni.example", PAGE, 200),
    ],
)
def test_audit_pages_answer_by_role(client, auth, committee, email, path, expected):
    auth.login(email)
    response = client.get(path)
    assert response.status_code == expected
    assert ("Audit log" in response.get_data(as_text=True)) == (expected == 200)


def test_audit_export_denied_to_reviewer_and_writes_nothing(client, auth, committee):
    before = db.session.query(AuditEvent).count()
    auth.login("dana@uni.example")
    assert auth.post(PAGE + "/export").status_code == 404
    assert auth.post("/admin/audit/export").status_code == 404
    db.session.expire_all()
    assert db.session.query(AuditEvent).filter_by(action="audit.export").count() == 0
    assert db.session.query(AuditEvent).count() == before + 1  # only dana's user.login


@pytest.mark.parametrize("path", [PAGE, "/admin/audit"])
def test_audit_pages_send_anonymous_to_login(client, committee, path):
    response = client.get(path)
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/login?next=")


def test_summary_naming_a_conflicted_candidate_is_masked(client, auth, committee):
    ann, cy = committee["candidates"]["Ann Ito"], committee["candidates"]["Cy Chen"]
    audit.record(
        "candidate.merge", ann, summary="CY CHEN merged into Ann Ito", new={"merged": cy.id}
    )
    db.session.commit()
    auth.login("chair@uni.example")
    page = client.get(PAGE + "?action=candidate.merge").get_data(as_text=True)
    assert count_on(page) == 1
    row = page[page.index("<code>candidate.merge</code>") :][:400]
    assert MASKED in row and "CY CHEN" not in page and '{"merged": null}' in row, row
    rows = csv_rows(auth.post(PAGE + "/export", {"action": "candidate.merge"}))
    assert [(r["Candidate"], r["Summary"], r["After"]) for r in rows] == [
        ("Ann Ito", MASKED, '{"merged": null}')
    ]
    auth.logout()
    auth.login("admin@uni.example")
    admin_page = client.get("/admin/audit?action=candidate.merge").get_data(as_text=True)
    assert "CY CHEN merged into Ann Ito" in admin_page


def test_redact_drops_hidden_candidates_from_id_lists():
    values = {"pairs": [[1, 7, "coauthor"], [2, 8, "same_institution"]], "candidate_ids": [7, 9]}
    assert redact(values, {7}) == {"pairs": [[2, 8, "same_institution"]], "candidate_ids": [9]}
    assert redact({"merged": 7}, {7}) == {"merged": None}
    assert redact(values, set()) is values


def test_audit_filters_survive_hostile_values(client, auth, committee):
    auth.login("admin@uni.example")
    everything = count_on(client.get("/admin/audit").get_data(as_text=True))
    hostile = {
        "user": "9" * 30,
        "position": "99999999999",
        "candidate": "%_\\\x01",
        "action": "review.submit\x7f",
        "from": "0001-01-01",
        "to": "9999-12-31",
        "page": "9" * 30,
    }
    response = client.get("/admin/audit", query_string=hostile)
    assert response.status_code == 200
    assert count_on(response.get_data(as_text=True)) == 0  # no candidate is named "%_\"
    del hostile["candidate"]
    response = client.get("/admin/audit", query_string=hostile)
    assert count_on(response.get_data(as_text=True)) == 7  # the submitted reviews
    assert auth.post("/admin/audit/export", hostile).status_code == 200
    assert everything > 7


def test_audit_log_is_linked_from_the_position_tabs_and_admin_menu(client, auth, committee):
    auth.login("chair@uni.example")
    overview = client.get(f"/p/{SLUG}/").get_data(as_text=True)
    assert f'href="/p/{SLUG}/audit">Audit log</a>' in overview
    assert 'href="/admin/audit"' not in overview
    auth.logout()
    auth.login("dana@uni.example")
    assert f"/p/{SLUG}/audit" not in client.get(f"/p/{SLUG}/").get_data(as_text=True)
    auth.logout()
    auth.login("admin@uni.example")
    assert 'href="/admin/audit">Audit log</a>' in client.get("/").get_data(as_text=True)
