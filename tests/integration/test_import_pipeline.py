"""The import pipeline end to end on the database: seeds, idempotency, duplicates, merges."""

import json

import pytest

from reviewapp.candidates.models import Candidate, Document
from reviewapp.extensions import db
from reviewapp.importing import operations as importing
from reviewapp.textutil import fold
from tests import factories

pytestmark = pytest.mark.integration


def _seed_files(seeds_dir):
    return [(p.name, p.read_bytes()) for p in sorted(seeds_dir.glob("*.txt"))]


def _live(position):
    return list(
        db.session.scalars(
            db.select(Candidate)
            .filter_by(position_id=position.id, merged_into_id=None)
            .order_by(Candidate.id)
        )
    )


def _institution(text):
    folded = fold(text or "").replace(",", " ")
    return " ".join(word for word in folded.split() if word != "at")


def _check_education(got: list[dict], expected: list[dict]) -> None:
    assert len(got) >= len(expected)
    for want in expected:
        match = [
            e
            for e in got
            if e.get("degree") == want["degree"]
            and _institution(e.get("institution")) == _institution(want["institution"])
        ]
        assert match, f"no {want['degree']} at {want['institution']} in {got}"
        for key in ("start", "end", "expected", "current"):
            if key in want:
                assert match[0].get(key) == want[key], (key, match[0])


def test_import_seeds_every_expected_field(app, seeds_dir):
    position = factories.create_position()
    batch = importing.import_files(position, _seed_files(seeds_dir), workers=0)
    db.session.commit()
    expected = json.loads((seeds_dir / "expected.json").read_text(encoding="utf-8"))
    live = _live(position)
    assert len(live) == 4
    assert batch.totals() == {"new": 4, "attached": 1, "unchanged": 0, "failed": 0, "skipped": 0}
    for want in expected["candidates"]:
        documents = db.session.scalars(
            db.select(Document).where(
                Document.position_id == position.id, Document.original_name.in_(want["files"])
            )
        ).all()
        assert {d.original_name for d in documents} == set(want["files"])
        owners = {d.candidate_id for d in documents}
        assert len(owners) == 1, f"{want['files']} landed on {owners}"
        candidate = db.session.get(Candidate, owners.pop())
        assert candidate.name == want["name"]
        if "name_as_written" in want:
            assert candidate.name_as_written == want["name_as_written"]
        assert candidate.emails == want["emails"]
        if "phone" in want:
            assert candidate.profile["phone_as_written"] == want["phone"]
        _check_education(candidate.profile["education"], want["education"])
        publications = candidate.profile["publications"]
        if "publications" in want:
            assert publications["count"] == want["publications"]
        if "publications_after_merge_min" in want:
            assert publications["count"] >= want["publications_after_merge_min"]
            assert publications["count"] == len(publications["items"])


def test_import_same_bytes_twice_unchanged(app, seeds_dir):
    position = factories.create_position()
    importing.import_files(position, _seed_files(seeds_dir)[:2], workers=0)
    again = importing.import_files(position, _seed_files(seeds_dir)[:2], workers=0)
    db.session.commit()
    assert again.totals() == {"new": 0, "attached": 0, "unchanged": 2, "failed": 0, "skipped": 0}
    assert len(_live(position)) == 2
