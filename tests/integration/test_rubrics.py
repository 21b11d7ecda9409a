"""Rubric files and the versioning rule: edits never change what a stored score meant."""

import json

import pytest

from reviewapp.cli import main
from reviewapp.extensions import db
from reviewapp.reviews import operations as reviews
from reviewapp.rubrics.models import Rubric
from reviewapp.rubrics.operations import current_rubric, save_rubric
from tests import factories

pytestmark = pytest.mark.integration

YAML = """
criteria:
  - name: Research
    weight: 3
    min: 1
    max: 5
    description: Depth and originality
    levels:
      5: "Exceptional: field-defining"
      1: "Poor"
  - name: Teaching
    weight: 1
    min: 0
    max: 10
    required: false
"""


@pytest.fixture
def position(app):
    chair = factories.create_user("chair@example.org")
    rev = factories.create_user("rev@example.org")
    return factories.create_position("cs-2027", chair=chair, reviewers=(rev,))


def load(runner, tmp_path, text, name="rubric.yaml"):
    path = tmp_path / name
    path.write_text(text)
    return runner.invoke(main, ["rubrics", "load", "cs-2027", str(path)])


def submit_review(position, rubric):
    reviewer = db.session.scalar(db.select(factories.User).filter_by(email="rev@example.org"))
    candidate = factories.create_candidate(position, "Ada Lovelace")
    assignment = factories.create_assignment(position, candidate, reviewer)
    data = reviews.ReviewInput(
        scores={c.id: c.scale_max for c in rubric.criteria}, recommendation="yes", confidence=2
    )
    review = reviews.save_review(
        assignment, rubric, data, submit=True, expected_version=0, actor=reviewer
    )
    db.session.commit()
    return review


def test_load_yaml_then_dump_round_trips(position, runner, tmp_path):
    result = load(runner, tmp_path, YAML)
    assert result.exit_code == 0, result.output
    assert result.output == "Rubric of cs-2027: version 1 (created).\n"
    rubric = current_rubric(position)
    assert [
        (c.name, c.weight, c.scale_min, c.scale_max, c.is_required) for c in rubric.criteria
    ] == [
        ("Research", 3.0, 1, 5, True),
        ("Teaching", 1.0, 0, 10, False),
    ]
    assert rubric.criteria[0].levels == {"5": "Exceptional: field-defining", "1": "Poor"}
    dumped = runner.invoke(main, ["rubrics", "dump", "cs-2027", "--json"])
    data = json.loads(dumped.output)
    assert data["criteria"][0] == {
        "name": "Research",
        "description": "Depth and originality",
        "weight": 3,
        "min": 1,
        "max": 5,
        "required": True,
        "levels": {"5": "Exceptional: field-defining", "1": "Poor"},
    }
    again = load(runner, tmp_path, dumped.output, "rubric.json")
    assert again.output == "Rubric of cs-2027: version 1 (unchanged).\n"


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("criteria: []", "A rubric needs at least one criterion."),
        ("criteria:\n  - name: A\n    min: 5\n    max: 1", "Criterion 'A': min must be below max."),
        ("criteria:\n  - name: A\n    weight: -1", "the weight must be a positive number"),
        ("criteria: [unclosed", "could not be read"),
        ("- name: A\n  levels: [1, 2]", "levels must map a value to a text"),
    ],
)
def test_load_invalid_file_is_refused_and_stores_nothing(position, runner, tmp_path, text, message):
    result = load(runner, tmp_path, text)
    assert result.exit_code == 1
    assert message in result.output
    assert db.session.scalar(db.select(db.func.count(Rubric.id))) == 0


def test_relabel_after_reviews_keeps_version_and_scores(position, runner, tmp_path):
    load(runner, tmp_path, YAML)
    review = submit_review(position, current_rubric(position))
    result = load(runner, tmp_path, YAML.replace("Research", "Research quality"))
    assert result.output == "Rubric of cs-2027: version 1 (updated).\n"
    db.session.expire_all()
    rubric = current_rubric(position)
    assert [c.name for c in rubric.criteria] == ["Research quality", "Teaching"]
    assert sorted(s.value for s in db.session.get(type(review), review.id).scores) == [5, 10]


def test_scale_change_after_reviews_creates_new_version(position, runner, tmp_path):
    load(runner, tmp_path, YAML)
    review = submit_review(position, current_rubric(position))
    result = load(runner, tmp_path, YAML.replace("max: 10", "max: 7"))
    assert result.output == "Rubric of cs-2027: version 2 (new version).\n"
    db.session.expire_all()
    old = db.session.get(type(review), review.id)
    assert old.rubric.version == 1
    assert sorted(s.value for s in old.scores) == [5, 10]  # still on the 0–10 scale


def test_scale_change_without_reviews_edits_in_place(position):
    save_rubric(position, [{"name": "A"}, {"name": "B"}], actor=None)
    rubric, how = save_rubric(position, [{"name": "A", "max": 10}], actor=None)
    db.session.commit()
    assert (how, rubric.version, [(c.name, c.scale_max) for c in rubric.criteria]) == (
        "updated",
        1,
        [("A", 10)],
    )
