"""Benchmark: decision letters end to end (database reads, rendering as PDF/A, storing).

    DATABASE_URL=sqlite:////tmp/letters_bench.db JOBS_URL=immediate:// \\
        .venv/bin/python bench/letters_bench.py --letters 1000 --workers 2 --runs 3

The first run builds the demo call (``demo --stage decided`` with enough applications
for ``--letters`` letters) in the database named by DATABASE_URL, then reuses it. Each
run puts the same ``--letters`` letters back to pending, empties the letter store and
generates them with ``letters generate``'s code path (``--workers`` processes, each
with its own app, FontConfiguration and stylesheet); it reports the median over the
runs, in ms a letter (wall clock, everything included) and letters a second.

It also reports the peak memory of the workers, summed (issue 19: under 300 MB for
2 workers): their resident memory (VmHWM, RSS: every page a worker maps counts, those it
shares with the others and with this process included) and their proportional memory
(PSS: a page shared by n processes counts 1/n, so the sum is the memory they take
together). Every child of this process during the run counts: the workers, and, since
they are started afresh (``spawn``, see app.letters.pool), multiprocessing's resource
tracker (about 10 MB). Beside it, the same sums with this process added (the parent,
holding the whole app as ``flask letters generate``'s process does). The demo is built
and the reference page rendered in child processes, so this process holds what
``flask letters generate``'s process holds: the app, no WeasyPrint, no demo objects.
With one worker the letters are generated in this process and no worker memory is
reported.

Right after each run, it renders as many reference letters in as many processes: the
issue's yardstick, a one-page letter with plain WeasyPrint defaults printing the same
words (bench/letters_reference.py). A shared machine's speed varies by up to 2x from
one minute to the next, so the ratio of the two, measured side by side, is the figure
to compare across machines (bench/letters_instructions.py counts instructions).
"""

from __future__ import annotations

import argparse
import contextlib
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


def _apart(function, *args):
    """``function(*args)``, run in a child process with an app of its own: what it leaves
    in memory (the demo's objects, WeasyPrint's fonts) stays out of this process, so the
    workers forked from it start as those of ``flask letters generate`` (whose process
    builds and renders nothing)."""
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    with ProcessPoolExecutor(1, mp_context=multiprocessing.get_context("fork")) as pool:
        return pool.submit(_in_app, function, *args).result()


def _in_app(function, *args):
    from app import create_app
    from app.extensions import db

    with create_app().app_context():
        db.engine.dispose(close=False)  # the parent's connections are not ours
        return function(*args)


def _prepare(letters: int) -> None:
    """Build the demo call once, with at least ``letters`` letters."""
    from sqlalchemy import func, inspect, select

    from app.extensions import db
    from app.letters.models import Letter

    if inspect(db.engine).has_table("letters"):
        if db.session.scalar(select(func.count(Letter.id))) >= letters:
            return
        raise SystemExit("The benchmark database is too small: remove it and run again.")
    db.session.remove()
    db.engine.dispose()
    count = _apart(_build_demo, letters)
    if count < letters:
        raise SystemExit(f"only {count} letters: ask for fewer")


def _build_demo(letters: int) -> int:
    from flask_migrate import upgrade
    from sqlalchemy import func, select

    from app.demo.services import load_demo
    from app.extensions import db
    from app.letters.models import Letter

    upgrade()
    started = time.perf_counter()
    load_demo(applications=int(letters / LETTERS_PER_APPLICATION) + 200, stage="decided")
    db.session.commit()
    count = db.session.scalar(select(func.count(Letter.id)))
    print(f"demo built in {time.perf_counter() - started:.1f} s: {count} letters pending")
    return count


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


