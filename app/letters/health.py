"""What the letters (and the rest of Impulse) need from the system, checked.

Used by ``flask --app wsgi doctor`` and by the warning logged at start-up when
HarfBuzz-Subset is missing (letters then cost about five times more to render).
"""

from __future__ import annotations

import logging
import subprocess
from dataclasses import dataclass

from sqlalchemy import inspect, text

from app.extensions import db
from app.jobs import huey
from app.letters import fonts, rendering

log = logging.getLogger("impulse.letters")

OK, WARN, FAIL = "ok", "warn", "fail"


@dataclass(frozen=True)
class Check:
    name: str
    level: str
    detail: str


def check_pango() -> Check:
    try:
        number = rendering.engine().pango_version()
        version = f"{number // 10000}.{number // 100 % 100}.{number % 100}"
        if number < 14400:
            return Check("Pango", FAIL, f"version {version}: WeasyPrint needs 1.44 or later")
        return Check("Pango", OK, f"version {version}")
    except Exception as error:  # noqa: BLE001 - any failure means "not usable"
        return Check("Pango", FAIL, f"WeasyPrint cannot load Pango: {error}")


def check_harfbuzz_subset() -> Check:
    if rendering.harfbuzz_subset_available():
        return Check("HarfBuzz-Subset", OK, "fonts are subset by HarfBuzz")
    return Check(
        "HarfBuzz-Subset",
        WARN,
        "missing: letters render about 5x slower (fontTools). "
        "Install it: sudo apt-get install libharfbuzz-subset0",
    )


def check_fonts() -> Check:
    try:
        found = subprocess.run(  # noqa: S603 - fixed command, no user input
            ["fc-match", "-f", "%{family}", "DejaVu Sans"],  # noqa: S607
            capture_output=True,
            text=True,
            timeout=10,
            check=False,
        ).stdout
    except (OSError, subprocess.SubprocessError) as error:
        return Check("Fonts", WARN, f"fc-match not available ({error})")
    if "DejaVu Sans" in found:
        return Check("Fonts", OK, "DejaVu Sans (Latin and Arabic)")
    return Check(
        "Fonts",
        WARN,
        f"DejaVu Sans not found (got {found or 'nothing'}): sudo apt-get install fonts-dejavu-core",
    )


def check_letter_font() -> Check:
    """The letters' own font (app/static/letters/fonts/), which keeps them fast."""
    missing = [name for name in fonts.FACES if not (fonts.FONTS / name).is_file()]
    if missing:
        return Check(
            "Letters' font",
            FAIL,
            f"missing in {fonts.FONTS}: {', '.join(missing)}. "
            "Rebuild it: flask --app wsgi letters fonts",
        )
    size = sum((fonts.FONTS / name).stat().st_size for name in fonts.FACES) // 1024
    return Check("Letters' font", OK, f"DejaVu Sans cut down to Latin and Arabic ({size} KiB)")


def check_database() -> Check:
    try:
        db.session.execute(text("SELECT 1"))
        if not inspect(db.engine).has_table("letters"):
            return Check(
                "Database", FAIL, "reachable, but not migrated: flask --app wsgi db upgrade"
            )
        return Check("Database", OK, db.engine.url.render_as_string(hide_password=True))
    except Exception as error:  # noqa: BLE001 - any failure means "not usable"
        db.session.rollback()
        return Check("Database", FAIL, f"{type(error).__name__}: {error}")


def check_jobs() -> Check:
    try:
        size = huey.storage.queue_size()
    except Exception as error:  # noqa: BLE001 - any failure means "not usable"
        return Check("Job queue", FAIL, f"{type(error).__name__}: {error}")
    return Check("Job queue", OK, f"{type(huey).__name__}, {size} job(s) waiting")


def run_checks() -> list[Check]:
    return [
        check_pango(),
        check_harfbuzz_subset(),
        check_fonts(),
        check_letter_font(),
        check_database(),
        check_jobs(),
    ]


def warn_if_slow() -> None:
    """Log a warning at start-up when HarfBuzz-Subset is missing."""
    if not rendering.harfbuzz_subset_available(load=False):
        log.warning(
            "HarfBuzz-Subset is missing: PDF letters render about 5x slower. "
            "Install libharfbuzz-subset0 (see `flask --app wsgi doctor`)."
        )
