"""``flask --app wsgi jury ...``: the jury's commands. They call services and commit once."""

from __future__ import annotations

import click
from flask import Flask

from app.calls.cli import call_named, call_option
from app.common.errors import Refusal, message_of
from app.extensions import db
from app.jury.reminders import remind_jurors_before_closing
from app.jury.services import AssignmentImpossible, run_assignment


def register_jury_cli(app: Flask) -> None:
    """Add the ``jury`` command group to ``app``."""

    @app.cli.group("jury")
    def jury() -> None:
        """The jury of a call."""

    @jury.command("assign")
    @call_option
    @click.option(
        "--ignore-language", is_flag=True, help="No preference for jurors who read the language."
    )
    def jury_assign(reference: str, ignore_language: bool) -> None:
        """Give every eligible dossier its jurors (as the staff button does); print a summary."""
        call = call_named(reference)
        try:
            summary = run_assignment(call, actor=None, prefer_language=not ignore_language)
        except AssignmentImpossible as error:
            db.session.rollback()
            click.echo("\n".join(error.summary.lines()))
            raise click.ClickException(message_of(error)) from error
        except Refusal as error:
            db.session.rollback()
            raise click.ClickException(message_of(error)) from error
        db.session.commit()
        click.echo("\n".join(summary.lines()))

    @jury.command("remind")
    def jury_remind() -> None:
        """Remind now, once, the jurors of every call whose scoring closes within its
        reminder's days (as the periodic job does)."""
        count = remind_jurors_before_closing()
        db.session.commit()
        click.echo(f"{count} juror(s) reminded.")
