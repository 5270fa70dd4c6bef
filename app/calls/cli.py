"""How a flask command names a call (the ``--call`` option that every area's commands
about one call share, and the call it names), and ``flask --app wsgi calls
export|import``: a call's definition as JSON (docs/call-definition.md)."""

from __future__ import annotations

from pathlib import Path

import click
from flask import Flask
from flask_babel import force_locale
from sqlalchemy import select

from app.calls.definition import (
    DefinitionRefused,
    definition_json,
    import_definition,
    read_definition,
)
from app.calls.models import Call
from app.common.clock import from_brussels_naive, to_brussels
from app.extensions import db

#: The option of a command about one call; the command receives its ``reference``.
call_option = click.option(
    "--call", "reference", required=True, help="Call reference, e.g. MBI-2026."
)

#: How ``--opens`` and ``--closes`` are written (Brussels time).
DATE_FORMATS = ["%Y-%m-%d %H:%M", "%Y-%m-%dT%H:%M", "%Y-%m-%d"]
OPENS_HELP = "Opening, Brussels time (YYYY-MM-DD [HH:MM]); default: in 30 days, 09:00."
CLOSES_HELP = "Closing, Brussels time; default: 60 days after the opening, 17:00."


def call_named(reference: str) -> Call:
    """The call of ``reference``; the command stops with a message when there is none."""
    call = db.session.scalar(select(Call).where(Call.reference == reference))
    if call is None:
        raise click.ClickException(f"No call with reference {reference!r}.")
    return call


def register_calls_cli(app: Flask) -> None:
    """Add the ``calls`` group: a call's definition exported and imported as JSON."""

    @app.cli.group("calls")
    def calls() -> None:
        """Calls and their definitions (docs/call-definition.md)."""

    @calls.command("export")
    @call_option
    def calls_export(reference: str) -> None:
        """Print the call's definition (JSON) to standard output."""
        click.echo(definition_json(call_named(reference)), nl=False)

    @calls.command("import")
    @click.argument("file", type=click.File("rb"))
    @click.option("--reference", required=True, help="Reference of the new call, e.g. MBI-2027.")
    @click.option("--name", default=None, help="Name of the new call (default: the file's).")
    @click.option("--opens", type=click.DateTime(DATE_FORMATS), help=OPENS_HELP)
    @click.option("--closes", type=click.DateTime(DATE_FORMATS), help=CLOSES_HELP)
    def calls_import(file, reference, name, opens, closes) -> None:
        """Create a call from a definition file; each problem is named with its path (in
        English, as the command's other messages)."""
        dates = [from_brussels_naive(moment) if moment else None for moment in (opens, closes)]
        try:
            with force_locale("en"):
                data, problems = read_definition(file.read())
                if (opens is None) != (closes is None):
                    problems.append(("--opens/--closes", "give both dates, or neither"))
                if problems:
                    raise DefinitionRefused(problems)
                call = import_definition(
                    data,
                    reference=reference,
                    name=name,
                    opens_at=dates[0],
                    closes_at=dates[1],
                    source={"imported_from": Path(file.name).name},
                    actor=None,
                )
        except DefinitionRefused as error:
            db.session.rollback()
            for path, what in error.problems:
                click.echo(f"{path}: {what}", err=True)
            click.echo(f"Nothing imported: {len(error.problems)} problem(s).", err=True)
            raise SystemExit(1) from error
        db.session.commit()
        opens_at, closes_at = to_brussels(call.opens_at), to_brussels(call.closes_at)
        click.echo(
            f"Call {call.reference} created ({call.name}): {len(call.criteria)} criteria, "
            f"{'its own' if call.form_version_id else 'the default'} form, "
            f"{'its own' if call.eligibility_rules else 'the default'} eligibility rules; "
            f"opens {opens_at:%Y-%m-%d %H:%M}, closes {closes_at:%Y-%m-%d %H:%M} (Brussels)."
        )
