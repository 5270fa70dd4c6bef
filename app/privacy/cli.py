"""``flask --app wsgi privacy ...``, ``backup`` and ``restore``."""

from __future__ import annotations

from pathlib import Path

import click
from flask import Flask, current_app

from app.common.clock import to_brussels
from app.extensions import db
from app.operations import OperationError, backup, restore
from app.privacy.services import apply_retention, retention_due


def retention_report(items, *, months: int, dry_run: bool) -> str:
    verb = "would delete" if dry_run else "deleted"
    lines = [
        f"{item.application.reference or item.application.id}  {item.application.status:<12}"
        f"  decided {to_brussels(item.decided_at):%Y-%m-%d}  {len(item.documents)} document(s),"
        f" {item.size} bytes"
        for item in items
    ]
    documents = sum(len(item.documents) for item in items)
    lines.append(
        f"Retention ({months} months): {verb} {documents} document(s) "
        f"of {len(items)} application(s)."
    )
    return "\n".join(lines)


def register_privacy_cli(app: Flask) -> None:
    @app.cli.group("privacy")
    def privacy() -> None:
        """Personal data duties."""

    @privacy.command("retention")
    @click.option("--dry-run", is_flag=True, help="List what would be deleted; delete nothing.")
    @click.option(
        "--months",
        type=click.IntRange(1, 600),
        default=None,
        help="Months after the decision (default: RETENTION_MONTHS).",
    )
    def retention(dry_run: bool, months: int | None) -> None:
        """Delete the documents of applications not selected, RETENTION_MONTHS after the
        decision (not_selected, ineligible, withdrawn, declined)."""
        months = months or current_app.config["RETENTION_MONTHS"]
        if dry_run:
            items = retention_due(months)
            db.session.rollback()
        else:
            items = apply_retention(months)
            db.session.commit()
        click.echo(retention_report(items, months=months, dry_run=dry_run))

    @app.cli.command("backup")
    @click.option("--out", required=True, type=click.Path(dir_okay=False, path_type=Path))
    def backup_command(out: Path) -> None:
        """Snapshot the database and the document and letter stores into one tar.gz."""
        try:
            manifest = backup(out)
        except OperationError as error:
            raise click.ClickException(str(error)) from error
        files = len(manifest["files"]) - 1
        click.echo(
            f"Backup written to {out}: {manifest['database']['dialect']} database "
            f"(revision {manifest['database']['revision']}), {files} file(s)."
        )

    @app.cli.command("restore")
    @click.argument("archive", type=click.Path(exists=True, dir_okay=False, path_type=Path))
    def restore_command(archive: Path) -> None:
        """Restore a backup into an empty instance (refuses a database that holds data)."""
        try:
            manifest = restore(archive)
        except OperationError as error:
            raise click.ClickException(str(error)) from error
        click.echo(
            f"Restored the backup of {manifest['created_at']}: "
            f"{len(manifest['files']) - 1} file(s)."
        )
