"""Merging duplicates moves assignments (with reviews) and conflicts; undo restores them all."""

import pytest

from reviewapp.assignments.models import Assignment
from reviewapp.candidates.models import Candidate
from reviewapp.conflicts import operations as conflicts
from reviewapp.conflicts.models import Conflict
from reviewapp.extensions import db
from reviewapp.importing import merges
from reviewapp.importing import operations as importing
from reviewapp.importing.models import DuplicatePair
from reviewapp.reviews import operations as reviews
from reviewapp.reviews.models import Review
from tests import factories

pytestmark = pytest.mark.integration

ANN = b"Ann Lee\nann.lee@example.org\n\nEducation\nPhD in Biology, University of Oslo, 2019\n"
ANN_OLD = b"Ann Lee\n\nEducation\nBSc in Chemistry, University of Bergen, 2012\n"


@pytest.fixture
def two_anns(app):
    chair = factories.create_user("chair@example.org")
    people = [factories.create_user(f"r{n}@example.org") for n in range(1, 5)]
    position = factories.create_position("lab", chair=chair, reviewers=tuple(people))
    rubric = factories.create_rubric(position)
    importing.import_files(position, [("ann.txt", ANN), ("ann-old.txt", ANN_OLD)], workers=0)
    db.session.commit()
    keep = db.session.scalar(db.select(Candidate).filter_by(name="Ann Lee").order_by(Candidate.id))
    pair = db.session.scalar(db.select(DuplicatePair))
    assert pair is not None
    return chair, people, position, rubric, keep, pair.other(keep.id), pair


def _review(assignment, rubric, *, submit: bool) -> Review:
    scores = {c.id: 4 for c in rubric.criteria} if submit else {}
    data = reviews.ReviewInput(scores=scores, recommendation="yes", confidence=2)
    review = reviews.save_review(
        assignment, rubric, data, submit=submit, expected_version=None, actor=None
    )
    db.session.commit()
    return review


def _by_reviewer(candidate) -> dict[int, tuple[int, str | None]]:
    """reviewer id -> (assignment id, review status or None)."""
    rows = db.session.scalars(db.select(Assignment).filter_by(candidate_id=candidate.id))
    return {a.reviewer_id: (a.id, a.review.status if a.review else None) for a in rows}


def test_merge_moves_assignments_reviews_conflicts_and_undo_restores(two_anns):
    chair, (r1, r2, r3, r4), position, rubric, keep, other, pair = two_anns
    k1 = factories.create_assignment(position, keep, r1)  # no review: gives way to o1
    o1 = factories.create_assignment(position, other, r1)
    _review(o1, rubric, submit=True)
    k2 = factories.create_assignment(position, keep, r2)  # draft: beats o2 without review
    _review(k2, rubric, submit=False)
    o2 = factories.create_assignment(position, other, r2)
    o3 = factories.create_assignment(position, other, r3)  # no clash: moves
    _review(o3, rubric, submit=False)
    conflict = conflicts.add_conflict(position, r4, other, source="chair", actor=chair)
    db.session.commit()
    ids = {name: a.id for name, a in {"k1": k1, "o1": o1, "k2": k2, "o2": o2, "o3": o3}.items()}
    before_keep, before_other = _by_reviewer(keep), _by_reviewer(other)

    merges.merge_candidates(pair, keep=keep, actor=chair)
    db.session.commit()
    db.session.expire_all()
    assert _by_reviewer(keep) == {
        r1.id: (ids["o1"], "submitted"),
        r2.id: (ids["k2"], "draft"),
        r3.id: (ids["o3"], "draft"),
    }
    assert _by_reviewer(other) == {r2.id: (ids["o2"], None)}  # waits on the absorbed one
    assert db.session.get(Assignment, ids["k1"]) is None  # recorded in the merge, not lost
    assert db.session.get(Conflict, conflict.id).candidate_id == keep.id
    assert pair.evidence["merge"]["related"]["removed"][0]["assignments"][0]["id"] == ids["k1"]

    merges.unmerge_candidate(pair, actor=chair)
    db.session.commit()
    db.session.expire_all()
    assert _by_reviewer(keep) == before_keep
    assert _by_reviewer(other) == before_other
    assert db.session.get(Conflict, conflict.id).candidate_id == other.id
    assert other.merged_into_id is None


def test_merge_conflict_clash_blocking_one_wins_and_undo_restores(two_anns):
    chair, (r1, *_), position, rubric, keep, other, pair = two_anns
    kept = conflicts.add_conflict(position, r1, keep, source="chair", actor=chair)
    kept.status = "dismissed"  # the chair's dismissal concerned the kept candidate only
    absorbed = conflicts.add_conflict(position, r1, other, source="declared", actor=r1)
    db.session.commit()
    kept_id, absorbed_id = kept.id, absorbed.id

    merges.merge_candidates(pair, keep=keep, actor=chair)
    db.session.commit()
    db.session.expire_all()
    on_keep = db.session.scalars(db.select(Conflict).filter_by(candidate_id=keep.id)).all()
    assert [(c.id, c.status) for c in on_keep] == [(absorbed_id, "confirmed")]

    merges.unmerge_candidate(pair, actor=chair)
    db.session.commit()
    db.session.expire_all()
    assert db.session.get(Conflict, kept_id).candidate_id == keep.id
    assert db.session.get(Conflict, kept_id).status == "dismissed"
    assert db.session.get(Conflict, absorbed_id).candidate_id == other.id
