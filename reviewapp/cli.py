"""The `reviewapp` command: thin click wrappers over the operations."""

import atexit
import gc
import os
import sys

import click
from flask import current_app
from flask.cli import FlaskGroup, with_appcontext

from reviewapp import create_app
from reviewapp.auth import operations as accounts
from reviewapp.cliutil import position_or_fail
from reviewapp.extensions import db
from reviewapp.positions import operations as positions


def _create_app(*args, **kwargs):
    return create_app()


@click.group(
    cls=FlaskGroup,
    create_app=_create_app,
    add_default_commands=True,
    add_version_option=False,
    set_debug_flag=False,
)
def main():
    """reviewapp: candidate review for hiring committees.

    Every command that touches the database uses REVIEWAPP_DATABASE_URL when it is set
    (default: a SQLite file in the instance folder).
    """
    # A command is a short-lived process: freezing the heap at exit spares the interpreter
    # its final garbage collections over every object pandas, SciPy and SQLAlchemy created
    # (0.4 s of each command's exit). Data is committed by then; files are closed by the OS.
    atexit.unregister(gc.freeze)
    atexit.register(gc.freeze)


def _fail(message: str) -> None:
    raise click.ClickException(message)


# ---------------------------------------------------------------- users
@main.group()
def users():
    """Create and manage accounts."""


@users.command("create")
@click.option("--email", required=True)
@click.option("--name", "display_name", required=True, help="Display name.")
@click.option("--admin", "is_admin", is_flag=True, help="Make the user an administrator.")
@click.option("--password-stdin", is_flag=True, help="Read the password from standard input.")
@click.option("--institution", default="")
@click.option("--expertise", default="", help="Research areas, used for assignment.")
@with_appcontext
def create_user_command(email, display_name, is_admin, password_stdin, institution, expertise):
    """Create a user; without a password, print a one-time invitation link."""
    password = None
    if password_stdin:
        password = sys.stdin.readline().rstrip("\r\n")
        if len(password) < 10:
            _fail("The password must have at least 10 characters.")
    try:
        user = accounts.create_user(
            email=email,
            display_name=display_name,
            password=password,
            is_admin=is_admin,
            institution=institution,
            expertise=expertise,
        )
    except accounts.AccountError as error:
        _fail(str(error))
    token = None if password else accounts.create_invitation(user, actor=None)
    db.session.commit()
    click.echo(f"Created {'admin ' if is_admin else ''}user {user.email} (id {user.id}).")
    if token:
        click.echo(f"Invitation link: {_external_url('/invite/' + token)}")


def _external_url(path: str) -> str:
    base = current_app.config.get("BASE_URL") or "http://127.0.0.1:5000"
    return base.rstrip("/") + path


# ---------------------------------------------------------------- positions
@main.group("positions")
def positions_group():
    """Create and list positions."""


@positions_group.command("create")
@click.argument("slug")
@click.option("--title", required=True)
@click.option("--description", default="")
@click.option("--reviews-per-candidate", type=click.IntRange(1, 20), default=3, show_default=True)
@with_appcontext
def create_position_command(slug, title, description, reviews_per_candidate):
    """Create a position (with its default stage)."""
    try:
        position = positions.create_position(
            slug=slug,
            title=title,
            description=description,
            reviews_per_candidate=reviews_per_candidate,
        )
    except positions.PositionError as error:
        _fail(str(error))
    db.session.commit()
    click.echo(f"Created position {position.slug!r}: {position.title}")


@positions_group.command("list")
@with_appcontext
def list_positions_command():
    """List every position."""
    from reviewapp.positions.models import Position

    for position in db.session.scalars(db.select(Position).order_by(Position.slug)):
        click.echo(f"{position.slug}\t{position.status}\t{position.title}")


# ---------------------------------------------------------------- members
@main.group()
def members():
    """Manage a position's committee."""


@members.command("add")
@click.argument("slug")
@click.argument("email")
@click.option("--role", type=click.Choice(["chair", "reviewer"]), required=True)
@with_appcontext
def add_member_command(slug, email, role):
    """Add an existing user to a position's committee."""
    position = position_or_fail(slug)
    user = accounts.find_user(email)
    if user is None:
        _fail(f"No user with the email {email!r}: create it with 'reviewapp users create'.")
    positions.add_member(position, user, role, actor=None)
    db.session.commit()
    click.echo(f"{user.email} is {role} of {position.slug}.")


# ---------------------------------------------------------------- demo and serve
@main.command()
@with_appcontext
def demo():
    """Load (or refresh) the demo position, its CVs, rubric, committee and reviews."""
    from reviewapp.demo import load_demo

    result = load_demo()
    db.session.commit()
    click.echo(result.describe(_external_url("/")))


@main.command()
@click.option(
    "--host", default=lambda: os.environ.get("HOST", "127.0.0.1"), show_default="HOST or 127.0.0.1"
)
@click.option(
    "--port",
    type=int,
    default=lambda: int(os.environ.get("PORT", "5000")),
    show_default="PORT or 5000",
)
@click.option("--workers", type=int, default=2, show_default=True)
def serve(host, port, workers):
    """Serve the app with gunicorn (a production WSGI server)."""
    from reviewapp.serve import run_gunicorn

    run_gunicorn(host=host, port=port, workers=workers)


from reviewapp.exports.cli import export_command, exports_group  # noqa: E402

main.add_command(export_command)
main.add_command(exports_group)

from reviewapp.importing.cli import import_command, worker_command  # noqa: E402

main.add_command(import_command)
main.add_command(worker_command)

from reviewapp.conflicts.cli import conflicts_group  # noqa: E402

main.add_command(conflicts_group)

from reviewapp.assignments.cli import assignments_group  # noqa: E402
from reviewapp.reviews.cli import scores_group  # noqa: E402
from reviewapp.rubrics.cli import rubrics_group  # noqa: E402

main.add_command(assignments_group)
main.add_command(rubrics_group)
main.add_command(scores_group)

from reviewapp.backup_cli import backup_command, restore_command  # noqa: E402

main.add_command(backup_command)
main.add_command(restore_command)
