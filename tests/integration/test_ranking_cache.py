"""The ranking cache: positions.data_revision moves with every change a ranking depends on, the
cache is shared between chairs with the same conflicts and never between different ones, and
rank intervals come from a background job the page polls."""

import html
import re

import pytest

from reviewapp.assignments.models import Assignment
from reviewapp.assignments.operations import assign, decline_assignment
from reviewapp.candidates.operations import create_candidate as new_candidate
from reviewapp.conflicts.models import Conflict
from reviewapp.conflicts.operations import add_conflict
from reviewapp.extensions import db
from reviewapp.importing import operations as importing
from reviewapp.importing.merges import merge_candidates
from reviewapp.importing.models import DuplicatePair
from reviewapp.positions import operations as positions
from reviewapp.ranking import intervals, page
from reviewapp.ranking import revision as data_revision
from reviewapp.ranking.frames import data_version
from reviewapp.ranking.models import IntervalStatus, RankingInterval
from reviewapp.reviews.models import Review, Score
from reviewapp.reviews.operations import ReviewInput, save_review
from reviewapp.rubrics.operations import create_rubric_version
from reviewapp.stages import operations as stages
from tests import factories

pytestmark = pytest.mark.integration
URL = "/p/physics-2027/ranking"


@pytest.fixture
def committee(app):
    page.cache.clear()
    intervals.merged_cache.clear()
    return factories.create_ranked_committee()


def _revision(committee) -> int:
    db.session.commit()
    return data_revision.current(db.session, committee["position"].id)


def _text(response) -> str:
    body = re.sub(r"<[^>]+>", " ", response.get_data(as_text=True))
    return " ".join(html.unescape(body).split())


def _review(committee, name: str, reviewer_index: int = 0) -> Review:
    candidate = committee["candidates"][name]
    reviewer = committee["reviewers"][reviewer_index]
    return db.session.scalars(
        db.select(Review)
        .join(Assignment)
        .filter(Assignment.candidate_id == candidate.id, Assignment.reviewer_id == reviewer.id)
    ).one()


def _save(committee, name: str, reviewer_index: int, research: int, *, submit: bool):
    candidate = committee["candidates"][name]
    reviewer = committee["reviewers"][reviewer_index]
    assignment = db.session.scalars(
        db.select(Assignment).filter_by(candidate_id=candidate.id, reviewer_id=reviewer.id)
    ).one()
    research_id, teaching_id = (c.id for c in committee["rubric"].criteria)
    save_review(
        assignment,
        committee["rubric"],
        ReviewInput(scores={research_id: research, teaching_id: 5}, recommendation="yes",
                    confidence=2),
        submit=submit,
        expected_version=None,
        actor=reviewer,
    )  # fmt: skip


# --- every kind of change moves the data revision ------------------------------------------


def _submit_new_review(c):
    _save(c, "Dee Dunn", 0, 4, submit=True)


def _edit_submitted_score(c):
    score = _review(c, "Ann Ito").scores[0]
    score.value = 1


def _submit_draft(c):
    _save(c, c["formula_name"], 1, 2, submit=True)


def _reopen_review(c):
    _review(c, "Ann Ito").status = "draft"


def _add_conflict(c):
    add_conflict(c["position"], c["reviewers"][0], c["candidates"]["Bo Berg"], source="chair",
                 actor=c["chair"])  # fmt: skip


def _dismiss_conflict(c):
    conflict = db.session.scalars(db.select(Conflict)).one()
    conflict.status = "dismissed"


def _new_candidate(c):
    new_candidate(c["position"], name="Eve Evans", emails=["eve@cand.example"])


def _import_candidate(c):
    batch = importing.create_batch(c["position"], [("eve.txt", b"Eve Evans\neve@x.example\n")])
    db.session.commit()
    importing.run_batch(batch, workers=0)


def _merge_candidates(c):
    ann, bo = c["candidates"]["Ann Ito"], c["candidates"]["Bo Berg"]
    low, high = sorted((ann.id, bo.id))
    pair = DuplicatePair(position_id=c["position"].id, candidate_a_id=low, candidate_b_id=high,
                         score=0.9, evidence={})  # fmt: skip
    db.session.add(pair)
    db.session.flush()
    merge_candidates(pair, keep=ann, actor=c["chair"])


def _rename_candidate(c):
    c["candidates"]["Bo Berg"].name = "Bo Berg-Lund"


