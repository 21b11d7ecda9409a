"""Helpers shared by the `reviewapp` command groups."""

import click

from reviewapp.positions.models import Position
from reviewapp.positions.operations import get_position


def position_or_fail(slug: str) -> Position:
    """The position with this slug, or a clean CLI error (exit 1) naming it."""
    position = get_position(slug)
    if position is None:
        raise click.ClickException(f"No position with the slug {slug!r}.")
    return position


def import_table_or_fail(importer, position: Position, path) -> int:
    """Run an all-or-nothing CSV/XLSX import; commit on success, else roll back and exit 1."""
    from reviewapp.extensions import db
    from reviewapp.scores_io import TableError

    try:
        count = importer(position, path.read_bytes(), actor=None)
    except TableError as error:
        db.session.rollback()
        raise click.ClickException(f"Nothing imported.\n{error}") from error
    db.session.commit()
    return count
