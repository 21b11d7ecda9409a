"""`reviewapp rubrics load|dump`: rubrics as YAML or JSON files."""

from pathlib import Path

import click
from flask.cli import with_appcontext

from reviewapp.cliutil import position_or_fail
from reviewapp.extensions import db
from reviewapp.rubrics import files
from reviewapp.rubrics.operations import RubricError, save_rubric


@click.group("rubrics")
def rubrics_group():
    """Load and dump rubrics."""


@rubrics_group.command("load")
@click.argument("slug")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@with_appcontext
def load_command(slug, file):
    """Read a YAML or JSON rubric (criteria: name, weight, min, max, description, levels,
    required) and make it the position's rubric."""
    position = position_or_fail(slug)
    try:
        criteria = files.parse_rubric(file.read_text(encoding="utf-8"), file.name)
        rubric, how = save_rubric(position, criteria, actor=None)
    except RubricError as error:
        raise click.ClickException(str(error)) from error
    db.session.commit()
    click.echo(f"Rubric of {position.slug}: version {rubric.version} ({how}).")


@rubrics_group.command("dump")
@click.argument("slug")
@click.option("--json", "as_json", is_flag=True, help="JSON instead of YAML.")
@with_appcontext
def dump_command(slug, as_json):
    """Write the position's current rubric to standard output."""
    from reviewapp.rubrics.operations import current_rubric

    rubric = current_rubric(position_or_fail(slug))
    if rubric is None:
        raise click.ClickException("The position has no rubric yet.")
    click.echo(files.dump_rubric(rubric, as_json=as_json), nl=False)
