"""Generating a call's letters now, in the foreground (``flask letters generate``): in
this process, or in a pool of processes (``--workers N``).

Each process of the pool builds its own app from the parent's configuration and keeps
its own renderer (one FontConfiguration and one parsed stylesheet per process); the
database is read and written by each process on its own connection.

Memory (issue 19): the workers are started afresh (``spawn``), not forked from this
process, and build a small app (:func:`letters_app`): the letters' blueprint on the
base every app shares (app.base), without the other areas, the commands or the job
queue. A forked worker would hold every module the full app imported (the spreadsheets,
numpy, Huey, Alembic...: about 150 MB, counted in each worker's resident memory even
while shared); a started one holds what letters need, about 75 MB before WeasyPrint.
Nothing but letter events is announced in a worker, and no area subscribes to them
(tests/letters/test_cli.py checks it: a subscriber would have to be loaded here).

A worker freezes the objects it built before its first letter (``gc.freeze``: its
app, WeasyPrint's fonts and stylesheets), so that its collections examine only the
letters' objects, and it collects after each chunk of letters: a letter's layout is
full of reference cycles, and freed at once its memory serves the next letters instead
of piling up until a full collection.
"""

from __future__ import annotations

import gc
import multiprocessing
import time
from collections.abc import Iterator
from concurrent.futures import ProcessPoolExecutor, as_completed

from flask import Flask, current_app

from app.base import base_app, register_area
from app.calls.models import Call
from app.extensions import db
from app.letters.models import DONE
from app.letters.rendering import renderer
from app.letters.services import generate_letter, missing_ids

#: The area a worker needs: its blueprint builds the verification link of each letter.
WORKER_AREAS = ("letters",)

_app = None


def letters_app(config) -> Flask:
    """The app a worker renders letters with: the base app (app.base) and the letters'
    pages, for their links; no other area, no command, no job queue."""
    app = base_app(config)
    for area in WORKER_AREAS:
        register_area(app, area)
    return app


def _start(settings: dict) -> None:
    global _app
    _app = letters_app(type("InheritedConfig", (), settings))
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
    context = multiprocessing.get_context("spawn")  # not forked: see the module
    chunks = [ids[start : start + chunk] for start in range(0, len(ids), chunk)]
    with ProcessPoolExecutor(
        max_workers=workers, mp_context=context, initializer=_start, initargs=(settings,)
    ) as pool:
        futures = [pool.submit(_generate, part) for part in chunks]
        for future in as_completed(futures):
            yield from future.result()


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