def _new_rubric_version(c):
    create_rubric_version(
        c["position"],
        [{"name": "Research", "weight": 5, "min": 1, "max": 5},
         {"name": "Teaching", "weight": 1, "min": 0, "max": 10}],
        actor=c["chair"],
    )  # fmt: skip


def _change_weight(c):
    c["rubric"].criteria[0].weight = 7


def _new_assignment(c):
    reviewer = c["reviewers"][1]
    assign(c["candidates"]["Dee Dunn"], reviewer, c["position"].default_stage, actor=None)


def _decline_assignment(c):
    dee = c["candidates"]["Dee Dunn"]
    assignment = db.session.scalars(db.select(Assignment).filter_by(candidate_id=dee.id)).one()
    decline_assignment(assignment, reason="Too busy", actor=assignment.reviewer)


def _stage_membership(c):
    stage = stages.create_stage(position=c["position"], name="Interview", actor=c["chair"])
    db.session.commit()
    before = data_revision.current(db.session, c["position"].id)
    stages.add_candidates(stage=stage, candidate_ids=[c["candidates"]["Ann Ito"].id],
                          actor=c["chair"])  # fmt: skip
    db.session.commit()
    assert data_revision.current(db.session, c["position"].id) > before


def _delete_score(c):
    review = _review(c, "Ann Ito")
    db.session.delete(review.scores[0])


CHANGES = [
    _submit_new_review, _edit_submitted_score, _submit_draft, _reopen_review, _add_conflict,
    _dismiss_conflict, _new_candidate, _import_candidate, _merge_candidates, _rename_candidate,
    _new_rubric_version, _change_weight, _new_assignment, _decline_assignment, _stage_membership,
    _delete_score,
]  # fmt: skip


@pytest.mark.parametrize("change", CHANGES, ids=lambda f: f.__name__.lstrip("_"))
def test_data_revision_moves_with_each_kind_of_change(committee, change):
    before = _revision(committee)
    change(committee)
    assert _revision(committee) > before


def test_data_revision_ignores_draft_autosaves(committee):
    """Drafts never count in a ranking: a reviewer's autosave keeps the chairs' cache warm."""
    before = _revision(committee)
    _save(committee, committee["formula_name"], 1, 5, submit=False)
    assert db.session.scalars(db.select(Score).join(Review).filter(
        Review.status == "draft")).all()  # fmt: skip
    assert _revision(committee) == before


def test_data_revision_of_other_position_is_untouched(committee):
    other = factories.create_position("other-2027")
    before = data_revision.current(db.session, other.id)
    _edit_submitted_score(committee)
    db.session.commit()
    assert data_revision.current(db.session, other.id) == before


def test_cached_ranking_shows_an_edited_score_on_the_next_view(committee, client, auth):
    auth.login("chair@uni.example")
    assert " 1 Ann Ito 83.3 " in _text(client.get(URL))
    _edit_submitted_score(committee)  # Ann's first review: Research 5 → 1, T 100 → 33.3
    db.session.commit()
    assert " 1 Ann Ito " not in _text(client.get(URL))
    assert " Ann Ito 50.0 " in _text(client.get(URL))


# --- the cache is shared by viewers, never across different conflicts -----------------------


def _second_chair(committee, email="chair2@uni.example"):
    chair2 = factories.create_user(email, name="Second Chair")
    positions.add_member(committee["position"], chair2, "chair", actor=None)
    db.session.commit()
    return chair2


def test_two_chairs_with_different_conflicts_never_share_a_ranking(committee, client, auth):
    """Chair 1 is conflicted with Cy Chen; chair 2 is not. Whoever loads first, the other
    gets their own numbers: Cy is never in chair 1's page, always in chair 2's."""
    _second_chair(committee)
    for order in (("chair2@uni.example", "chair@uni.example"),
                  ("chair@uni.example", "chair2@uni.example")):  # fmt: skip
        page.cache.clear()
        pages = {}
        for email in order:
            auth.login(email)
            pages[email] = _text(client.get(URL))
            auth.logout()
        assert "Cy Chen" not in pages["chair@uni.example"]
        assert "4 candidate(s), 3 ranked." in pages["chair@uni.example"]
        assert " 4 Cy Chen 26.7 " in pages["chair2@uni.example"]
        assert "5 candidate(s), 4 ranked." in pages["chair2@uni.example"]


