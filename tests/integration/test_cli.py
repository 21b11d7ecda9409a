"""Every `reviewapp` command, through click, against the test database."""

import pytest

from reviewapp.auth.models import User
from reviewapp.cli import main
from reviewapp.extensions import db
from reviewapp.positions.models import Membership, Position
from reviewapp.reviews.models import Review
from tests import factories

pytestmark = pytest.mark.integration


def test_help_lists_the_commands(runner):
    result = runner.invoke(main, ["--help"])
    assert result.exit_code == 0
    for command in ("db", "users", "positions", "members", "demo", "serve"):
        assert f"  {command} " in result.output


def test_users_create_with_password_from_stdin(runner):
    result = runner.invoke(
        main,
        [
            "users",
            "create",
            "--email",
            "Ada@Example.org",
            "--name",
            "Ada Lovelace",
            "--admin",
            "--password-stdin",
        ],
        input="a long enough passphrase\n",
    )
    assert result.exit_code == 0, result.output
    assert "Created admin user ada@example.org" in result.output
    user = db.session.scalars(db.select(User)).one()
    assert (user.email, user.display_name, user.is_admin) == (
        "ada@example.org",
        "Ada Lovelace",
        True,
    )
    assert user.check_password("a long enough passphrase")


def test_users_create_without_password_prints_invitation(runner):
    result = runner.invoke(main, ["users", "create", "--email", "b@example.org", "--name", "B"])
    assert result.exit_code == 0, result.output
    assert "Invitation link: http://127.0.0.1:5000/invite/" in result.output
    assert db.session.scalars(db.select(User)).one().password_hash is None


def test_users_create_refuses_duplicate_and_short_password(runner):
    factories.create_user("ada@example.org")
    duplicate = runner.invoke(
        main, ["users", "create", "--email", "ADA@example.org", "--name", "A"]
    )
    assert duplicate.exit_code == 1
    assert "already exists" in duplicate.output
    short = runner.invoke(
        main,
        ["users", "create", "--email", "c@example.org", "--name", "C", "--password-stdin"],
        input="short\n",
    )
    assert short.exit_code == 1
    assert "at least 10 characters" in short.output


def test_positions_create_makes_default_stage(runner):
    result = runner.invoke(main, ["positions", "create", "cs-2027", "--title", "CS faculty"])
    assert result.exit_code == 0, result.output
    position = db.session.scalars(db.select(Position)).one()
    assert (position.slug, position.title) == ("cs-2027", "CS faculty")
    assert [stage.name for stage in position.stages] == ["Screening"]
    listing = runner.invoke(main, ["positions", "list"])
    assert listing.output == "cs-2027\topen\tCS faculty\n"


def test_positions_create_rejects_bad_slug(runner):
    result = runner.invoke(main, ["positions", "create", "Bad Slug!", "--title", "x"])
    assert result.exit_code == 1
    assert "lower-case letters" in result.output
    assert db.session.scalars(db.select(Position)).all() == []


def test_members_add(runner):
    factories.create_user("ada@example.org")
    factories.create_position("cs-2027")
    result = runner.invoke(
        main, ["members", "add", "cs-2027", "ada@example.org", "--role", "chair"]
    )
    assert result.exit_code == 0, result.output
    membership = db.session.scalars(db.select(Membership)).one()
    assert (membership.role, membership.is_active) == ("chair", True)
    missing = runner.invoke(
        main, ["members", "add", "cs-2027", "no@example.org", "--role", "chair"]
    )
    assert missing.exit_code == 1
    assert "No user with the email" in missing.output


def test_demo_is_idempotent_and_prints_logins(runner):
    first = runner.invoke(main, ["demo"])
    assert first.exit_code == 0, first.output
    assert "8 candidates (8 new)" in first.output
    assert "chair@demo.example" in first.output
    reviews = db.session.scalar(db.select(db.func.count(Review.id)))
    second = runner.invoke(main, ["demo"])
    assert second.exit_code == 0, second.output
    assert "8 candidates (0 new)" in second.output
    assert db.session.scalar(db.select(db.func.count(Review.id))) == reviews
    # the printed passwords work, and are the same both times
    password = first.output.split("chair@demo.example")[1].split("password: ")[1].split()[0]
    assert password in second.output
    chair = db.session.scalars(db.select(User).filter_by(email="chair@demo.example")).one()
    assert chair.check_password(password)


def test_db_upgrade_command_is_available(runner):
    result = runner.invoke(main, ["db", "--help"])
    assert result.exit_code == 0
    assert "upgrade" in result.output


def test_serve_uses_host_and_port_from_environment(runner, monkeypatch):
    calls = []
    monkeypatch.setattr("reviewapp.serve.run_gunicorn", lambda **kw: calls.append(kw))
    monkeypatch.setenv("HOST", "127.0.0.3")
    monkeypatch.setenv("PORT", "8123")
    assert runner.invoke(main, ["serve"]).exit_code == 0
    assert runner.invoke(main, ["serve", "--port", "9000", "--host", "127.0.0.2"]).exit_code == 0
    assert calls == [
        {"host": "127.0.0.3", "port": 8123, "workers": 2},
        {"host": "127.0.0.2", "port": 9000, "workers": 2},
    ]
