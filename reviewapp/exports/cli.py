"""`reviewapp export SLUG --out FILE ...`: the decision pack from the command line (full data);
`reviewapp exports expire`: delete the files of old export jobs."""

from pathlib import Path

import click
from flask import current_app
from flask.cli import with_appcontext

from reviewapp.cliutil import position_or_fail
from reviewapp.exports import jobs, operations
from reviewapp.extensions import db
from reviewapp.ranking import METHODS


@click.command("export")
@click.argument("slug")
@click.option("--out", "out", required=True, type=click.Path(dir_okay=False, path_type=Path))
@click.option("--format", "fmt", type=click.Choice(["xlsx", "csv"]), default=None,
              help="Default: from the --out suffix, else xlsx.")  # fmt: skip
@click.option("--method", type=click.Choice(METHODS), default="mean", show_default=True)
@click.option("--stage", default=None, help="Stage name (default: the first stage).")
@click.option("--anonymize", is_flag=True, help="Reviewers become 'Reviewer 1…n'; no e-mails.")
@click.option("--include-private-notes", is_flag=True, help="Add the reviewers' private notes.")
@with_appcontext
def export_command(slug, out, fmt, method, stage, anonymize, include_private_notes):
    """Write the decision pack (.xlsx) or the ranking (.csv) of a position."""
    position = position_or_fail(slug)
    fmt = fmt or ("csv" if out.suffix.lower() == ".csv" else "xlsx")
    try:
        chosen = operations.find_stage(position, stage)
        result = operations.export_file(
            position,
            chosen,
            fmt=fmt,
            method=method,
            anonymize=anonymize,
            include_private_notes=include_private_notes,
        )
    except operations.ExportError as error:
        raise click.ClickException(str(error)) from error
    out.write_bytes(result.data)
    db.session.commit()
    size = len(result.data)
    click.echo(f"Wrote {out} ({fmt}, stage {chosen.name}, method {method}, {size:,} bytes).")


@click.group("exports")
def exports_group():
    """Manage the export jobs of the ranking pages."""


@exports_group.command("expire")
@click.option("--days", type=click.FloatRange(min=0, min_open=True), default=None,
              help="Keep files of the last N days (default: EXPORT_KEEP_DAYS).")  # fmt: skip
@with_appcontext
def expire_command(days):
    """Delete the files of export jobs older than the retention period (the jobs stay, marked
    expired). The worker does the same when it starts and after every export."""
    app = current_app._get_current_object()
    keep = jobs.keep_days(app) if days is None else days
    if keep <= 0:
        raise click.ClickException("EXPORT_KEEP_DAYS is 0 (keep forever); pass --days N.")
    count = jobs.expire_old_exports(app, keep)
    click.echo(f"Deleted the files of {count} export(s) older than {keep:g} days.")
