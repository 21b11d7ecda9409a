"""How the import writes: every document lands on its own person's candidate when rows are
inserted in bulk, and a chunk does not reload its items one query at a time after a commit."""

import pytest

from reviewapp.candidates.models import Candidate, Document
from reviewapp.extensions import db
from reviewapp.importing import operations as importing
from reviewapp.importing.models import ImportItem
from tests import factories
from tests.integration.test_query_counts import counting_queries

pytestmark = pytest.mark.integration

GIVEN = ["Astrid", "Bruno", "Camille", "Dmitri", "Esra", "Farid", "Greta", "Hiro"]
FAMILY = ["Aalto", "Brandt", "Costa", "Dvorak", "Eriksen", "Fontaine"]


def _files(count: int) -> list[tuple[str, bytes]]:
    files = []
    for n in range(count):
        name = f"{GIVEN[n % len(GIVEN)]} {FAMILY[n // len(GIVEN)]}"
        email = f"cv{n}@example.org"
        body = f"{name}\n{email}\n\nEducation\nPhD in Biology, University of Turku, 2019\n"
        files.append((f"cv{n:02d}.txt", body.encode()))
    return files


def test_bulk_inserted_rows_get_their_own_ids(app):
    """Ids are assigned in bulk (on SQLite from the largest id): with gaps left by a deleted
    candidate and candidates of another position, every document still belongs to the person
    named in it, across several chunks."""
    other = factories.create_position("other-writes")
    for n in range(3):
        factories.create_candidate(other, f"Earlier Person {n}")
    position = factories.create_position("writes")
    gone = factories.create_candidate(position, "Deleted Person")
    db.session.delete(gone)
    db.session.commit()

    files = _files(30)
    batch = importing.create_batch(position, files)
    importing.run_batch(batch, workers=0, chunk_size=7, progress=importing.commit_every(0))
    db.session.commit()

    assert batch.totals()["new"] == 30
    documents = db.session.scalars(db.select(Document).filter_by(position_id=position.id)).all()
    assert len(documents) == 30
    by_file = dict(files)
    for document in documents:
        candidate = db.session.get(Candidate, document.candidate_id)
        first_line, email = by_file[document.original_name].decode().splitlines()[:2]
        assert candidate.position_id == position.id
        assert candidate.name == first_line
        assert candidate.emails == [email]
    items = db.session.scalars(db.select(ImportItem).filter_by(batch_id=batch.id)).all()
    assert {(i.candidate_id, i.document_id) for i in items} == {
        (d.candidate_id, d.id) for d in documents
    }


def test_chunks_do_not_reload_items_one_by_one(app):
    """A commit expires the batch's items; writing a chunk loads them back in one query, not
    one per file (which cost ~2 ms a file)."""
    position = factories.create_position("writes-queries")
    batch = importing.create_batch(position, _files(24))
    with counting_queries() as statements:
        importing.run_batch(batch, workers=0, chunk_size=6, progress=importing.commit_every(0))
    db.session.commit()
    assert batch.totals()["new"] == 24
    item_selects = [
        s for s in statements if s.lstrip().startswith("SELECT") and "FROM import_items" in s
    ]
    # the pending list, the contents (a query per 32 files), one reload per chunk
    assert len(item_selects) <= 2 + 24 // 6 + 2
