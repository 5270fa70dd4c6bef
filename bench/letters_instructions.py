"""Benchmark: what a letter costs in CPU instructions (callgrind), against plain WeasyPrint.

    DATABASE_URL=sqlite:////tmp/letters_bench.db JOBS_URL=immediate:// \\
        .venv/bin/python bench/letters_instructions.py [--letters 3] [--end-to-end 20]

Wall-clock times on a shared machine vary by up to 2x from one minute to the next;
instructions counted by valgrind's callgrind do not (the same count twice, whatever
the other core does). Each measurement runs in its own process under
``valgrind --tool=callgrind --instr-atstart=no``, warms up, then counts only the
letters it renders. It prints millions of instructions a letter for:

- ``reference``: the issue's yardstick, "a one-page letter with plain WeasyPrint
  defaults" with a shared FontConfiguration and stylesheet, printing the very words
  of the demo's "not selected" letter (bench/letters_reference.py);
- ``letter``: that same letter as Impulse renders it (layout, letterhead, QR code,
  footer with page numbers, PDF/A-3b, tagged);
- ``end-to-end`` (with ``--end-to-end N``): ``generate_letter`` on N letters of the
  benchmark database built by bench/letters_bench.py (database reads, rendering,
  storing, commit).

The ratios to ``reference`` are what to compare across machines; to turn
instructions into time on one machine, time the reference there.
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))
os.environ.setdefault("JOBS_URL", "immediate://")
os.environ.setdefault("DATABASE_URL", "sqlite:////tmp/letters_bench.db")
os.environ.setdefault("LETTER_STORE", str(Path(tempfile.gettempdir()) / "letters_bench_store"))

_UNDER_VALGRIND = "IMPULSE_BENCH_MEASURE"
_COLLECTED = re.compile(r"Collected : (\d+)")


def _toggle(state: str) -> None:
    subprocess.run(  # noqa: S603 - fixed command on our own process
        [shutil.which("callgrind_control") or "callgrind_control", "-i", state, str(os.getpid())],
        check=True,
        capture_output=True,
    )


def _count(render, times: int) -> None:
    """Warm up, then count ``times`` calls of ``render``."""
    for _ in range(2):
        render()
    _toggle("on")
    for _ in range(times):
        render()
    _toggle("off")


def _demo_letter():
    from app import create_app
    from app.letters.content import demo_context

    app = create_app()
    app.app_context().push()
    return demo_context("not_selected", "fr")


def measure_letter(times: int) -> None:
    from app.letters.rendering import renderer

    context = _demo_letter()
    _count(lambda: renderer().pdf(context), times)


def measure_reference(times: int) -> None:
    from letters_reference import ReferenceRenderer, reference_page

    _demo_letter()
    page = reference_page()
    reference = ReferenceRenderer()
    _count(lambda: reference.pdf(page), times)


def measure_end_to_end(times: int) -> None:
    from sqlalchemy import select, update

    from app import create_app
    from app.extensions import db
    from app.letters.models import DONE, PENDING, Letter
    from app.letters.services import generate_letter

    app = create_app()
    app.app_context().push()
    ids = list(db.session.scalars(select(Letter.id).order_by(Letter.id).limit(times + 2)))
    if len(ids) < times + 2:
        raise SystemExit("Build the benchmark database first: bench/letters_bench.py")
    db.session.execute(
        update(Letter)
        .where(Letter.id.in_(ids))
        .values(status=PENDING, sha256=None, size=None, pages=None, attempts=0)
    )
    db.session.commit()
    shutil.rmtree(os.environ["LETTER_STORE"], ignore_errors=True)
    for letter_id in ids[:2]:  # warm up
        generate_letter(letter_id)
    _toggle("on")
    statuses = [generate_letter(letter_id) for letter_id in ids[2:]]
    _toggle("off")
    db.session.execute(update(Letter).where(Letter.id.in_(ids)).values(status=DONE))
    db.session.commit()
    if statuses.count(DONE) != times:
        raise SystemExit(f"only {statuses.count(DONE)} of {times} letters generated")


MEASURES = {
    "reference": measure_reference,
    "letter": measure_letter,
    "end-to-end": measure_end_to_end,
}


def _run(name: str, times: int) -> float:
    """Millions of instructions a letter for measure ``name`` (in its own process)."""
    valgrind = shutil.which("valgrind")
    if valgrind is None:
        raise SystemExit("valgrind is needed: sudo apt-get install valgrind")
    with tempfile.TemporaryDirectory() as folder:
        done = subprocess.run(  # noqa: S603 - fixed command
            [
                valgrind,
                "--tool=callgrind",
                "--instr-atstart=no",
                f"--callgrind-out-file={folder}/callgrind.out",
                sys.executable,
                __file__,
                name,
                str(times),
            ],
            env={**os.environ, _UNDER_VALGRIND: "1"},
            capture_output=True,
            text=True,
            check=False,
        )
    found = _COLLECTED.search(done.stderr)
    if done.returncode or not found:
        raise SystemExit(f"{name} failed:\n{done.stdout}\n{done.stderr[-3000:]}")
    return int(found.group(1)) / times / 1e6


def main() -> None:
    if os.environ.get(_UNDER_VALGRIND):
        MEASURES[sys.argv[1]](int(sys.argv[2]))
        return
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--letters", type=int, default=3, help="letters counted per measure")
    parser.add_argument(
        "--end-to-end", type=int, default=0, help="also count generate_letter on N letters"
    )
    options = parser.parse_args()
    names = ["reference", "letter"] + (["end-to-end"] if options.end_to_end else [])
    reference = None
    for name in names:
        times = options.end_to_end if name == "end-to-end" else options.letters
        millions = _run(name, times)
        reference = reference or millions
        print(
            f"{name:11s} {millions:7.1f} M instructions a letter "
            f"({millions / reference:.2f} x reference; {times} letters counted)",
            flush=True,
        )


if __name__ == "__main__":
    main()
