"""One committee per test, with a real object behind every URL variable of the app, the people
of every role of the access matrix, and unique marker strings for the leak tests.

Position P ("matrix-2027"): chair Cara; a second chair Cleo who is conflicted with candidate X;
reviewers Uma (unassigned), Con (assigned to X, then a confirmed conflict on X), Asa (assigned
to X, draft review), Sue (assigned to X, submitted review), and two spares the matrix may change
(Sam, toggled in the assignment matrix; Mia, deactivated from the committee, who also has a
pending detected conflict on X). Position Q ("other-2027"): chair Quinn, reviewer Otto, and
one object of each kind a URL can name (`foreign`). X and Y are also in P's second stage,
"Interview", and in the report of a finished import.
Admin Ada is on no committee. Tess is a plain account for the admin pages; Uli has an unused
invitation.
"""

import re
from types import SimpleNamespace

import pytest

from reviewapp.auth import operations as accounts
from reviewapp.conflicts.models import Conflict, ConflictSource, ConflictStatus
from reviewapp.discussion.models import DiscussionMessage
from reviewapp.exports.models import ExportJob
from reviewapp.extensions import db
from reviewapp.importing import operations as importing
from reviewapp.importing.models import DuplicatePair
from reviewapp.positions.models import Membership
from reviewapp.ranking.models import RankingInterval
from reviewapp.reviews.operations import ReviewInput, save_review
from reviewapp.stages import operations as stages
from tests import factories
from tests.conftest import AuthActions, IsolatedClient

# Unique strings that may only show up where their owner's data may be shown.
NAME_MARKER = "Zorblax"  # in candidate X's name
CV_MARKER = "QWERTYCVMARK7"  # in X's CV text only
CV_TOPIC = "hyperbolic lattices"  # also in X's CV only: a search that finds X by CV text
SUE_COMMENT = "SUBMITTEDCOMMENTMARK3"  # Sue's submitted review of X
SUE_NOTE = "SUBMITTEDPRIVATEMARK4"  # Sue's private note on X
ASA_COMMENT = "DRAFTCOMMENTMARK5"  # Asa's draft review of X
ASA_NOTE = "DRAFTPRIVATEMARK6"  # Asa's private note on X
# Sue's comment names other committee members: an anonymised export must not.
SUE_TEXT = f"{SUE_COMMENT} I agree with Asa Assigned; ask Uma Unassigned (uma@uni.example)."
X_EMAIL = "zorblax.candidate@cand.example"


def _review(assignment, rubric, *, comment: str, note: str, submit: bool, actor) -> None:
    save_review(
        assignment,
        rubric,
        ReviewInput(
            scores={c.id: c.scale_max for c in rubric.criteria if c.is_required},
            recommendation="strong_yes",
            confidence=3,
            comment=comment,
            private_note=note,
        ),
        submit=submit,
        expected_version=None,
        actor=actor,
    )


def _conflict(position, reviewer, candidate, *, source: str, status: str) -> Conflict:
    conflict = Conflict(
        position_id=position.id, reviewer_id=reviewer.id, candidate_id=candidate.id,
        source=source, kind="collaborator", reason="test", status=status,
    )  # fmt: skip
    db.session.add(conflict)
    db.session.flush()
    return conflict


