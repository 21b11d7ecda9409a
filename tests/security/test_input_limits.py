"""Input the database cannot hold gets a clear error, never a 500 (found by the form fuzzer).

- A number beyond a PostgreSQL integer crashed WTForms' NumberRange (OverflowError) and would
  fail the INSERT ("integer out of range"): reviewapp/formfields.py refuses it in the form.
- "inf" / "nan" as a rubric weight: refused the same way.
- A NUL character (U+0000) in a query string, form or JSON body: PostgreSQL text cannot hold
  it (DataError); reviewapp/inputguard.py answers 400 on every database before any view runs.
"""

import re
from types import SimpleNamespace

import pytest

from reviewapp.extensions import db
from reviewapp.formfields import NOT_FINITE, TOO_LARGE
from reviewapp.inputguard import MESSAGE
from reviewapp.positions.models import Position
from reviewapp.reviews.models import Review
from reviewapp.rubrics.models import Criterion
from tests import factories

pytestmark = pytest.mark.integration


@pytest.fixture
def lab(app):
    chair = factories.create_user("chair@example.org")
    rev = factories.create_user("rev@example.org")
    position = factories.create_position("lab", chair=chair, reviewers=(rev,))
    rubric = factories.create_rubric(position)
    ada = factories.create_candidate(position, "Ada Lovelace")
    mine = factories.create_assignment(position, ada, rev)
    return SimpleNamespace(
        position_id=position.id, url=f"/p/lab/reviews/{mine.id}", research=rubric.criteria[0].id
    )


def settings_form(**values):
    form = {
        "title": "Lab",
        "description": "",
        "status": "open",
        "reviews_per_candidate": "2",
        "shortlist_size": "10",
        "visibility": "after_own",
    }
    return form | values


@pytest.mark.parametrize("number", ["9" * 400, str(2**31), "-" + "9" * 30])
def test_settings_huge_integer_is_a_form_error_and_nothing_changes(lab, client, auth, number):
    auth.login("chair@example.org")
    response = auth.post("/p/lab/settings", settings_form(reviews_per_candidate=number))
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert TOO_LARGE in page
    db.session.expire_all()
    assert db.session.get(Position, lab.position_id).reviews_per_candidate != int(number)


def test_auto_assign_huge_integer_is_a_form_error(lab, client, auth):
    auth.login("chair@example.org")
    response = auth.post("/p/lab/assignments/auto", {"per_candidate": "1" + "0" * 40})
    assert response.status_code == 200
    assert TOO_LARGE in response.get_data(as_text=True)


@pytest.mark.parametrize("weight", ["inf", "nan", "-inf", "1e309"])
def test_rubric_non_finite_weight_is_refused(lab, client, auth, weight):
    auth.login("chair@example.org")
    page = client.get("/p/lab/rubric").get_data(as_text=True)
    names = dict(re.findall(r'name="(criteria-\d+-[a-z]+)"[^>]*?value="([^"]*)"', page))
    assert "criteria-0-weight" in names, "the rubric editor changed its field names"
    form = names | {"criteria-0-weight": weight, "save": "Save rubric"}
    response = auth.post("/p/lab/rubric", form)
    assert response.status_code in (200, 400)
    assert NOT_FINITE in response.get_data(as_text=True)
    db.session.expire_all()
    weights = db.session.scalars(db.select(Criterion.weight)).all()
    assert all(w == w and abs(w) != float("inf") for w in weights)


def test_nul_in_search_query_is_a_clear_400(lab, client, auth):
    auth.login("chair@example.org")
    response = client.get("/p/lab/candidates/?q=Ada%00Lovelace")
    assert response.status_code == 400
    assert MESSAGE in response.get_data(as_text=True)
    assert client.get("/p/lab/candidates/?q=Ada").status_code == 200


def test_nul_in_form_and_json_is_refused_and_nothing_saved(lab, client, auth):
    auth.login("rev@example.org")
    form = {f"criterion_{lab.research}": "4", "comment": "a\x00b", "version": "0"}
    response = auth.post(lab.url, form | {"save_draft": "Save draft"})
    assert response.status_code == 400
    assert MESSAGE in response.get_data(as_text=True)
    headers = {"X-CSRFToken": auth.csrf_token(lab.url)}
    response = client.post(lab.url + "/autosave", json=form, headers=headers)
    assert (response.status_code, response.get_json()) == (400, {"error": MESSAGE})
    assert db.session.scalar(db.select(db.func.count(Review.id))) == 0
