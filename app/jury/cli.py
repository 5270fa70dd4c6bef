"""``flask --app wsgi jury ...``: the jury's commands. They call services and commit once."""

from __future__ import annotations

import click
from flask import Flask

from app.extensions import db


def register_jury_cli(app: Flask) -> None:
    """Add the ``jury`` command group to ``app``."""

    @app.cli.group("jury")
    def jury() -> None:
        """The jury of a call."""

    @jury.command("assign")
    @click.option("--call", "reference", required=True, help="Call reference, e.g. MBI-2026.")
    @click.option(
        "--ignore-language", is_flag=True, help="No preference for jurors who read the language."
    )
    def jury_assign(reference: str, ignore_language: bool) -> None:
        """Give every eligible dossier its jurors (as the staff button does); print a summary."""
        from sqlalchemy import select

        from app.calls.models import Call
        from app.jury.services import JuryError, run_assignment

        call = db.session.scalar(select(Call).where(Call.reference == reference))
        if call is None:
            raise click.ClickException(f"No call with reference {reference!r}.")
        try:
            summary = run_assignment(call, actor=None, prefer_language=not ignore_language)
        except JuryError as error:
            db.session.rollback()
            raise click.ClickException(str(error)) from error
        if summary.problems:
            db.session.rollback()
            click.echo("\n".join(summary.lines()))
            raise click.ClickException("Nothing was assigned: some dossiers cannot get jurors.")
        db.session.commit()
        click.echo("\n".join(summary.lines()))
