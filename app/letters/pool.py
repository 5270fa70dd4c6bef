"""Generating letters in a pool of processes (``flask letters generate --workers N``).

Each process builds its own app from the parent's configuration and keeps its own
renderer (one FontConfiguration and one parsed stylesheet per process); the
database is read and written by each process on its own connection.
"""

from __future__ import annotations

import multiprocessing
from collections.abc import Iterator
from concurrent.futures import ProcessPoolExecutor, as_completed

from flask import current_app

_app = None


def _start(settings: dict) -> None:
    global _app
    from app import create_app
    from app.letters.rendering import renderer

    config = type("InheritedConfig", (), settings)
    _app = create_app(config)
    _app.app_context().push()
    renderer()  # fonts and stylesheet once, before the first letter


def _generate(ids: list[int]) -> list[str]:
    from app.letters.services import generate_letter

    return [generate_letter(letter_id) for letter_id in ids]


def generate_in_pool(ids: list[int], *, workers: int, chunk: int = 10) -> Iterator[str]:
    """Generate ``ids`` in ``workers`` processes; yield each letter's status as it ends."""
    settings = {k: v for k, v in current_app.config.items() if k.isupper()}
    context = multiprocessing.get_context("fork")
    chunks = [ids[start : start + chunk] for start in range(0, len(ids), chunk)]
    with ProcessPoolExecutor(
        max_workers=workers, mp_context=context, initializer=_start, initargs=(settings,)
    ) as pool:
        futures = [pool.submit(_generate, part) for part in chunks]
        for future in as_completed(futures):
            yield from future.result()
