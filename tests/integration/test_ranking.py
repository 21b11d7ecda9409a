"""The ranking frames adapter, the chair's ranking page, what-if weights and advancing."""

import html
import json
import re

import pandas as pd
import pytest

from reviewapp.audit import AuditEvent
from reviewapp.extensions import db
from reviewapp.positions.models import Stage, StageCandidate
from reviewapp.ranking import rank_candidates
from reviewapp.ranking.frames import load_frames
from reviewapp.rubrics.models import Criterion
from tests import factories

pytestmark = pytest.mark.integration


@pytest.fixture
def committee(app):
    return factories.create_ranked_committee()


def _text(response) -> str:
    return _text_html(response.get_data(as_text=True))


def test_frames_without_viewer_hold_every_candidate_and_review(committee):
    frames = load_frames(committee["position"])
    assert sorted(frames.candidates["name"]) == sorted(committee["candidates"])
    assert len(frames.reviews) == 8
    assert frames.reviews["status"].value_counts().to_dict() == {"submitted": 7, "draft": 1}
    assert len(frames.scores) == 16
    assert frames.criteria[["name", "weight", "scale_min", "scale_max"]].values.tolist() == [
        ["Research", 2.0, 1, 5],
        ["Teaching", 1.0, 0, 10],
    ]
    assert len(frames.assignments) == 9
    assert frames.reviewers["reviewer"].tolist() == ["Dana Whitfield", "Olu Mensah"]


def test_frames_rank_matches_hand_computed_means(committee):
    frames = load_frames(committee["position"])
    ranking = rank_candidates(
        frames.candidates, frames.reviews, frames.scores, frames.criteria, bootstrap=0
    )
    rows = zip(ranking["rank"].tolist(), ranking["name"], ranking["score"], strict=True)
    got = [(r, n, None if s != s else round(s, 3)) for r, n, s in rows]
    assert got == [
        (1, "Ann Ito", 83.333),
        (2, committee["formula_name"], 66.667),
        (3, "Bo Berg", 50.0),
        (4, "Cy Chen", 26.667),
        (pd.NA, "Dee Dunn", None),
    ]


def test_frames_for_conflicted_viewer_lack_candidate_and_its_reviews(committee):
    cy = committee["candidates"]["Cy Chen"].id
    frames = load_frames(committee["position"], viewer=committee["chair"])
    assert cy not in frames.candidates["candidate_id"].tolist()
    assert cy not in frames.reviews["candidate_id"].tolist()
    assert cy not in frames.assignments["candidate_id"].tolist()
    assert len(frames.reviews) == 6
    assert len(frames.scores) == 12
    assert frames.reviewers["reviewer"].tolist() == ["Dana Whitfield", "Olu Mensah"]


def test_frames_of_later_stage_hold_only_advanced_and_unmerged(committee):
    position = committee["position"]
    people = committee["candidates"]
    stage = Stage(name="Interview", order=1)
    position.stages.append(stage)
    db.session.flush()
    for name in ("Ann Ito", "Bo Berg"):
        db.session.add(StageCandidate(stage_id=stage.id, candidate_id=people[name].id))
    people["Dee Dunn"].merged_into_id = people["Ann Ito"].id
    db.session.commit()
    later = load_frames(position, stage)
    assert sorted(later.candidates["name"]) == ["Ann Ito", "Bo Berg"]
    assert len(later.reviews) == 0
    first = load_frames(position)
    assert "Dee Dunn" not in first.candidates["name"].tolist()


def test_ranking_page_shows_chair_the_ranking_without_conflicted(committee, client, auth):
    auth.login("chair@uni.example")
    response = client.get("/p/physics-2027/ranking?method=mean")
    text = _text(response)
    assert response.status_code == 200
    assert "Cy Chen" not in response.get_data(as_text=True)
    assert "4 candidate(s), 3 ranked. Page 1 of 1." in text
    assert " 1 Ann Ito 83.3 83.3 83.3 " in text
    assert "Bo Berg 50.0 50.0 50.0" in text
    page = response.get_data(as_text=True)
    assert "=HYPERLINK(&#34;http://evil.example&#34;,&#34;x&#34;)" in page
    data = json.loads(re.search(r'id="ranking-data">(.*?)</script>', page, re.S).group(1))
    assert data["histogram"]["counts"] == [0, 0, 0, 0, 0, 1, 1, 0, 1, 0]
    assert data["leniency"]["labels"] == ["Dana Whitfield", "Olu Mensah"]
    assert 'type="application/json" id="ranking-data"' in page
    assert "style=" not in page


def test_ranking_page_method_selector_changes_score_column(committee, client, auth):
    auth.login("chair@uni.example")
    page = client.get("/p/physics-2027/ranking?method=median").get_data(as_text=True)
    assert "Score is the median of the candidate" in _text_html(page)
    assert '<option value="median" selected>' in page


@pytest.mark.parametrize("path", ["/p/physics-2027/ranking", "/p/physics-2027/ranking?page=2"])
def test_ranking_page_is_404_for_reviewer(committee, client, auth, path):
    auth.login("dana@uni.example")
    response = client.get(path)
    assert response.status_code == 404
    assert "Ann Ito" not in response.get_data(as_text=True)


def test_ranking_page_redirects_anonymous_to_login(committee, client):
    response = client.get("/p/physics-2027/ranking")
    assert response.status_code == 302
    assert "/login" in response.headers["Location"]


