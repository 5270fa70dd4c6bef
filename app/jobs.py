"""The background job queue: Huey, embedded on SQLite by default, on Redis in production.

``JOBS_URL`` chooses the storage: ``sqlite:///path/jobs.db`` (default, in
``instance/``), ``redis://host:port/db``, or ``immediate://`` (tests: a task runs
at once, in the calling process). The worker is ``flask --app wsgi jobs worker``.

The tasks live with their area, in ``app/<area>/tasks.py`` (delivering e-mails,
generating letters, and the periodic ones: lapsed confirmations, the coaches' digest,
retention); ``create_app`` imports them so that every process knows them. They run
inside an application context (:func:`app_context`), and the periodic ones in one
transaction (:func:`unit_of_work`).
"""

from __future__ import annotations

import os
import threading
from contextlib import contextmanager, nullcontext
from pathlib import Path

from flask import has_app_context
from huey import MemoryHuey, RedisHuey, SqliteHuey

from app.config import INSTANCE_DIR
from app.extensions import db


def make_huey(url: str):
    """Build the Huey instance that ``url`` names."""
    if url.startswith("immediate://"):
        return MemoryHuey("impulse", immediate=True)
    if url.startswith("redis://") or url.startswith("rediss://"):
        return RedisHuey("impulse", url=url)
    if url.startswith("sqlite:///"):
        path = Path(url.removeprefix("sqlite:///"))
        path.parent.mkdir(parents=True, exist_ok=True)
        return SqliteHuey("impulse", filename=str(path))
    raise RuntimeError(f"JOBS_URL not understood: {url!r}")


huey = make_huey(os.environ.get("JOBS_URL", f"sqlite:///{INSTANCE_DIR / 'jobs.db'}"))

_worker_app = None


_worker_app_lock = threading.Lock()


def use_app(app) -> None:
    """Give the worker's threads this app (the command's own) instead of building one."""
    global _worker_app
    _worker_app = app


def app_context():
    """The current app context, or one of an app built once for the worker process.

    Built under a lock: the worker's threads must not build it at the same time (two
    apps, and CPython 3.11's parser is not safe to run in two threads at once: werkzeug
    compiling the URL rules failed with "AST constructor recursion depth mismatch")."""
    global _worker_app
    if has_app_context():
        return nullcontext()
    with _worker_app_lock:
        if _worker_app is None:
            # cycle: the factory configures this queue; a worker started on its own
            # (huey_consumer) builds the app here, once
            from app import create_app

            _worker_app = create_app()
    return _worker_app.app_context()


def configure_jobs(app) -> None:
    """Point the queue at the app's ``JOBS_URL`` (tests switch to immediate mode)."""
    url = app.config["JOBS_URL"]
    if url.startswith("immediate://"):
        huey.immediate = True


@contextmanager
def unit_of_work():
    """A periodic task's transaction: committed if the block succeeds, rolled back
    otherwise (nothing half-done), and the session removed either way."""
    with app_context():
        try:
            yield
            db.session.commit()
        except Exception:
            db.session.rollback()
            raise
        finally:
            db.session.remove()
