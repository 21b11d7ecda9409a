"""`reviewapp conflicts ...`: the standalone conflict check."""

import json

import click
from flask.cli import with_appcontext

from reviewapp.cliutil import position_or_fail
from reviewapp.conflicts import operations
from reviewapp.extensions import db


@click.group("conflicts")
def conflicts_group():
    """Detect conflicts of interest between the committee and the candidates."""


@conflicts_group.command("check")
@click.argument("slug")
@click.option("--json", "as_json", is_flag=True, help="Print a JSON list of objects.")
@click.option("--store", is_flag=True, help="Store new findings as pending conflicts.")
@with_appcontext
def check_command(slug, as_json, store):
    """List every detected (member, candidate) pair with its kind and line of evidence."""
    position = position_or_fail(slug)
    findings = operations.detect_position_conflicts(position)
    if as_json:
        click.echo(json.dumps([f.as_dict() for f in findings], ensure_ascii=False, indent=2))
    else:
        for f in findings:
            click.echo(
                f"{f.member.display_name} <{f.member.email}>\t{f.candidate.id}\t"
                f"{f.candidate.name}\t{f.detected.kind}\t{f.detected.evidence}"
            )
        click.echo(f"{len(findings)} detected conflict(s).", err=True)
    if store:
        created = operations.store_detected_conflicts(position, actor=None)
        db.session.commit()
        click.echo(f"Stored {len(created)} new pending conflict(s).", err=True)
