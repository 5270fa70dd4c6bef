"""Benchmark: decision letters end to end (database reads, rendering as PDF/A, storing).

    DATABASE_URL=sqlite:////tmp/letters_bench.db JOBS_URL=immediate:// \\
        .venv/bin/python bench/letters_bench.py --letters 1000 --workers 2 --runs 3

The first run builds the demo call (``demo --stage decided`` with enough applications
for ``--letters`` letters) in the database named by DATABASE_URL, then reuses it. Each
run puts the same ``--letters`` letters back to pending, empties the letter store and
generates them with ``letters generate``'s code path (``--workers`` processes, each
with its own app, FontConfiguration and stylesheet); it reports the median over the
runs, in ms a letter (wall clock, everything included) and letters a second.

Right after each run, it renders as many reference letters in as many processes: the
issue's yardstick, a one-page letter with plain WeasyPrint defaults printing the same
words (bench/letters_reference.py). A shared machine's speed varies by up to 2x from
one minute to the next, so the ratio of the two, measured side by side, is the figure
to compare across machines (bench/letters_instructions.py counts instructions).
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))
os.environ.setdefault("JOBS_URL", "immediate://")
os.environ.setdefault("DATABASE_URL", "sqlite:////tmp/letters_bench.db")
os.environ.setdefault("LETTER_STORE", str(Path(tempfile.gettempdir()) / "letters_bench_store"))

#: Letters per demo application, about (a decided demo: every submitted dossier decided).
LETTERS_PER_APPLICATION = 0.47


def _prepare(letters: int) -> None:
    """Build the demo call once, with at least ``letters`` letters."""
    from sqlalchemy import func, inspect, select

    from app.extensions import db
    from app.letters.models import Letter

    if inspect(db.engine).has_table("letters"):
        if db.session.scalar(select(func.count(Letter.id))) >= letters:
            return
        raise SystemExit("The benchmark database is too small: remove it and run again.")
    from flask_migrate import upgrade

    from app.demo.services import load_demo

    upgrade()
    started = time.perf_counter()
    load_demo(applications=int(letters / LETTERS_PER_APPLICATION) + 200, stage="decided")
    db.session.commit()
    count = db.session.scalar(select(func.count(Letter.id)))
    print(f"demo built in {time.perf_counter() - started:.1f} s: {count} letters pending")
    if count < letters:
        raise SystemExit(f"only {count} letters: ask for fewer")


def _reset(letters: int) -> tuple:
    """Put ``letters`` letters back to pending (the others are left done)."""
    from sqlalchemy import select, update

    from app.calls.models import Call
    from app.extensions import db
    from app.letters.models import DONE, PENDING, Letter

    ids = list(db.session.scalars(select(Letter.id).order_by(Letter.id).limit(letters)))
    db.session.execute(update(Letter).values(status=DONE, sha256="0" * 64))
    db.session.execute(
        update(Letter)
        .where(Letter.id.in_(ids))
        .values(status=PENDING, sha256=None, size=None, pages=None, attempts=0)
    )
    db.session.commit()
    store = Path(os.environ["LETTER_STORE"])
    shutil.rmtree(store, ignore_errors=True)
    return db.session.scalar(select(Call)), ids


_reference = None


def _start_reference() -> None:
    global _reference
    from letters_reference import ReferenceRenderer

    _reference = ReferenceRenderer()


def _render_references(page: str, count: int) -> int:
    for _ in range(count):
        _reference.pdf(page)
    return count


def _time_references(page: str, letters: int, workers: int) -> float:
    """Seconds to render ``letters`` reference letters in ``workers`` processes (each
    builds its FontConfiguration and stylesheet first, outside the timing)."""
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor, wait

    context = multiprocessing.get_context("fork")
    with ProcessPoolExecutor(workers, mp_context=context, initializer=_start_reference) as pool:
        wait([pool.submit(_render_references, page, 1) for _ in range(workers)])  # warm up
        started = time.perf_counter()
        chunks = [min(10, letters - start) for start in range(0, letters, 10)]
        done = sum(f.result() for f in [pool.submit(_render_references, page, n) for n in chunks])
        seconds = time.perf_counter() - started
    assert done == letters
    return seconds


def _cpu_seconds() -> float:
    """CPU time of this process and of its finished children (the pool's workers)."""
    import resource

    own = resource.getrusage(resource.RUSAGE_SELF)
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--letters", type=int, default=1000)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--runs", type=int, default=3)
    options = parser.parse_args()

    from app import create_app
    from app.extensions import db
    from app.letters.pool import generate_call
    from app.letters.rendering import harfbuzz_subset_available

    app = create_app()
    with app.app_context():
        _prepare(options.letters)
        print(
            f"{options.letters} letters, {options.workers} worker(s), {options.runs} runs, "
            f"{app.config['LETTER_PDF_VARIANT']}, tagged, "
            f"HarfBuzz-Subset {'yes' if harfbuzz_subset_available() else 'NO'}, "
            f"{db.engine.dialect.name}, {os.cpu_count()} CPUs"
        )
        from letters_reference import reference_page

        page = reference_page()
        per_letter, cpu_per_letter, reference_per_letter = [], [], []
        for run in range(1, options.runs + 1):
            call, ids = _reset(options.letters)
            cpu_before = _cpu_seconds()
            load = os.getloadavg()[0]
            generated, seconds = generate_call(call, workers=options.workers)
            if generated != len(ids):
                raise SystemExit(f"run {run}: {generated} of {len(ids)} letters generated")
            per_letter.append(1000 * seconds / generated)
            cpu_per_letter.append(1000 * (_cpu_seconds() - cpu_before) / generated)
            reference = _time_references(page, options.letters, options.workers)
            reference_per_letter.append(1000 * reference / options.letters)
            print(
                f"run {run}: {generated} letters in {seconds:.2f} s, "
                f"{per_letter[-1]:.1f} ms/letter (CPU {cpu_per_letter[-1]:.1f} ms/letter; "
                f"load average {load:.1f} before the run); reference letters "
                f"{reference_per_letter[-1]:.1f} ms/letter, ratio "
                f"{per_letter[-1] / reference_per_letter[-1]:.2f}"
            )
        median = statistics.median(per_letter)
        cpu = statistics.median(cpu_per_letter)
        cores = min(options.workers, os.cpu_count() or 1)
        reference = statistics.median(reference_per_letter)
        pairs = zip(per_letter, reference_per_letter, strict=True)
        ratios = [ours / theirs for ours, theirs in pairs]
        print(
            f"median: {median:.1f} ms/letter ({1000 / median:.0f} letters/s) with "
            f"{options.workers} worker(s); CPU {cpu:.1f} ms/letter, i.e. "
            f"{cpu / cores:.1f} ms/letter on {cores} idle core(s)\n"
            f"reference (plain WeasyPrint, same words, same workers): median "
            f"{reference:.1f} ms/letter; ratio letters / reference: median "
            f"{statistics.median(ratios):.2f} (min {min(ratios):.2f}, max {max(ratios):.2f})"
        )


if __name__ == "__main__":
    main()
