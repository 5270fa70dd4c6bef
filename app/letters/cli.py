"""``flask --app wsgi letters generate`` and ``flask --app wsgi doctor``."""

from __future__ import annotations

import click
from flask import Flask

from app.extensions import db


def register_letters_cli(app: Flask) -> None:
    """Add the ``letters`` group and the ``doctor`` command to ``app``."""

    @app.cli.group("letters")
    def letters() -> None:
        """Decision letters."""

    @letters.command("generate")
    @click.option("--call", "reference", required=True, help="Call reference, e.g. MBI-2026.")
    @click.option(
        "--workers",
        default=1,
        show_default=True,
        type=click.IntRange(1, 64),
        help="Processes rendering letters (one per core is best).",
    )
    def letters_generate(reference: str, workers: int) -> None:
        """Generate every missing letter of a call now, in the foreground."""
        from sqlalchemy import select

        from app.calls.models import Call
        from app.letters.services import generate_call, missing_ids, progress

        call = db.session.scalar(select(Call).where(Call.reference == reference))
        if call is None:
            raise click.ClickException(f"No call with reference {reference!r}.")
        total = len(missing_ids(call))
        with click.progressbar(length=total, label="Letters", show_pos=True) as bar:
            generated, seconds = generate_call(call, workers=workers, on_done=bar.update)
        state = progress(call)
        per_letter = f", {1000 * seconds / generated:.1f} ms a letter" if generated else ""
        click.echo(
            f"{generated} letters generated in {seconds:.2f} s{per_letter} "
            f"({workers} worker{'s' if workers > 1 else ''}). "
            f"{call.reference}: {state.done}/{state.total} done, {state.failed} failed."
        )
        for failure in state.failures[:10]:
            click.echo(f"  failed {failure['reference']} {failure['outcome']}: {failure['reason']}")
        if state.failed:
            raise SystemExit(1)

    @app.cli.command("doctor")
    def doctor() -> None:
        """Check what Impulse needs: Pango, HarfBuzz-Subset, fonts, database, job queue."""
        from app.letters.health import run_checks

        hard_failure = False
        for check in run_checks():
            mark = {"ok": "ok  ", "warn": "WARN", "fail": "FAIL"}[check.level]
            click.echo(f"[{mark}] {check.name}: {check.detail}")
            hard_failure = hard_failure or check.level == "fail"
        if hard_failure:
            raise SystemExit(1)
