"""``flask --app wsgi letters generate|fonts`` and ``flask --app wsgi doctor``."""

from __future__ import annotations

from pathlib import Path

import click
from flask import Flask

from app.calls.cli import call_named, call_option
from app.letters.fonts import build_fonts
from app.letters.health import FAIL, run_checks
from app.letters.pool import generate_call
from app.letters.services import missing_ids, progress


def register_letters_cli(app: Flask) -> None:
    """Add the ``letters`` group and the ``doctor`` command to ``app``."""

    @app.cli.group("letters")
    def letters() -> None:
        """Decision letters."""

    @letters.command("generate")
    @call_option
    @click.option(
        "--workers",
        default=1,
        show_default=True,
        type=click.IntRange(1, 64),
        help="Processes rendering letters (one per core is best).",
    )
    def letters_generate(reference: str, workers: int) -> None:
        """Generate every missing letter of a call now, in the foreground."""
        call = call_named(reference)
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

    @letters.command("fonts")
    @click.option(
        "--from",
        "source",
        default=None,
        type=click.Path(exists=True, file_okay=False, path_type=Path),
        help="Folder holding DejaVuSans.ttf and DejaVuSans-Bold.ttf "
        "(default: Debian's /usr/share/fonts/truetype/dejavu).",
    )
    def letters_fonts(source: Path | None) -> None:
        """Rebuild the letters' font (DejaVu Sans cut down to Latin and Arabic)."""
        try:
            built = build_fonts(source)
        except FileNotFoundError as error:
            raise click.ClickException(str(error)) from error
        for path in built:
            click.echo(f"{path} ({path.stat().st_size // 1024} KiB)")

    @app.cli.command("doctor")
    def doctor() -> None:
        """Check what Impulse needs: Pango, HarfBuzz-Subset, fonts, database, job queue."""
        hard_failure = False
        for check in run_checks():
            mark = {"ok": "ok  ", "warn": "WARN", "fail": "FAIL"}[check.level]
            click.echo(f"[{mark}] {check.name}: {check.detail}")
            hard_failure = hard_failure or check.level == FAIL
        if hard_failure:
            raise SystemExit(1)
