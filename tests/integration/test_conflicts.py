"""Conflict detection over a position, the chair's decisions and reviewers' declarations."""

import json
from types import SimpleNamespace

import pytest

from reviewapp.audit import AuditEvent
from reviewapp.candidates import operations as candidates
from reviewapp.cli import main
from reviewapp.conflicts import operations
from reviewapp.conflicts.models import Conflict
from reviewapp.extensions import db
from tests import factories

pytestmark = pytest.mark.integration


@pytest.fixture
def seeded(app, seeds_dir):
    """The seed CVs as candidates (000 and 004 are one person), and a committee of three."""
    chair = factories.create_user("chair@example.org", name="Carla Chair")
    zl = factories.create_user("zl@example.org", name="Zhiyuan Li")
    tm = factories.create_user("tm@example.org", name="Tengyu Ma")
    position = factories.create_position("ml-2027", chair=chair, reviewers=(zl, tm))
    expected = json.loads((seeds_dir / "expected.json").read_text())
    by_file = {}
    for entry in expected["candidates"]:
        candidate = candidates.create_candidate(position, name=entry["name"])
        for filename in entry["files"]:
            data = (seeds_dir / filename).read_bytes()
            candidates.add_document(
                candidate, data=data, filename=filename, media_type="text/plain",
                text=data.decode(), status="ok",
            )  # fmt: skip
            by_file[filename[:3]] = candidate
    db.session.commit()
    return SimpleNamespace(position=position, chair=chair, zl=zl, tm=tm, c=by_file)


def pairs(findings):
    return sorted({(f.member.display_name, f.candidate.id) for f in findings})


def test_detect_flags_seed_conflicts(seeded):
    findings = operations.detect_position_conflicts(seeded.position)
    c = seeded.c
    assert pairs(findings) == sorted(
        [("Zhiyuan Li", c["000"].id), ("Zhiyuan Li", c["001"].id), ("Tengyu Ma", c["000"].id)]
    )
    kinds = {(f.member.display_name, f.candidate.id, f.detected.kind) for f in findings}
    assert ("Zhiyuan Li", c["000"].id, "supervisor") in kinds
    assert ("Zhiyuan Li", c["001"].id, "teaching") in kinds
    assert ("Tengyu Ma", c["000"].id, "supervisor") in kinds


def test_check_command_json_lists_every_pair(seeded, runner):
    result = runner.invoke(main, ["conflicts", "check", "ml-2027", "--json"])
    assert result.exit_code == 0, result.output
    rows = json.loads(result.stdout)
    assert {(r["reviewer"], r["candidate"]) for r in rows} == {
        ("zl@example.org", "Kaiyue Wen"),
        ("zl@example.org", "Mingze Wang"),
        ("tm@example.org", "Kaiyue Wen"),
    }
    teaching = next(r for r in rows if r["candidate"] == "Mingze Wang")
    assert teaching["reviewer_name"] == "Zhiyuan Li"
    assert teaching["candidate_id"] == seeded.c["001"].id
    assert teaching["kind"] == "teaching"
    assert "Zhiyuan Li" in teaching["evidence"]
    assert db.session.scalar(db.select(db.func.count(Conflict.id))) == 0  # a check stores nothing


def test_check_command_unknown_position_fails(app, runner):
    result = runner.invoke(main, ["conflicts", "check", "nope"])
    assert result.exit_code == 1
    assert "No position with the slug 'nope'" in result.output


def test_store_detected_conflicts_is_pending_and_never_duplicated(seeded):
    first = operations.store_detected_conflicts(seeded.position, actor=seeded.chair)
    db.session.commit()
    assert sorted((c.reviewer_id, c.candidate_id, c.status, c.source) for c in first) == sorted(
        [
            (seeded.zl.id, seeded.c["000"].id, "pending", "detected"),
            (seeded.zl.id, seeded.c["001"].id, "pending", "detected"),
            (seeded.tm.id, seeded.c["000"].id, "pending", "detected"),
        ]
    )
    assert operations.store_detected_conflicts(seeded.position, actor=seeded.chair) == []
    db.session.commit()
    assert db.session.scalar(db.select(db.func.count(Conflict.id))) == 3


def test_chair_runs_detection_and_dismisses_with_logged_decision(seeded, client, auth):
    auth.login("chair@example.org")
    response = auth.post("/p/ml-2027/conflicts/detect")
    assert response.status_code == 302
    page = client.get("/p/ml-2027/conflicts").get_data(as_text=True)
    assert "Detection found 3 new conflict(s) to review." in page
    assert page.count(">pending</span>") == 3
    conflict = db.session.scalar(
        db.select(Conflict).filter_by(reviewer_id=seeded.zl.id, candidate_id=seeded.c["001"].id)
    )
    assert auth.post(f"/p/ml-2027/conflicts/{conflict.id}/dismiss").status_code == 302
    db.session.expire_all()
    assert db.session.get(Conflict, conflict.id).status == "dismissed"
    assert db.session.get(Conflict, conflict.id).decided_by_id == seeded.chair.id
    event = db.session.scalar(db.select(AuditEvent).filter_by(action="conflict.dismiss"))
    assert (event.actor_id, event.old, event.new) == (
        seeded.chair.id,
        {"status": "pending"},
        {"status": "dismissed"},
    )


def test_chair_adds_and_removes_manual_conflict(seeded, client, auth):
    auth.login("chair@example.org")
    response = auth.post(
        "/p/ml-2027/conflicts/add",
        {"reviewer": seeded.tm.id, "candidate": seeded.c["002"].id, "kind": "personal",
         "reason": "Cousins"},
    )  # fmt: skip
    assert response.status_code == 302
    conflict = db.session.scalar(db.select(Conflict).filter_by(candidate_id=seeded.c["002"].id))
    assert (conflict.source, conflict.kind, conflict.status, conflict.reason) == (
        "chair", "personal", "confirmed", "Cousins",
    )  # fmt: skip
    conflict_id = conflict.id
    assert auth.post(f"/p/ml-2027/conflicts/{conflict_id}/remove").status_code == 302
    db.session.expire_all()
    assert db.session.get(Conflict, conflict_id) is None


@pytest.mark.parametrize("who", ["zl@example.org", "outsider@example.org"])
def test_conflicts_page_is_404_for_non_chairs(seeded, client, auth, who):
    factories.create_user("outsider@example.org")
    auth.login(who)
    assert client.get("/p/ml-2027/conflicts").status_code == 404
    assert auth.post("/p/ml-2027/conflicts/detect").status_code == 404
    assert db.session.scalar(db.select(db.func.count(Conflict.id))) == 0


def test_reviewer_declares_conflict_and_loses_access(seeded, client, auth):
    assignment = factories.create_assignment(seeded.position, seeded.c["002"], seeded.tm)
    factories.create_rubric(seeded.position)
    auth.login("tm@example.org")
    url = f"/p/ml-2027/reviews/{assignment.id}"
    assert client.get(url).status_code == 200
    response = auth.post(url + "/conflict", {"kind": "personal", "reason": "Former partner"})
    assert response.status_code == 302
    conflict = db.session.scalar(db.select(Conflict))
    assert (conflict.reviewer_id, conflict.source, conflict.reason) == (
        seeded.tm.id, "declared", "Former partner",
    )  # fmt: skip
    assert client.get(url).status_code == 404
    assert "Yeming Wen" not in client.get("/p/ml-2027/reviews/").get_data(as_text=True)