def test_two_chairs_with_the_same_conflicts_share_one_computation(
    committee, client, auth, monkeypatch
):
    chair2 = _second_chair(committee)
    add_conflict(committee["position"], chair2, committee["candidates"]["Cy Chen"],
                 source="chair", actor=None)  # fmt: skip
    db.session.commit()
    computed = []
    real = page.compute
    monkeypatch.setattr("reviewapp.ranking.routes.compute",
                        lambda *a, **k: computed.append(1) or real(*a, **k))  # fmt: skip
    texts = []
    for email in ("chair@uni.example", "chair2@uni.example"):
        auth.login(email)
        texts.append(_text(client.get(URL)))
        auth.logout()
    assert computed == [1]
    assert texts[0] == texts[1].replace("Second Chair", "Chair Person")
    assert "Cy Chen" not in texts[1]


def test_cache_key_has_no_user_but_the_hidden_candidates(committee):
    position, stage = committee["position"], committee["position"].default_stage
    cy = committee["candidates"]["Cy Chen"].id
    assert data_version(position, stage, frozenset({cy})) == data_version(position, stage, [cy])
    assert data_version(position, stage, {cy}) != data_version(position, stage, ())


# --- rank intervals from a background job ----------------------------------------------------


@pytest.fixture
def background(app, monkeypatch):
    """Positions this small go through the job path, and the job waits until we run it."""
    queued = []
    monkeypatch.setitem(app.config, "RANKING_INLINE_CANDIDATES", 0)
    monkeypatch.setattr(intervals, "enqueue", lambda app, interval_id: queued.append(interval_id))
    return queued


def test_large_stage_serves_a_recent_ranking_while_reviews_arrive(
    committee, client, auth, app, background, monkeypatch
):
    """A stage as large as the interval-job threshold is recomputed at most every
    RANKING_MAX_AGE seconds: the page says how many changes it does not show yet."""
    auth.login("chair@uni.example")
    assert " 1 Ann Ito 83.3 " in _text(client.get(URL))
    _edit_submitted_score(committee)
    db.session.commit()
    text = _text(client.get(URL))
    assert " 1 Ann Ito 83.3 " in text
    assert "1 change(s) to reviews or candidates arrived since it was computed" in text

    monkeypatch.setitem(app.config, "RANKING_MAX_AGE", 0)
    text = _text(client.get(URL))
    assert " Ann Ito 50.0 " in text
    assert "arrived since it was computed" not in text


def test_large_stage_never_serves_a_ranking_across_a_new_conflict(
    committee, client, auth, background
):
    auth.login("chair@uni.example")
    assert "Bo Berg" in _text(client.get(URL))
    add_conflict(committee["position"], committee["chair"], committee["candidates"]["Bo Berg"],
                 source="chair", actor=None)  # fmt: skip
    db.session.commit()
    assert "Bo Berg" not in _text(client.get(URL))


def _interval_cells(response) -> list[str]:
    page_html = response.get_data(as_text=True)
    return re.findall(r'<span class="small">(\d+(?:–\d+)?)</span>', page_html)


def test_small_position_shows_intervals_in_the_first_response(committee, client, auth):
    auth.login("chair@uni.example")
    response = client.get(URL)
    assert _interval_cells(response) == ["1–2", "1–3", "1–3"]
    assert "Computing intervals" not in _text(response)
    row = db.session.scalars(db.select(RankingInterval)).one()
    assert row.status == IntervalStatus.DONE


def test_large_position_renders_at_once_then_fills_intervals(
    committee, client, auth, app, background
):
    auth.login("chair@uni.example")
    first = client.get(URL)
    text = _text(first)
    assert "Computing intervals…" in text
    assert " 1 Ann Ito 83.3 " in text  # the table itself is complete
    assert _interval_cells(first) == []
    assert len(background) == 1
    status_url = f"{URL}/intervals/{background[0]}"
    assert f'data-status-url="{status_url}"' in first.get_data(as_text=True)
    assert client.get(status_url).get_json() == {
        "status": "queued", "ready": False, "finished": False,
    }  # fmt: skip
    client.get(URL)
    assert len(background) == 1  # one job per key, however many views

    intervals.run_interval_job(app, background[0])
    assert client.get(status_url).get_json() == {
        "status": "done", "ready": True, "finished": True,
    }  # fmt: skip
    second = client.get(URL)
    assert "Computing intervals" not in _text(second)
    assert _interval_cells(second) == ["1–2", "1–3", "1–3"]


