"""`reviewapp backup OUT` and `reviewapp restore IN [--force]` (see reviewapp/backup.py)."""

from pathlib import Path

import click
from flask.cli import with_appcontext

from reviewapp import backup
from reviewapp.extensions import db


@click.command("backup")
@click.argument("out", type=click.Path(dir_okay=False, writable=True, path_type=Path))
@with_appcontext
def backup_command(out: Path):
    """Write a consistent snapshot of the database (documents included) to OUT (a zip)."""
    try:
        summary = backup.create_backup(db.engine, db.metadata, out)
    except backup.BackupError as error:
        raise click.ClickException(str(error)) from error
    click.echo(
        f"Backed up {summary.total_rows} rows in {len(summary.tables)} tables "
        f"(schema revision {summary.schema_revision or 'none'}) to {summary.path}."
    )


@click.command("restore")
@click.argument("source", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--force", is_flag=True, help="Replace everything in a database that is not empty.")
@with_appcontext
def restore_command(source: Path, force: bool):
    """Load a backup made by 'reviewapp backup' into this database, all or nothing."""
    db.session.remove()  # no session of ours holds a transaction open during the restore
    try:
        summary = backup.restore_backup(db.engine, db.metadata, source, force=force)
    except backup.BackupError as error:
        raise click.ClickException(f"Nothing restored. {error}") from error
    click.echo(f"Restored {summary.total_rows} rows in {len(summary.tables)} tables from {source}.")
