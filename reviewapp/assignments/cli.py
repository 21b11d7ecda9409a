"""`reviewapp assignments ...`: automatic proposals and spreadsheet imports."""

from pathlib import Path

import click
from flask.cli import with_appcontext

from reviewapp.assignments import auto
from reviewapp.assignments.operations import AssignmentError
from reviewapp.cliutil import import_table_or_fail, position_or_fail
from reviewapp.extensions import db
from reviewapp.scores_io import import_assignments


@click.group("assignments")
def assignments_group():
    """Assign reviewers to candidates."""


@assignments_group.command("auto")
@click.argument("slug")
@click.option("--per-candidate", "k", type=click.IntRange(1, 50), required=True)
@click.option("--max-load", type=click.IntRange(1, 100000), default=None)
@click.option("--apply", "do_apply", is_flag=True, help="Store the proposal (default: print only).")
@with_appcontext
def auto_command(slug, k, max_load, do_apply):
    """Propose k reviewers per candidate (balanced loads, best expertise affinity)."""
    position = position_or_fail(slug)
    try:
        proposal = auto.propose(position, k=k, max_load=max_load)
    except AssignmentError as error:
        raise click.ClickException(str(error)) from error
    click.echo("candidate\treviewer\taffinity\tnew")
    for candidate, reviewer, affinity, is_new in proposal.rows():
        click.echo(f"{candidate.name}\t{reviewer.email}\t{affinity:.3f}\t{'yes' if is_new else ''}")
    click.echo("\nreviewer\tload")
    for reviewer, load in proposal.loads():
        click.echo(f"{reviewer.email}\t{load}")
    for candidate, reason in proposal.unassignable():
        click.echo(f"short: {candidate.name}: {reason}")
    click.echo(
        f"\n{len(proposal.proposal.pairs)} pairs, mean affinity "
        f"{proposal.proposal.mean_affinity:.3f}, status {proposal.proposal.status}"
    )
    if do_apply:
        created, removed = auto.apply_proposal(proposal, actor=None)
        db.session.commit()
        click.echo(f"Applied: {created} new assignment(s), {removed} removed.")
    else:
        click.echo("Nothing stored: run again with --apply to store it.")


@assignments_group.command("import")
@click.argument("slug")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@with_appcontext
def import_command(slug, file):
    """Assign from a CSV/XLSX with the columns candidate and reviewer (all rows checked first)."""
    position = position_or_fail(slug)
    created = import_table_or_fail(import_assignments, position, file)
    click.echo(f"{created} new assignment(s).")