def build_committee() -> SimpleNamespace:
    user = factories.create_user
    people = {
        "admin": user("ada@admin.example", name="Ada Admin", is_admin=True),
        "chair": user("cara@uni.example", name="Cara Chair"),
        "conflicted_chair": user("cleo@uni.example", name="Cleo Chair"),
        "other_chair": user("quinn@other.example", name="Quinn Other"),
        "other_reviewer": user("otto@other.example", name="Otto Other"),
        "unassigned": user("uma@uni.example", name="Uma Unassigned"),
        "conflicted": user("con@uni.example", name="Con Conflicted"),
        "assigned": user("asa@uni.example", name="Asa Assigned"),
        "submitted": user("sue@uni.example", name="Sue Submitted"),
    }
    sam = user("sam@uni.example", name="Sam Spare")
    mia = user("mia@uni.example", name="Mia Spare")
    tess = user("tess@uni.example", name="Tess Account")
    uli = accounts.create_user(email="uli@uni.example", display_name="Uli Invited")
    token = accounts.create_invitation(uli, actor=None)
    db.session.commit()

    p = people
    position = factories.create_position(
        "matrix-2027", title="Lecturer in Matrices", chair=p["chair"],
        reviewers=(p["unassigned"], p["conflicted"], p["assigned"], p["submitted"], sam, mia),
    )  # fmt: skip
    from reviewapp.positions import operations as positions

    positions.add_member(position, p["conflicted_chair"], "chair", actor=None)
    other = factories.create_position(
        "other-2027", chair=p["other_chair"], reviewers=(p["other_reviewer"],)
    )
    rubric = factories.create_rubric(position)
    x = factories.create_candidate(
        position,
        f"Xena {NAME_MARKER}",
        text=f"Xena {NAME_MARKER}\n{X_EMAIL}\nResearch statement {CV_MARKER} on {CV_TOPIC}",
        emails=[X_EMAIL],
    )
    y = factories.create_candidate(position, "Yuri Second")
    foreign = _foreign_objects(other, p["other_chair"], p["other_reviewer"])
    own = {
        role: factories.create_assignment(position, x, p[role])
        for role in ("conflicted", "assigned", "submitted")
    }
    own_y = factories.create_assignment(position, y, p["assigned"])
    _review(own["assigned"], rubric, comment=ASA_COMMENT, note=ASA_NOTE, submit=False,
            actor=p["assigned"])  # fmt: skip
    _review(own["submitted"], rubric, comment=SUE_TEXT, note=SUE_NOTE, submit=True,
            actor=p["submitted"])  # fmt: skip
    _conflict(position, p["conflicted"], x, source=ConflictSource.DECLARED,
              status=ConflictStatus.CONFIRMED)  # fmt: skip
    _conflict(position, p["conflicted_chair"], x, source=ConflictSource.CHAIR,
              status=ConflictStatus.CONFIRMED)  # fmt: skip
    spare_conflict = _conflict(
        position, mia, x, source=ConflictSource.DETECTED, status=ConflictStatus.PENDING
    )
    low, high = sorted((x.id, y.id))
    pair = DuplicatePair(position_id=position.id, candidate_a_id=low, candidate_b_id=high,
                         score=0.6, evidence={"similar_name": [y.name, x.name]})  # fmt: skip
    db.session.add(pair)
    batch = importing.create_batch(position, [("cv.txt", b"Nobody Special\n")], actor=None)
    report = _imported(position, {x: f"xena-{NAME_MARKER}.txt", y: "yuri.txt"})
    interview = stages.create_stage(position=position, name="Interview", actor=p["chair"])
    stages.add_candidates(stage=interview, candidate_ids=[x.id, y.id], actor=p["chair"])
    export_job = ExportJob(  # a finished export of P by chair Cara (the file is a stand-in)
        position_id=position.id, stage_id=position.default_stage.id,
        requested_by_id=people["chair"].id, status="done", filename="p.csv",
        mimetype="text/csv", result=b"Rank\r\n", size=6,
    )  # fmt: skip
    db.session.add(export_job)
    interval = RankingInterval(  # P's finished rank intervals, nobody's candidates hidden
        position_id=position.id, stage_id=position.default_stage.id, key="p-intervals",
        data_revision=0, options={"method": "mean"}, hidden_candidate_ids=[], status="done",
        result=[],
    )  # fmt: skip
    db.session.add(interval)
    message = DiscussionMessage(  # Sue's message in X's committee thread
        position_id=position.id, candidate_id=x.id, author_id=people["submitted"].id,
        body=f"Thread note {SUE_TEXT}",
    )  # fmt: skip
    db.session.add(message)
    db.session.commit()
    mia_membership = db.session.scalar(
        db.select(Membership).filter_by(user_id=mia.id, position_id=position.id)
    )
    return SimpleNamespace(
        people=people, position=position, other=other, rubric=rubric, x=x, y=y, own=own,
        own_y=own_y, sam=sam, mia=mia, tess=tess, uli=uli, token=token, conflict=spare_conflict,
        pair=pair, batch=batch, member=mia_membership, document=x.documents[0],
        export_job=export_job, message=message, foreign=foreign, report=report,
        interview=interview, interval=interval,
    )  # fmt: skip


def _imported(position, files: dict):
    """A finished import whose report names the candidates it created (file per candidate)."""
    batch = importing.create_batch(
        position, [(name, b"stand-in") for name in files.values()], actor=None
    )
    for item, candidate in zip(batch.items, files, strict=True):
        item.outcome, item.candidate_id, item.reason = "new", candidate.id, candidate.name
    batch.status, batch.processed = "done", len(files)
    db.session.flush()
    return batch


