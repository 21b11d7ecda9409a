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