def test_interval_job_on_changed_data_is_stale_not_attached(committee, client, auth, app,
                                                            background, monkeypatch):  # fmt: skip
    monkeypatch.setitem(app.config, "RANKING_MAX_AGE", 0)  # the next view is recomputed
    auth.login("chair@uni.example")
    client.get(URL)
    _edit_submitted_score(committee)
    db.session.commit()
    intervals.run_interval_job(app, background[0])
    row = db.session.get(RankingInterval, background[0], populate_existing=True)
    assert (row.status, row.result) == (IntervalStatus.STALE, None)
    assert client.get(f"{URL}/intervals/{row.id}").get_json()["status"] == "stale"
    assert "Computing intervals…" in _text(client.get(URL))  # a new key, a new job
    assert len(background) == 2


def test_interval_job_failure_is_reported(committee, client, auth, app, background, monkeypatch):
    auth.login("chair@uni.example")
    client.get(URL)

    def boom(*args, **kwargs):
        raise RuntimeError("out of memory")

    monkeypatch.setattr(intervals, "compute_result", boom)
    intervals.run_interval_job(app, background[0])
    assert client.get(f"{URL}/intervals/{background[0]}").get_json() == {
        "status": "failed", "ready": False, "finished": True,
    }  # fmt: skip
    row = db.session.get(RankingInterval, background[0], populate_existing=True)
    assert row.error == "RuntimeError: could not compute the intervals"
    monkeypatch.undo()  # the worker recovers; a reload retries the failed key
    monkeypatch.setitem(app.config, "RANKING_INLINE_CANDIDATES", 100)
    text = _text(client.get(URL))
    assert "Rank intervals could not be computed" not in text
    assert "Computing intervals" not in text
    row = db.session.get(RankingInterval, background[0], populate_existing=True)
    assert (row.status, row.error) == (IntervalStatus.DONE, "")


def test_interval_status_permissions(committee, client, auth, app, background):
    auth.login("chair@uni.example")
    client.get(URL)  # chair 1 (conflicted with Cy): a row hiding Cy
    status_url = f"{URL}/intervals/{background[0]}"
    assert client.get(status_url).status_code == 200
    auth.logout()
    assert client.get(status_url).status_code == 302
    assert "/login" in client.get(status_url).headers["Location"]
    auth.login("dana@uni.example")  # a reviewer
    assert client.get(status_url).status_code == 404
    auth.logout()
    _second_chair(committee)  # sees Cy: not this row's view of the data
    auth.login("chair2@uni.example")
    assert client.get(status_url).status_code == 404
    assert client.get(f"{URL}/intervals/999999").status_code == 404


def test_intervals_for_a_conflicted_chair_never_include_the_candidate(committee, app, client,
                                                                     auth, background):  # fmt: skip
    _second_chair(committee)
    for email in ("chair2@uni.example", "chair@uni.example"):
        auth.login(email)
        client.get(URL)
        auth.logout()
    for interval_id in background:
        intervals.run_interval_job(app, interval_id)
    cy = committee["candidates"]["Cy Chen"].id
    rows = {tuple(r.hidden_candidate_ids): r for r in db.session.scalars(
        db.select(RankingInterval))}  # fmt: skip
    assert set(rows) == {(), (cy,)}
    assert cy not in [c for c, *_ in rows[(cy,)].result]
    assert cy in [c for c, *_ in rows[()].result]
    auth.login("chair@uni.example")
    text = _text(client.get(URL))
    assert "Cy Chen" not in text
    assert "4 candidate(s), 3 ranked." in text


def test_worker_start_requeues_unfinished_interval_jobs(committee, client, auth, app, background):
    auth.login("chair@uni.example")
    client.get(URL)
    assert intervals.resume_unfinished_intervals(app) == 1
    assert background == [background[0], background[0]]
    intervals.run_interval_job(app, background[0])
    assert intervals.resume_unfinished_intervals(app) == 0


def test_frames_scores_and_assignments_are_exact_int_columns(committee):
    """The column-wise loader (COPY on PostgreSQL) returns exactly the stored rows."""
    from reviewapp.ranking.frames import load_frames

    frames = load_frames(committee["position"])
    stored = db.session.execute(db.select(Score.review_id, Score.criterion_id, Score.value)).all()
    assert sorted(map(tuple, frames.scores.to_numpy().tolist())) == sorted(map(tuple, stored))
    assert [str(t) for t in frames.scores.dtypes] == ["int64", "int64", "int64"]
    pairs = db.session.execute(
        db.select(Assignment.reviewer_id, Assignment.candidate_id).where(
            Assignment.declined_at.is_(None)
        )
    ).all()
    assert sorted(map(tuple, frames.assignments.to_numpy().tolist())) == sorted(map(tuple, pairs))