def _foreign_objects(other, quinn, otto) -> dict[str, int]:
    """Position Q's own objects, by the URL variable that names them: P's URLs given one of
    these ids must answer 404 (another position's ids are never reachable through P)."""
    olga = factories.create_candidate(other, "Olga Elsewhere")
    oscar = factories.create_candidate(other, "Oscar Elsewhere")
    assignment = factories.create_assignment(other, olga, otto)
    conflict = _conflict(other, quinn, oscar, source=ConflictSource.CHAIR,
                         status=ConflictStatus.CONFIRMED)  # fmt: skip
    low, high = sorted((olga.id, oscar.id))
    pair = DuplicatePair(position_id=other.id, candidate_a_id=low, candidate_b_id=high,
                         score=0.6, evidence={"similar_name": [olga.name, oscar.name]})  # fmt: skip
    batch = importing.create_batch(other, [("cv.txt", b"Nobody Else\n")], actor=None)
    job = ExportJob(position_id=other.id, stage_id=other.default_stage.id,
                    requested_by_id=quinn.id, status="done", filename="q.csv",
                    mimetype="text/csv", result=b"Rank\r\n", size=6)  # fmt: skip
    message = DiscussionMessage(position_id=other.id, candidate_id=olga.id, author_id=quinn.id,
                                body="Q thread")  # fmt: skip
    interval = RankingInterval(position_id=other.id, stage_id=other.default_stage.id,
                               key="q-intervals", data_revision=0, options={},
                               hidden_candidate_ids=[], status="done", result=[])  # fmt: skip
    db.session.add_all([pair, job, message, interval])
    db.session.commit()
    member = db.session.scalar(
        db.select(Membership).filter_by(user_id=otto.id, position_id=other.id)
    )
    return {
        "candidate_id": olga.id, "document_id": olga.documents[0].id,
        "assignment_id": assignment.id, "conflict_id": conflict.id, "pair_id": pair.id,
        "batch_id": batch.id, "job_id": job.id, "message_id": message.id,
        "member_id": member.id, "stage_id": other.default_stage.id, "reviewer_id": otto.id,
        "interval_id": interval.id,
    }  # fmt: skip


@pytest.fixture
def committee(app) -> SimpleNamespace:
    return build_committee()


class RoleClient:
    """A logged-in (or anonymous) test client that keeps its CSRF token between requests."""

    def __init__(self, app, user=None):
        app.test_client_class = IsolatedClient
        self.client = app.test_client()
        self.auth = AuthActions(self.client)
        self.user = user
        self.token = ""
        self.login()

    def login(self) -> None:
        if self.user is not None:
            response = self.auth.login(self.user.email)
            assert response.status_code == 302, f"{self.user.email} could not log in"
        self.token = self.auth.csrf_token("/")

    def get(self, path: str, **kwargs):
        return self.client.get(path, **kwargs)

    def post(self, path: str, data: dict | None = None, **kwargs):
        return self.client.post(path, data={"csrf_token": self.token, **(data or {})}, **kwargs)

    def send(self, method: str, path: str):
        """GET as is; any other method as a form carrying only a valid CSRF token."""
        if method == "GET":
            return self.get(path)
        return self.client.open(path, method=method, data={"csrf_token": self.token})


def url_values(c: SimpleNamespace, role: str, candidate: str = "x") -> dict:
    """The committee's object behind each URL variable of the app's rules.

    Ids are those of position P and its candidate X (or Y with candidate="y"). assignment_id
    is the role's own assignment on that candidate if it has one, else the assigned reviewer's.
    """
    target = getattr(c, candidate)
    mine = c.own if candidate == "x" else {"assigned": c.own_y}
    own = mine.get(role, mine["assigned"])
    return {
        "slug": c.position.slug,
        "candidate_id": target.id,
        "document_id": target.documents[0].id,
        "assignment_id": own.id,
        "reviewer_id": c.sam.id,
        "member_id": c.member.id,
        "conflict_id": c.conflict.id,
        "decision": "confirm",
        "pair_id": c.pair.id,
        "action": "keep-apart",
        "batch_id": c.batch.id,
        "job_id": c.export_job.id,
        "user_id": c.tess.id,
        "token": c.token,
        "rubric_id": c.rubric.id,
        "stage_id": c.position.default_stage.id,
        "message_id": c.message.id,
        "interval_id": c.interval.id,
    }


def visible_text(html: str) -> str:
    """The page without CSRF tokens (random strings that could contain a marker by chance)."""
    return re.sub(r'name="csrf_token"[^>]*value="[^"]*"', "", html)
