"""The frames `load_frames` hands the ranking take the engine's fast paths, with the same results.

A typical position: every candidate reviewed by the same number of reviewers, reviews created
reviewer by reviewer (so review ids do not follow candidates) and scores saved in shuffled
criterion order.
"""

import numpy as np
import pandas as pd
import pytest

from reviewapp.extensions import db
from reviewapp.ranking import rank_candidates
from reviewapp.ranking.calibration import Groups
from reviewapp.ranking.frames import load_frames
from reviewapp.ranking.totals import RECOMMENDATIONS, STATUSES, positions, score_reviews, submitted
from tests import factories

pytestmark = pytest.mark.integration

CANDIDATES = 7
REVIEWERS = 3


@pytest.fixture
def typical(app):
    from reviewapp.reviews.operations import ReviewInput, save_review

    reviewers = [factories.create_user(f"r{i}@uni.example") for i in range(REVIEWERS)]
    drafter = factories.create_user("drafter@uni.example")
    position = factories.create_position("typical-2027", reviewers=(*reviewers, drafter))
    rubric = factories.create_rubric(
        position,
        [
            {"name": "Research", "min": 1, "max": 5, "weight": 2},
            {"name": "Teaching", "min": 1, "max": 5},
            {"name": "Letters", "min": 0, "max": 10},
        ],
    )
    criteria = [c.id for c in rubric.criteria]
    people = [
        factories.create_candidate(position, name=f"Candidate {i}") for i in range(CANDIDATES)
    ]
    rng = np.random.default_rng(7)
    recommendations = list(RECOMMENDATIONS)
    for reviewer in reviewers:  # review ids grow reviewer by reviewer, not candidate by candidate
        for person in rng.permutation(CANDIDATES).tolist():
            assignment = factories.create_assignment(position, people[person], reviewer)
            values = {"Research": (1, 5), "Teaching": (1, 5), "Letters": (0, 10)}
            scores = {
                cid: int(rng.integers(*bounds, endpoint=True))
                for cid, bounds in zip(criteria, values.values(), strict=True)
            }
            shuffled = dict(sorted(scores.items(), key=lambda _: rng.random()))
            save_review(
                assignment,
                rubric,
                ReviewInput(
                    scores=shuffled,
                    recommendation=recommendations[int(rng.integers(0, 4))],
                    confidence=2,
                ),
                submit=True,
                expected_version=None,
                actor=None,
            )
    # Mid-review: a fourth reviewer's draft, one criterion scored so far.
    save_review(
        factories.create_assignment(position, people[0], drafter),
        rubric,
        ReviewInput(scores={criteria[1]: 3}),
        submit=False,
        expected_version=None,
        actor=None,
    )
    db.session.commit()
    return position


def test_frames_of_typical_position_take_the_dense_paths(typical):
    frames = load_frames(typical)
    reviews = frames.reviews
    assert len(reviews) == CANDIDATES * REVIEWERS + 1  # and the draft
    assert len(frames.scores) == CANDIDATES * REVIEWERS * 3 + 1
    # Reviews candidate by candidate, as the candidates frame lists them.
    codes = positions(frames.candidates["candidate_id"], reviews["candidate_id"])
    assert (np.diff(codes) >= 0).all()
    # Status and recommendation are read through their categorical codes.
    assert list(reviews["status"].cat.categories) == list(STATUSES)
    assert list(reviews["recommendation"].cat.categories) == list(RECOMMENDATIONS)
    counted = submitted(reviews)
    assert len(counted) == CANDIDATES * REVIEWERS
    counted_codes = positions(frames.candidates["candidate_id"], counted["candidate_id"])
    assert Groups(counted_codes, len(frames.candidates)).uniform == REVIEWERS
    scored = score_reviews(counted, frames.scores, frames.criteria)
    assert scored.matrix is not None
    assert scored.matrix.shape == (CANDIDATES * REVIEWERS, 3)


def _general(frames):
    """The same frames made to miss every fast path: object columns, shuffled rows."""
    rng = np.random.default_rng(1)
    reviews = frames.reviews.astype({"status": object, "recommendation": object})
    reviews = reviews.iloc[rng.permutation(len(reviews))].reset_index(drop=True)
    scores = frames.scores.iloc[rng.permutation(len(frames.scores))].reset_index(drop=True)
    return frames.candidates, reviews, scores, frames.criteria


@pytest.mark.parametrize("method", ["mean", "median", "zscore", "adjusted"])
def test_frames_of_typical_position_rank_as_the_general_paths(typical, method):
    frames = load_frames(typical)
    fast = rank_candidates(
        frames.candidates, frames.reviews, frames.scores, frames.criteria, method=method,
        bootstrap=0,
    )  # fmt: skip
    # Bootstrap resamples depend on the order of a candidate's reviews, which shuffling changes.
    general = rank_candidates(*_general(frames), method=method, bootstrap=0)
    assert scored_dense(frames) and not scored_dense_general(frames)
    pd.testing.assert_frame_equal(fast, general, check_exact=False, rtol=1e-12, atol=1e-9)


def scored_dense(frames) -> bool:
    counted = submitted(frames.reviews)
    return score_reviews(counted, frames.scores, frames.criteria).matrix is not None


def scored_dense_general(frames) -> bool:
    _, reviews, scores, criteria = _general(frames)
    return score_reviews(submitted(reviews), scores, criteria).matrix is not None


def test_export_frames_keep_reviews_in_id_order(typical):
    frames = load_frames(typical, with_text=True)
    ids = frames.reviews["review_id"].tolist()
    assert ids == sorted(ids)
    # Scores still follow the reviews, whatever their order.
    counted = submitted(frames.reviews)
    assert score_reviews(counted, frames.scores, frames.criteria).matrix is not None