class PeakMemory:
    """The peak memory of this process's children while it runs: a thread reads /proc
    every ``interval`` seconds and keeps each child's latest VmHWM (the kernel's
    high-water mark of its resident memory, so the last reading before the child ends
    is its peak, give or take what it grew in its last ``interval``) and its highest
    PSS."""

    def __init__(self, interval: float = 0.05) -> None:
        import threading

        self.interval, self.peaks, self.proportional = interval, {}, {}
        #: This process's own highest PSS during the run (MB).
        self.own_proportional = 0.0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._watch, daemon=True)

    def _children(self) -> set[int]:
        found = set()
        for task in Path(f"/proc/{os.getpid()}/task").iterdir():
            with contextlib.suppress(OSError):
                found.update(int(pid) for pid in (task / "children").read_text().split())
        return found

    def _watch(self) -> None:
        while not self._stop.wait(self.interval):
            for pid in self._children():
                with contextlib.suppress(OSError, ValueError):
                    self.peaks[pid] = _field(f"/proc/{pid}/status", "VmHWM:")
                    pss = _field(f"/proc/{pid}/smaps_rollup", "Pss:")
                    self.proportional[pid] = max(pss, self.proportional.get(pid, 0))
            with contextlib.suppress(OSError, ValueError):
                own = _field("/proc/self/smaps_rollup", "Pss:")
                self.own_proportional = max(own, self.own_proportional)

    def __enter__(self) -> PeakMemory:
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self._stop.set()
        self._thread.join()

    @property
    def total(self) -> float:
        """MB: the sum of the children's peak resident memory (RSS: a page shared by
        several processes, such as those a worker inherits from this process when it
        is forked, counts in each)."""
        return sum(self.peaks.values())

    @property
    def proportional_total(self) -> float:
        """MB: the sum of the children's peak proportional memory (PSS: a page shared by
        n processes counts 1/n in each; polled, so a short peak may be missed)."""
        return sum(self.proportional.values())


def _field(path: str, name: str) -> float:
    """MB: the figure (in kB) of the line ``name`` in the /proc file ``path``."""
    for line in Path(path).read_text().splitlines():
        if line.startswith(name):
            return int(line.split()[1]) / 1024
    raise ValueError(f"no {name} in {path}")


def _own_peak() -> float:
    """MB: this process's peak resident memory so far."""
    import resource

    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


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
        subset = _apart(harfbuzz_subset_available)  # WeasyPrint loaded apart, see _apart
        print(
            f"{options.letters} letters, {options.workers} worker(s), {options.runs} runs, "
            f"{app.config['LETTER_PDF_VARIANT']}, tagged, "
            f"HarfBuzz-Subset {'yes' if subset else 'NO'}, "
            f"{db.engine.dialect.name}, {os.cpu_count()} CPUs"
        )
        from letters_reference import reference_page

        page = _apart(reference_page)
        per_letter, cpu_per_letter, reference_per_letter, memory, pss = [], [], [], [], []
        with_parent, pss_with_parent = [], []
        for run in range(1, options.runs + 1):
            call, ids = _reset(options.letters)
            cpu_before = _cpu_seconds()
            load = os.getloadavg()[0]
            parent = _own_peak()
            with PeakMemory() as peaks:
                generated, seconds = generate_call(call, workers=options.workers)
            memory.append(peaks.total)
            pss.append(peaks.proportional_total)
            with_parent.append(peaks.total + _own_peak())
            pss_with_parent.append(peaks.proportional_total + peaks.own_proportional)
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
                f"{per_letter[-1] / reference_per_letter[-1]:.2f}; workers' peak memory "
                f"{' + '.join(f'{mb:.0f}' for mb in peaks.peaks.values())} = "
                f"{peaks.total:.0f} MB RSS, {peaks.proportional_total:.0f} MB PSS "
                f"(this process: peak {parent:.0f} MB RSS before the run, {_own_peak():.0f} "
                f"MB after; with it {with_parent[-1]:.0f} MB RSS, {pss_with_parent[-1]:.0f} "
                f"MB PSS)"
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
            f"{statistics.median(ratios):.2f} (min {min(ratios):.2f}, max {max(ratios):.2f})\n"
            f"peak memory of the {options.workers} worker(s), summed: RSS median "
            f"{statistics.median(memory):.0f} MB (max {max(memory):.0f} MB), PSS median "
            f"{statistics.median(pss):.0f} MB (max {max(pss):.0f} MB); with this "
            f"process: RSS median {statistics.median(with_parent):.0f} MB, PSS median "
            f"{statistics.median(pss_with_parent):.0f} MB"
        )


if __name__ == "__main__":
    main()
