"""``flask --app wsgi coaching ...``: coaching commands. They call services and commit."""

from __future__ import annotations

import click
from flask import Flask

from app.coaching.followup import send_digests
from app.extensions import db


def register_coaching_cli(app: Flask) -> None:
    """Add the ``coaching`` command group to ``app``."""

    @app.cli.group("coaching")
    def coaching() -> None:
        """Coaching of the selected project holders."""

    @coaching.command("digest")
    def coaching_digest() -> None:
        """Mail each coach the stalled projects they follow (no session for too long,
        or an overdue action item)."""
        count = send_digests()
        db.session.commit()
        click.echo(f"{count} digest(s) queued.")
