"""The chair's rubric editor in the browser."""

import re

import pytest

from reviewapp.extensions import db
from reviewapp.rubrics.models import Rubric
from reviewapp.rubrics.operations import current_rubric
from tests import factories

pytestmark = pytest.mark.integration


@pytest.fixture
def position(app):
    chair = factories.create_user("chair@example.org")
    rev = factories.create_user("rev@example.org")
    return factories.create_position("cs-2027", chair=chair, reviewers=(rev,))


def rows(**rows_by_index):
    data = {"save": "Save rubric"}
    for i, row in rows_by_index.items():
        for key, value in row.items():
            data[f"criteria-{i[1:]}-{key}"] = value
    return data


def test_template_loads_into_editor_without_saving(position, client, auth):
    auth.login("chair@example.org")
    page = auth.post("/p/cs-2027/rubric/start", {"source": "template:faculty"}).get_data(
        as_text=True
    )
    names = re.findall(r'name="criteria-\d+-name"[^>]*value="([^"]*)"', page)
    assert names == ["Research", "Publications", "Teaching", "Service/Fit", "Letters"]
    assert "5: Exceptional: among the very best I have seen" in page
    assert db.session.scalar(db.select(db.func.count(Rubric.id))) == 0


def test_save_rows_creates_rubric_with_levels(position, client, auth):
    auth.login("chair@example.org")
    data = rows(
        r0={"name": "Research", "weight": "2", "min": "1", "max": "5", "required": "y",
            "levels": "5: exceptional\n1 - poor\nnot a level"},
        r1={"name": "Teaching", "weight": "1", "min": "0", "max": "10"},
        r2={"name": "", "weight": "1", "min": "1", "max": "5"},
    )  # fmt: skip
    response = auth.post("/p/cs-2027/rubric", data)
    assert response.status_code == 302
    rubric = current_rubric(position)
    assert [(c.name, c.weight, c.scale_min, c.scale_max, c.is_required, c.levels)
            for c in rubric.criteria] == [
        ("Research", 2.0, 1, 5, True, {"5": "exceptional", "1": "poor"}),
        ("Teaching", 1.0, 0, 10, False, {}),
    ]  # fmt: skip


def test_move_down_reorders_without_saving(position, client, auth):
    auth.login("chair@example.org")
    data = rows(r0={"name": "A", "weight": "1", "min": "1", "max": "5"},
                r1={"name": "B", "weight": "1", "min": "1", "max": "5"})  # fmt: skip
    data.pop("save")
    data["move"] = "down-0"
    page = auth.post("/p/cs-2027/rubric", data).get_data(as_text=True)
    assert re.findall(r'name="criteria-\d+-name"[^>]*value="([^"]*)"', page) == ["B", "A"]
    assert db.session.scalar(db.select(db.func.count(Rubric.id))) == 0


def test_invalid_scale_is_refused_with_message(position, client, auth):
    auth.login("chair@example.org")
    response = auth.post(
        "/p/cs-2027/rubric", rows(r0={"name": "A", "weight": "1", "min": "5", "max": "1"})
    )
    assert response.status_code == 422
    assert "Criterion &#39;A&#39;: min must be below max." in response.get_data(as_text=True)
    assert db.session.scalar(db.select(db.func.count(Rubric.id))) == 0


def test_rubric_editor_is_404_for_reviewer(position, client, auth):
    auth.login("rev@example.org")
    assert client.get("/p/cs-2027/rubric").status_code == 404
    response = auth.post("/p/cs-2027/rubric", rows(r0={"name": "A"}))
    assert response.status_code == 404
    assert db.session.scalar(db.select(db.func.count(Rubric.id))) == 0


def test_rubric_text_is_escaped(position, client, auth):
    auth.login("chair@example.org")
    auth.post("/p/cs-2027/rubric", rows(r0={"name": "<script>x</script>", "weight": "1",
                                             "min": "1", "max": "5"}))  # fmt: skip
    page = client.get("/p/cs-2027/rubric").get_data(as_text=True)
    assert "<script>x</script>" not in page
    assert "&lt;script&gt;x&lt;/script&gt;" in page
