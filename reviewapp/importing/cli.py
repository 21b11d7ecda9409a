"""`reviewapp import SLUG PATH...` and `reviewapp worker`: thin wrappers over the pipeline."""

import functools
import json
import sys
from pathlib import Path

import click
from flask import current_app
from flask.cli import with_appcontext

from reviewapp.cliutil import position_or_fail
from reviewapp.extensions import db
from reviewapp.importing.archive import is_junk
from reviewapp.importing.isolate import warm_up
from reviewapp.importing.operations import (
    ImportFailed,
    commit_every,
    import_files,
    limits_from_config,
)

OUTCOMES = ("new", "attached", "unchanged", "failed")


def collect_files(paths: list[Path]) -> list[tuple[str, bytes]]:
    """(display name, bytes) for each file given, folders walked recursively, junk skipped."""
    files = []
    for path in paths:
        if path.is_dir():
            for member in sorted(p for p in path.rglob("*") if p.is_file()):
                relative = member.relative_to(path).as_posix()
                if not is_junk(relative):
                    files.append((f"{path.name}/{relative}", member.read_bytes()))
        else:
            files.append((path.name, path.read_bytes()))
    return files


def _summary(batch) -> str:
    totals = batch.totals()
    lines = ["", "  ".join(f"{name}: {totals[name]}" for name in OUTCOMES)]
    rows = [item for item in batch.items if item.outcome in ("failed", "attached", "unchanged")]
    if rows:
        width = min(60, max(len(item.display_name) for item in rows))
        lines.append("")
        lines.append(f"{'file':<{width}}  {'outcome':<9}  reason")
        for item in rows:
            lines.append(f"{item.display_name:<{width}}  {item.outcome:<9}  {item.reason}")
    return "\n".join(lines)


def _warm_up_first(command):
    """Start the workers' server before the app is loaded: it imports the readers meanwhile,
    and the first files are read as soon as the batch starts."""

    @functools.wraps(command)
    def wrapper(*args, **kwargs):
        if kwargs.get("workers") != 0:
            warm_up()
        return command(*args, **kwargs)

    return wrapper


@click.command("import")
@click.argument("slug")
@click.argument("paths", nargs=-1, required=True, type=click.Path(exists=True, path_type=Path))
@click.option(
    "--manifest", type=click.Path(exists=True, dir_okay=False, path_type=Path), default=None
)
@click.option("--json", "as_json", is_flag=True, help="Print a machine-readable per-file report.")
@click.option("--workers", type=int, default=None, help="Extraction processes (default: cores).")
@_warm_up_first
@with_appcontext
def import_command(slug, paths, manifest, as_json, workers):
    """Import CV files, folders and zips into the position SLUG."""
    position = position_or_fail(slug)
    bar, commit = None, commit_every()

    def progress(batch, item):
        nonlocal bar
        commit(batch, item)
        if bar is None:
            bar = click.progressbar(
                length=batch.total_files, label="Importing", file=sys.stderr, show_pos=True
            )
            bar.__enter__()
            bar.update(batch.processed - 1)
        bar.update(1)

    files = collect_files(list(paths))
    manifest_file = (manifest.name, manifest.read_bytes()) if manifest else None
    try:
        batch = import_files(
            position,
            files,
            manifest=manifest_file,
            progress=progress,
            limits=limits_from_config(current_app.config),
            workers=workers,
        )
    except ImportFailed as exc:
        db.session.commit()  # the failed batch and its reason stay in the history
        raise click.ClickException(str(exc)) from exc
    finally:
        if bar is not None:
            bar.__exit__(None, None, None)
    db.session.commit()
    if as_json:
        report = {
            "batch": batch.id,
            "status": batch.status,
            "created_at": batch.created_at.isoformat(),
            "finished_at": batch.finished_at.isoformat() if batch.finished_at else None,
            "totals": batch.totals(),
            "files": [item.report() for item in batch.items if item.outcome != "skipped"],
        }
        click.echo(json.dumps(report, indent=2))
    else:
        click.echo(_summary(batch))


@click.command("worker")
@click.option("--workers", type=int, default=1, show_default=True)
@with_appcontext
def worker_command(workers):
    """Run the background-job consumer (browser uploads are imported here)."""
    from reviewapp.importing.jobs import run_consumer

    run_consumer(current_app._get_current_object(), workers=workers)
