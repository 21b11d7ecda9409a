"""Automatic and imported assignments."""

from types import SimpleNamespace

import pytest

from reviewapp.assignments import auto
from reviewapp.assignments.models import Assignment
from reviewapp.cli import main
from reviewapp.conflicts.models import Conflict, ConflictSource, ConflictStatus
from reviewapp.extensions import db
from reviewapp.reviews import operations as reviews
from reviewapp.rubrics.operations import current_rubric
from tests import factories

pytestmark = pytest.mark.integration


@pytest.fixture
def committee(app):
    chair = factories.create_user("chair@example.org", name="Carla Chair")
    vis = factories.create_user(
        "vis@example.org", name="Vera Vision", expertise="image segmentation convolution vision"
    )
    nlp = factories.create_user(
        "nlp@example.org", name="Nils Language", expertise="language model transformer tokens"
    )
    rl = factories.create_user(
        "rl@example.org", name="Rita Reward", expertise="reinforcement policy reward agent"
    )
    position = factories.create_position("ml-2027", chair=chair, reviewers=(vis, nlp, rl))
    factories.create_rubric(position)
    texts = {
        "Ivy Image": "image segmentation and convolution for vision",
        "Leo Lang": "language model pretraining, transformer tokens",
        "Rob Robot": "policy learning with reward for an agent",
        "Val Vision": "vision convolution image detection",
    }
    cands = [factories.create_candidate(position, name, text=text) for name, text in texts.items()]
    return SimpleNamespace(position=position, chair=chair, vis=vis, nlp=nlp, rl=rl, c=cands)


def pairs():
    db.session.expire_all()
    rows = db.session.execute(
        db.select(Assignment.candidate_id, Assignment.reviewer_id).order_by(Assignment.id)
    )
    return sorted(tuple(r) for r in rows)


def test_propose_one_per_candidate_follows_expertise(committee):
    proposal = auto.propose(committee.position, k=1, max_load=2)
    chosen = {(c.name, r.email) for c, r, _, _ in proposal.rows()}
    assert chosen == {
        ("Ivy Image", "vis@example.org"),
        ("Leo Lang", "nlp@example.org"),
        ("Rob Robot", "rl@example.org"),
        ("Val Vision", "vis@example.org"),
    }
    assert sorted(load for _, load in proposal.loads()) == [1, 1, 2]


def test_propose_never_uses_conflicted_reviewer(committee):
    db.session.add(
        Conflict(
            position_id=committee.position.id, reviewer_id=committee.vis.id,
            candidate_id=committee.c[0].id, source=ConflictSource.DETECTED,
            status=ConflictStatus.PENDING,
        )
    )  # fmt: skip
    db.session.commit()
    proposal = auto.propose(committee.position, k=2, max_load=3)
    ivy = {r.email for c, r, _, _ in proposal.rows() if c.name == "Ivy Image"}
    assert ivy == {"nlp@example.org", "rl@example.org"}
    assert all(len({r.id for c2, r, _, _ in proposal.rows() if c2 == c}) == 2 for c in committee.c)


def test_auto_command_prints_and_applies_only_with_flag(committee, runner):
    dry = runner.invoke(
        main, ["assignments", "auto", "ml-2027", "--per-candidate", "1", "--max-load", "2"]
    )
    assert dry.exit_code == 0, dry.output
    assert "Ivy Image\tvis@example.org\t" in dry.output
    assert "vis@example.org\t2" in dry.output
    assert "Nothing stored" in dry.output
    assert pairs() == []
    applied = runner.invoke(
        main,
        ["assignments", "auto", "ml-2027", "--per-candidate", "1", "--max-load", "2", "--apply"],
    )
    assert "Applied: 4 new assignment(s), 0 removed." in applied.output
    assert len(pairs()) == 4


def test_rerun_keeps_assignments_with_started_reviews(committee):
    rob = committee.c[2]
    started = factories.create_assignment(committee.position, rob, committee.vis)
    unstarted = factories.create_assignment(committee.position, committee.c[1], committee.rl)
    reviews.save_review(
        started, current_rubric(committee.position), reviews.ReviewInput(), submit=False,
        expected_version=0, actor=committee.vis,
    )  # fmt: skip
    db.session.commit()
    proposal = auto.propose(committee.position, k=1, max_load=2)
    created, removed = auto.apply_proposal(proposal, actor=None)
    db.session.commit()
    assert (rob.id, committee.vis.id) in pairs()  # fixed: a review was started
    assert (committee.c[1].id, committee.rl.id) not in pairs()  # unstarted, replaced
    assert unstarted.id not in [a.id for a in db.session.scalars(db.select(Assignment))]
    assert (created, removed) == (3, 1)
    assert len(pairs()) == 4


def test_import_assignments_validates_every_row_first(committee, runner, tmp_path):
    path = tmp_path / "assign.csv"
    path.write_text(
        "candidate,reviewer\n"
        f"{committee.c[0].id},vis@example.org\n"
        "Nobody Here,nlp@example.org\n"
        "Leo Lang,stranger@example.org\n"
    )
    result = runner.invoke(main, ["assignments", "import", "ml-2027", str(path)])
    assert result.exit_code == 1
    assert "row 3: no candidate 'Nobody Here' in this position" in result.output
    assert "row 4: 'stranger@example.org' is not an active committee member" in result.output
    assert pairs() == []


def test_import_assignments_from_xlsx(committee, runner, tmp_path):
    from openpyxl import Workbook

    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["Candidate", "Reviewer"])
    sheet.append(["Leo Lang", "NLP@example.org"])
    sheet.append([committee.c[2].id, "rl@example.org"])
    path = tmp_path / "assign.xlsx"
    workbook.save(path)
    result = runner.invoke(main, ["assignments", "import", "ml-2027", str(path)])
    assert result.output == "2 new assignment(s).\n"
    assert pairs() == sorted(
        [(committee.c[1].id, committee.nlp.id), (committee.c[2].id, committee.rl.id)]
    )
