"""Chair candidate pages: list/search/filter, profile, edits, duplicates, document serving."""

import pytest

from reviewapp.assignments import operations as assignments
from reviewapp.candidates.models import Candidate
from reviewapp.conflicts.models import Conflict
from reviewapp.extensions import db
from reviewapp.importing import operations as importing
from reviewapp.importing.models import DuplicatePair
from tests import factories

pytestmark = pytest.mark.integration

ANN = b"Ann Lee\nann.lee@example.org\n\nEducation\nPhD in Biology, University of Oslo, 2019\n"
BOB = b"Bob Stone\nbob@example.org\n\nEducation\nMSc in Physics, University of Ghent, 2018\n"


def _setup():
    chair = factories.create_user("chair@example.org")
    reviewer = factories.create_user("rev@example.org")
    position = factories.create_position("lab", chair=chair, reviewers=(reviewer,))
    importing.import_files(position, [("ann.txt", ANN), ("bob.md", BOB)], workers=0)
    db.session.commit()
    ann = db.session.scalar(db.select(Candidate).filter_by(name="Ann Lee"))
    return chair, reviewer, position, ann


def test_candidates_list_search_matches_cv_text(app, client, auth):
    _setup()
    auth.login("chair@example.org")
    page = client.get("/p/lab/candidates/?q=Ghent").get_data(as_text=True)
    assert "Bob Stone" in page
    assert "Ann Lee" not in page
    assert "1 candidate(s)" in page


def test_candidates_list_reviewer_gets_404(app, client, auth):
    _setup()
    auth.login("rev@example.org")
    response = client.get("/p/lab/candidates/")
    assert response.status_code == 404
    assert "Ann Lee" not in response.get_data(as_text=True)


def test_candidate_page_shows_profile_with_evidence(app, client, auth):
    *_, ann = _setup()
    auth.login("chair@example.org")
    page = client.get(f"/p/lab/candidates/{ann.id}").get_data(as_text=True)
    assert "ann.lee@example.org" in page
    assert "from ann.txt, line 1: “Ann Lee”" in page
    assert "University of Oslo" in page


def test_candidate_page_conflicted_chair_gets_404(app, client, auth):
    chair, _, position, ann = _setup()
    db.session.add(
        Conflict(
            position_id=position.id, reviewer_id=chair.id, candidate_id=ann.id, source="declared"
        )
    )
    db.session.commit()
    auth.login("chair@example.org")
    assert client.get(f"/p/lab/candidates/{ann.id}").status_code == 404
    listing = client.get("/p/lab/candidates/").get_data(as_text=True)
    assert "Ann Lee" not in listing
    assert "Bob Stone" in listing


def test_candidate_edit_wins_over_reimport(app, client, auth):
    *_, position, ann = _setup()
    auth.login("chair@example.org")
    response = auth.post(
        f"/p/lab/candidates/{ann.id}/edit",
        {"name": "Ann B. Lee", "emails": "ann.lee@example.org\nANN@uni.example", "phone": ""},
    )
    assert response.status_code == 302
    cv2 = ANN + b"\nPublications\n1. A long enough paper title about plants. Nature, 2020.\n"
    importing.import_files(position, [("ann2.txt", cv2)], workers=0)
    db.session.commit()
    db.session.refresh(ann)
    assert ann.name == "Ann B. Lee"
    assert ann.emails == ["ann.lee@example.org", "ann@uni.example"]
    assert len(ann.documents) == 2


def test_document_file_pdf_inline_headers(app, client, auth):
    *_, ann = _setup()
    document = ann.documents[0]
    document.media_type = "application/pdf"
    db.session.commit()
    auth.login("chair@example.org")
    response = client.get(f"/p/lab/candidates/{ann.id}/documents/{document.id}/file")
    assert response.status_code == 200
    assert (
        response.headers["Content-Security-Policy"] == "default-src 'none'; frame-ancestors 'self'"
    )
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Cache-Control"] == "private"
    assert response.headers["Content-Disposition"].startswith("inline")
    assert response.data == ANN


def test_document_file_text_is_attachment(app, client, auth):
    *_, ann = _setup()
    auth.login("chair@example.org")
    document = ann.documents[0]
    response = client.get(f"/p/lab/candidates/{ann.id}/documents/{document.id}/file")
    assert response.headers["Content-Disposition"] == "attachment; filename=ann.txt"
    assert response.data == ANN


def test_document_file_reviewer_needs_assignment(app, client, auth):
    _, reviewer, position, ann = _setup()
    url = f"/p/lab/candidates/{ann.id}/documents/{ann.documents[0].id}/file"
    auth.login("rev@example.org")
    assert client.get(url).status_code == 404
    assignments.assign(ann, reviewer, position.default_stage, actor=None)
    db.session.commit()
    response = client.get(url)
    assert response.status_code == 200
    assert response.data == ANN


def test_duplicate_merge_and_undo(app, client, auth):
    chair, _, position, ann = _setup()
    other = b"Ann Lee\n\nEducation\nBSc in Chemistry, University of Bergen, 2012\n"
    importing.import_files(position, [("ann-old.txt", other)], workers=0)
    db.session.commit()
    pair = db.session.scalar(db.select(DuplicatePair))
    assert pair is not None and pair.status == "open"
    auth.login("chair@example.org")
    page = client.get(f"/p/lab/candidates/{ann.id}").get_data(as_text=True)
    assert "Keep apart" in page
    auth.post(f"/p/lab/candidates/{ann.id}/duplicates/{pair.id}/merge")
    db.session.expire_all()
    absorbed = pair.other(ann.id)
    assert absorbed.merged_into_id == ann.id
    assert {d.original_name for d in ann.documents} == {"ann.txt", "ann-old.txt"}
    auth.post(f"/p/lab/candidates/{ann.id}/duplicates/{pair.id}/unmerge")
    db.session.expire_all()
    assert absorbed.merged_into_id is None
    assert [d.original_name for d in ann.documents] == ["ann.txt"]
    assert [d.original_name for d in absorbed.documents] == ["ann-old.txt"]


def test_duplicate_merge_without_csrf_400_nothing_changed(app, client, auth):
    *_, position, ann = _setup()
    importing.import_files(
        position, [("ann-old.txt", b"Ann Lee\n\nBSc, University X\n")], workers=0
    )
    db.session.commit()
    pair = db.session.scalar(db.select(DuplicatePair))
    auth.login("chair@example.org")
    response = client.post(f"/p/lab/candidates/{ann.id}/duplicates/{pair.id}/merge")
    assert response.status_code == 400
    db.session.expire_all()
    assert pair.status == "open"
    assert pair.other(ann.id).merged_into_id is None
