"""`reviewapp scores import|export`: offline scores as CSV or XLSX."""

from pathlib import Path

import click
from flask.cli import with_appcontext

from reviewapp.cliutil import import_table_or_fail, position_or_fail
from reviewapp.scores_io import export_scores, import_scores


@click.group("scores")
def scores_group():
    """Import and export scores given outside reviewapp."""


@scores_group.command("import")
@click.argument("slug")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@with_appcontext
def import_command(slug, file):
    """Store every row as a submitted review (columns: candidate, reviewer, one per criterion,
    optional recommendation, confidence, comment). Nothing is stored if any row is invalid."""
    position = position_or_fail(slug)
    count = import_table_or_fail(import_scores, position, file)
    click.echo(f"Imported {count} review(s).")


@scores_group.command("export")
@click.argument("slug")
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
@with_appcontext
def export_command(slug, file):
    """Write the submitted reviews in the import format (.xlsx or .csv, by the file name)."""
    position = position_or_fail(slug)
    data = export_scores(position, xlsx=file.suffix.lower() == ".xlsx")
    file.write_bytes(data)
    click.echo(f"Wrote {file}.")
