"""How a flask command names a call: the ``--call`` option that every area's commands
about one call share, and the call it names."""

from __future__ import annotations

import click
from sqlalchemy import select

from app.calls.models import Call
from app.extensions import db

#: The option of a command about one call; the command receives its ``reference``.
call_option = click.option(
    "--call", "reference", required=True, help="Call reference, e.g. MBI-2026."
)


def call_named(reference: str) -> Call:
    """The call of ``reference``; the command stops with a message when there is none."""
    call = db.session.scalar(select(Call).where(Call.reference == reference))
    if call is None:
        raise click.ClickException(f"No call with reference {reference!r}.")
    return call
