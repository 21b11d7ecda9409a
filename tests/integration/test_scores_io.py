"""Offline scores: import validates every row first; export writes the same format back."""

import io
from types import SimpleNamespace

import pytest

from reviewapp.cli import main
from reviewapp.extensions import db
from reviewapp.reviews.models import Review
from tests import factories

pytestmark = pytest.mark.integration


@pytest.fixture
def setup(app):
    chair = factories.create_user("chair@example.org")
    a = factories.create_user("a@example.org")
    b = factories.create_user("b@example.org")
    position = factories.create_position("cs-2027", chair=chair, reviewers=(a, b))
    factories.create_rubric(position)
    ada = factories.create_candidate(position, "Ada Lovelace", emails=["ada@example.com"])
    bob = factories.create_candidate(position, "Bob Babbage")
    return SimpleNamespace(position=position, ada=ada, bob=bob)


def run(runner, *args):
    return runner.invoke(main, ["scores", *map(str, args)])


def review_count():
    return db.session.scalar(db.select(db.func.count(Review.id)))


GOOD = (
    "candidate,reviewer,Research,Teaching,Letters,recommendation,confidence,comment\n"
    'Ada Lovelace,a@example.org,5,4,,strong_yes,3,=HYPERLINK("x")\n'
    "ada@example.com,b@example.org,3,3,7,No,2,\n"
)


def test_import_then_export_round_trips(setup, runner, tmp_path):
    src = tmp_path / "in.csv"
    src.write_text(GOOD)
    result = run(runner, "import", "cs-2027", src)
    assert result.output == "Imported 2 review(s).\n"
    reviews = db.session.scalars(db.select(Review).order_by(Review.id)).all()
    assert [(r.status, r.recommendation, r.confidence) for r in reviews] == [
        ("submitted", "strong_yes", 3),
        ("submitted", "no", 2),
    ]
    out = tmp_path / "out.csv"
    run(runner, "export", "cs-2027", out)
    exported = out.read_text()
    assert exported.splitlines() == [
        "candidate,reviewer,Research,Teaching,Letters,recommendation,confidence,comment",
        f'{setup.ada.id},a@example.org,5,4,,strong_yes,3,"\'=HYPERLINK(""x"")"',
        f"{setup.ada.id},b@example.org,3,3,7,no,2,",
    ]
    again = run(runner, "import", "cs-2027", out)  # the export imports back
    assert again.output == "Imported 2 review(s).\n"
    assert review_count() == 2
    out2 = tmp_path / "out2.csv"
    run(runner, "export", "cs-2027", out2)
    # Identical but for the neutralised formula, which now starts with its apostrophe.
    assert out2.read_text().splitlines()[2:] == exported.splitlines()[2:]
    xlsx = tmp_path / "out.xlsx"
    run(runner, "export", "cs-2027", xlsx)
    assert run(runner, "import", "cs-2027", xlsx).output == "Imported 2 review(s).\n"


def test_import_with_any_invalid_row_writes_nothing(setup, runner, tmp_path):
    src = tmp_path / "in.csv"
    src.write_text(
        GOOD
        + "Bob Babbage,a@example.org,9,3,,yes,2,\n"
        + "Bob Babbage,nobody@example.org,1e309,3,,maybe,4,\n"
    )
    result = run(runner, "import", "cs-2027", src)
    assert result.exit_code == 1
    assert "row 4: Research: choose a value from 1 to 5." in result.output
    assert "row 5: 'nobody@example.org' is not an active committee member" in result.output
    assert "row 5: Research: enter a whole number." in result.output
    assert "row 5: unknown recommendation 'maybe'" in result.output
    assert review_count() == 0


def test_import_missing_criterion_column_is_refused(setup, runner, tmp_path):
    src = tmp_path / "in.csv"
    src.write_text("candidate,reviewer,Research\nAda Lovelace,a@example.org,3\n")
    result = run(runner, "import", "cs-2027", src)
    assert "row 1: missing criterion column(s): Teaching, Letters" in result.output
    assert review_count() == 0


def test_browser_upload_imports_scores_and_export_downloads(setup, client, auth):
    auth.login("chair@example.org")
    response = auth.post(
        "/p/cs-2027/scores/import",
        {"file": (io.BytesIO(GOOD.encode()), "scores.csv")},
        content_type="multipart/form-data",
    )
    assert response.status_code == 302
    assert "Imported 2 review(s)." in client.get("/p/cs-2027/assignments/").get_data(as_text=True)
    download = client.get("/p/cs-2027/scores/export.csv")
    assert download.headers["Content-Disposition"] == 'attachment; filename="cs-2027-scores.csv"'
    assert download.get_data(as_text=True).splitlines()[0] == (
        "candidate,reviewer,Research,Teaching,Letters,recommendation,confidence,comment"
    )


def test_browser_upload_with_bad_row_stores_nothing(setup, client, auth):
    auth.login("chair@example.org")
    bad = GOOD + "Nobody,a@example.org,1,1,,,,\n"
    auth.post(
        "/p/cs-2027/scores/import",
        {"file": (io.BytesIO(bad.encode()), "scores.csv")},
        content_type="multipart/form-data",
    )
    page = client.get("/p/cs-2027/assignments/").get_data(as_text=True)
    assert "Nothing imported. row 4: no candidate &#39;Nobody&#39; in this position" in page
    assert review_count() == 0


def test_scores_routes_are_404_for_reviewers(setup, client, auth):
    auth.login("a@example.org")
    assert client.get("/p/cs-2027/scores/export.csv").status_code == 404
    response = auth.post(
        "/p/cs-2027/scores/import",
        {"file": (io.BytesIO(GOOD.encode()), "scores.csv")},
        content_type="multipart/form-data",
    )
    assert response.status_code == 404
    assert review_count() == 0


def test_browser_upload_of_assignments_is_all_or_nothing(setup, client, auth):
    from reviewapp.assignments.models import Assignment
    from reviewapp.auth.models import User

    auth.login("chair@example.org")
    bad = "candidate,reviewer\nAda Lovelace,a@example.org\nNobody,b@example.org\n"
    auth.post(
        "/p/cs-2027/assignments/import",
        {"file": (io.BytesIO(bad.encode()), "assign.csv")},
        content_type="multipart/form-data",
    )
    page = client.get("/p/cs-2027/assignments/").get_data(as_text=True)
    assert "Nothing imported. row 3" in page
    assert db.session.scalar(db.select(db.func.count(Assignment.id))) == 0
    good = "candidate,reviewer\nAda Lovelace,a@example.org\nBob Babbage,b@example.org\n"
    auth.post(
        "/p/cs-2027/assignments/import",
        {"file": (io.BytesIO(good.encode()), "assign.csv")},
        content_type="multipart/form-data",
    )
    page = client.get("/p/cs-2027/assignments/").get_data(as_text=True)
    assert "2 new assignment(s)." in page
    pairs = db.session.execute(
        db.select(Assignment.candidate_id, User.email).join(User, Assignment.reviewer_id == User.id)
    ).all()
    assert sorted(pairs) == sorted(
        [(setup.ada.id, "a@example.org"), (setup.bob.id, "b@example.org")]
    )
