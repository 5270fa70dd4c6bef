"""The background job queue: Huey, embedded on SQLite by default, on Redis in production.

``JOBS_URL`` chooses the storage: ``sqlite:///path/jobs.db`` (default, in
``instance/``), ``redis://host:port/db``, or ``immediate://`` (tests: a task runs
at once, in the calling process). The worker is ``flask --app wsgi jobs worker``.

The tasks live with their area, in ``app/<area>/tasks.py`` (delivering e-mails,
generating letters, and the periodic ones: lapsed confirmations, the coaches' digest,
retention); ``create_app`` imports them so that every process knows them. They run
inside an application context (:func:`app_context`), and the periodic ones in one
transaction (:func:`unit_of_work`).

Jobs are queued once the change that asks for them commits (``after_commit`` hooks),
through :func:`queue_committed`: a queue that does not answer then (Redis down) is no
error for the person, whose change is saved; the rows stay pending and each area's
sweeper, a periodic task, queues them again ``JOBS_REQUEUE_AFTER_SECONDS`` later, once
the queue is back (the consumer rides out the outage: it retries reading the queue).
"""

from __future__ import annotations

import logging
import os
import threading
from collections.abc import Callable
from contextlib import contextmanager, nullcontext
from datetime import datetime, timedelta
from pathlib import Path

from flask import current_app, flash, has_app_context, has_request_context
from huey import MemoryHuey, RedisHuey, SqliteHuey

from app.common.clock import utcnow
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


log = logging.getLogger("impulse.jobs")

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
def unit_of_work(*, fresh: bool = False):
    """A periodic task's transaction: committed if the block succeeds, rolled back
    otherwise (nothing half-done), and the session removed either way. ``fresh``: in a
    new app context, hence a new database session, even when one is current (a task
    run in immediate mode from a session's own hook)."""
    context = app_context()
    if fresh and has_app_context():
        context = current_app._get_current_object().app_context()
    with context:
        try:
            yield
            db.session.commit()
        except Exception:
            db.session.rollback()
            raise
        finally:
            db.session.remove()


def queue_committed(send: Callable[[], object], what: str, *, notice=None) -> bool:
    """Call ``send`` (it hands a committed change's jobs to the queue) from an
    ``after_commit`` hook; whether the jobs were queued.

    The change is committed whatever happens here, so a queue that fails (Redis down) is
    not an error for the person: it is logged, ``notice`` (a message for the person, if
    any) is flashed when there is a request, and the rows stay pending for the area's
    sweeper, which queues them again once the queue is back."""
    try:
        send()
    except Exception as error:  # noqa: BLE001 - committed: any queue failure leaves it pending
        log.warning(
            "job queue unavailable, %s left pending for the sweeper: %s: %s",
            what,
            type(error).__name__,
            error,
        )
        if notice is not None and has_request_context():
            flash(str(notice), "info")
        return False
    return True


def waiting(task) -> bool:
    """Whether a job of ``task`` (a Huey task) waits in the queue, not yet taken by a
    worker: a sweeper leaves its rows to it (a long batch is still being worked through)."""
    return any(isinstance(job, task.task_class) for job in huey.pending())


def stale_before() -> datetime:
    """Rows requested before this moment and still pending have lost their job
    (``JOBS_REQUEUE_AFTER_SECONDS`` ago)."""
    return utcnow() - timedelta(seconds=current_app.config["JOBS_REQUEUE_AFTER_SECONDS"])
