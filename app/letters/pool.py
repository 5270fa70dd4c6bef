"""Generating a call's letters now, in the foreground (``flask letters generate``): in
this process, or in a pool of processes (``--workers N``).

Each process of the pool builds its own app from the parent's configuration and keeps
its own renderer (one FontConfiguration and one parsed stylesheet per process); the
database is read and written by each process on its own connection.

Memory (issue 19): a worker is forked from this process and shares its pages until
one of them writes to a page. Python's garbage collector writes into every object it
examines, so the objects of this process and those a worker builds before its first
letter (its app, WeasyPrint's fonts and stylesheets) are frozen (``gc.freeze``): the
collector leaves them alone, the shared pages stay shared, and a collection examines
only the objects of the letters. A worker collects after each chunk of letters: a
letter's layout is full of reference cycles, and freed at once its memory serves the
next letters instead of piling up until a full collection.
"""

from __future__ import annotations

import gc
import multiprocessing
import time
from collections.abc import Iterator
from concurrent.futures import ProcessPoolExecutor, as_completed

from flask import current_app

from app.calls.models import Call
from app.extensions import db
from app.letters.models import DONE
from app.letters.rendering import renderer
from app.letters.services import generate_letter, missing_ids

_app = None


def _start(settings: dict) -> None:
    global _app
    # cycle: the factory registers the commands, and `letters generate` runs this pool
    from app import create_app

    config = type("InheritedConfig", (), settings)
    _app = create_app(config)
    _app.app_context().push()
    renderer()  # fonts and stylesheet once, before the first letter
    gc.collect()
    gc.freeze()  # kept for the worker's life: its collections skip them (see the module)


def _generate(ids: list[int]) -> list[str]:
    statuses = [generate_letter(letter_id) for letter_id in ids]
    gc.collect()  # the chunk's letters (only they are examined: the rest is frozen)
    return statuses


def generate_in_pool(ids: list[int], *, workers: int, chunk: int = 10) -> Iterator[str]:
    """Generate ``ids`` in ``workers`` processes; yield each letter's status as it ends."""
    settings = {k: v for k, v in current_app.config.items() if k.isupper()}
    context = multiprocessing.get_context("fork")
    chunks = [ids[start : start + chunk] for start in range(0, len(ids), chunk)]
    gc.collect()
    gc.freeze()  # shared with the workers: see the module
    try:
        with ProcessPoolExecutor(
            max_workers=workers, mp_context=context, initializer=_start, initargs=(settings,)
        ) as pool:
            futures = [pool.submit(_generate, part) for part in chunks]
            for future in as_completed(futures):
                yield from future.result()
    finally:
        gc.unfreeze()


def generate_call(call: Call, *, workers: int = 1, on_done=None) -> tuple[int, float]:
    """Generate every missing letter of ``call`` now (``workers`` processes when > 1);
    ``on_done(n)`` is called as letters complete. Returns (letters generated, seconds)."""
    ids = missing_ids(call)
    db.session.commit()
    started = time.perf_counter()
    statuses = (
        (generate_letter(letter_id) for letter_id in ids)
        if workers <= 1 or len(ids) < 2
        else generate_in_pool(ids, workers=workers)
    )
    done = 0
    for status in statuses:
        done += status == DONE
        if on_done:
            on_done(1)
    return done, time.perf_counter() - started