def test_what_if_weights_rerank_and_show_movement(committee, client, auth):
    """Research weight 0: Ann 75, formula candidate 100, Bo 50 → formula ↑1, Ann ↓1."""
    auth.login("chair@uni.example")
    response = client.get("/p/physics-2027/ranking?method=mean&weight-0=0&weight-1=1")
    text = _text(response)
    assert "What-if weights: the ranking below is not saved." in text
    assert ' 1 ↑1 =HYPERLINK("http://evil.example","x") 100.0 ' in text
    assert " 2 ↓1 Ann Ito 75.0 " in text
    assert " 3 = Bo Berg 50.0 " in text
    saved = db.session.scalars(db.select(Criterion.weight).order_by(Criterion.order)).all()
    assert saved == [2.0, 1.0]


def test_ranking_page_paginates_fifty_per_page(app, client, auth):
    chair = factories.create_user("chair@uni.example")
    position = factories.create_position("big-2027", chair=chair)
    from reviewapp.candidates.operations import create_candidate

    for i in range(60):
        create_candidate(position, name=f"Person {i:02d}")
    db.session.commit()
    auth.login("chair@uni.example")
    first = client.get("/p/big-2027/ranking").get_data(as_text=True)
    second = client.get("/p/big-2027/ranking?page=2").get_data(as_text=True)
    assert first.count('name="candidate_ids"') == 50
    assert second.count('name="candidate_ids"') == 10
    assert "Page 2 of 2." in _text_html(second)


def _text_html(page: str) -> str:
    return html.unescape(re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", page)))


def test_advance_creates_shortlist_and_ignores_conflicted(committee, client, auth):
    people = committee["candidates"]
    auth.login("chair@uni.example")
    ids = [people["Ann Ito"].id, people["Bo Berg"].id, people["Cy Chen"].id]
    response = auth.post(
        "/p/physics-2027/ranking/advance",
        {"candidate_ids": [str(i) for i in ids]},
        follow_redirects=True,
    )
    assert "2 candidate(s) advanced to Shortlist." in _text(response)
    shortlist = db.session.scalars(db.select(Stage).filter_by(name="Shortlist")).one()
    members = db.session.scalars(
        db.select(StageCandidate.candidate_id).filter_by(stage_id=shortlist.id)
    ).all()
    assert sorted(members) == sorted([people["Ann Ito"].id, people["Bo Berg"].id])
    event = db.session.scalars(db.select(AuditEvent).filter_by(action="stage.advance")).one()
    assert event.actor_id == committee["chair"].id
    page = _text(client.get(f"/p/physics-2027/ranking?stage={shortlist.id}"))
    assert "2 candidate(s), 0 ranked." in page


def test_advance_is_404_for_reviewer_and_writes_nothing(committee, client, auth):
    auth.login("dana@uni.example")
    response = auth.post(
        "/p/physics-2027/ranking/advance",
        {"candidate_ids": [str(committee["candidates"]["Ann Ito"].id)]},
    )
    assert response.status_code == 404
    assert db.session.scalars(db.select(StageCandidate)).all() == []


def test_advance_without_csrf_is_refused(committee, client, auth):
    auth.login("chair@uni.example")
    response = client.post(
        "/p/physics-2027/ranking/advance",
        data={"candidate_ids": [str(committee["candidates"]["Ann Ito"].id)]},
    )
    assert response.status_code == 400
    assert db.session.scalars(db.select(StageCandidate)).all() == []


def test_cached_ranking_refreshes_after_a_new_review(committee, client, auth):
    from reviewapp.assignments.models import Assignment
    from reviewapp.reviews.operations import ReviewInput, save_review

    auth.login("chair@uni.example")
    assert "4 candidate(s), 3 ranked." in _text(client.get("/p/physics-2027/ranking"))
    dee = committee["candidates"]["Dee Dunn"]
    assignment = db.session.scalars(db.select(Assignment).filter_by(candidate_id=dee.id)).one()
    research, teaching = (c.id for c in committee["rubric"].criteria)
    save_review(
        assignment,
        committee["rubric"],
        ReviewInput(scores={research: 5, teaching: 10}, recommendation="yes", confidence=3),
        submit=True,
        expected_version=None,
        actor=assignment.reviewer,
    )
    db.session.commit()
    text = _text(client.get("/p/physics-2027/ranking"))
    assert "4 candidate(s), 4 ranked." in text
    assert " 1 Dee Dunn 100.0 " in text


def test_ranking_page_draws_rank_intervals_as_exact_svg_bars(committee, client, auth):
    auth.login("chair@uni.example")
    page = client.get("/p/physics-2027/ranking?method=mean").get_data(as_text=True)
    cells = re.findall(
        r'<span class="small">(\d+)(?:–(\d+))?</span>\s*<svg class="rank-track"[^>]*>'
        r'<rect class="rank-track-bg" x="0" y="0" width="100" height="8" rx="2"/>'
        r'<rect class="rank-bar" x="([\d.]+)" y="0" width="([\d.]+)" height="8" rx="2"/></svg>',
        page,
    )
    assert len(cells) == 3  # the three ranked candidates; Dee has no interval
    for lo, hi, x, width in cells:
        lo, hi = int(lo), int(hi or lo)
        assert float(x) == round(100 * (lo - 1) / 3, 2)
        assert float(width) == round(100 * (hi - lo + 1) / 3, 2)
    assert "rank-bar-s-" not in page
    assert "style=" not in page
