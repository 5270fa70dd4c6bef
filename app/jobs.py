"""The background job queue: Huey, embedded on SQLite by default, on Redis in production.

``JOBS_URL`` chooses the storage: ``sqlite:///path/jobs.db`` (default, in
``instance/``), ``redis://host:port/db``, or ``immediate://`` (tests: a task runs
at once, in the calling process). The worker is ``flask --app wsgi jobs worker``.

Tasks run inside an application context and open their own database session, so
they may be enqueued from a commit hook.
"""

from __future__ import annotations

import logging
import os
import threading
import time
from contextlib import contextmanager, nullcontext
from pathlib import Path

from flask import has_app_context
from huey import MemoryHuey, RedisHuey, SqliteHuey, crontab
from sqlalchemy.orm import Session

from app.config import INSTANCE_DIR


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
#: When this process started: the letters are requeued once per consumer start.
_STARTED = int(time.time())


_worker_app_lock = threading.Lock()


def use_app(app) -> None:
    """Give the worker's threads this app (the command's own) instead of building one."""
    global _worker_app
    _worker_app = app


def _app_context():
    """The current app context, or one of an app built once for the worker process.

    Built under a lock: the worker's threads must not build it at the same time (two
    apps, and CPython 3.11's parser is not safe to run in two threads at once: werkzeug
    compiling the URL rules failed with "AST constructor recursion depth mismatch")."""
    global _worker_app
    if has_app_context():
        return nullcontext()
    with _worker_app_lock:
        if _worker_app is None:
            from app import create_app

            _worker_app = create_app()
    return _worker_app.app_context()


def configure_jobs(app) -> None:
    """Point the queue at the app's ``JOBS_URL`` (tests switch to immediate mode)."""
    url = app.config["JOBS_URL"]
    if url.startswith("immediate://"):
        huey.immediate = True


@huey.task(retries=3, retry_delay=30)
def deliver_messages_task(ids: list[int]) -> int:
    from app.extensions import db
    from app.outbox.services import deliver_queued

    with _app_context(), Session(db.engine) as session:
        return deliver_queued(session, ids)


def deliver_messages(ids: list[int]) -> None:
    """Queue the delivery of the outbox messages ``ids``."""
    deliver_messages_task(list(ids))


@contextmanager
def _unit_of_work():
    """A periodic task's transaction: committed if the block succeeds, rolled back
    otherwise (nothing half-done), and the session removed either way."""
    from app.extensions import db

    with _app_context():
        try:
            yield
            db.session.commit()
        except Exception:
            db.session.rollback()
            raise
        finally:
            db.session.remove()


@huey.periodic_task(crontab(minute="*/15"))
def expire_confirmations_task() -> int:
    """Every quarter of an hour: free the places whose confirmation deadline passed."""
    from app.selection.reserve import expire_all_confirmations

    with _unit_of_work():
        lapsed = expire_all_confirmations()
    return lapsed


@huey.periodic_task(crontab(day_of_week="1", hour="7", minute="0"))
def coaching_digest_task() -> int:
    """Every Monday at 07:00: mail each coach the stalled projects they follow."""
    from app.coaching.followup import send_digests

    with _unit_of_work():
        sent = send_digests()
    return sent


@huey.periodic_task(crontab(hour="3", minute="30"))
def retention_task() -> int:
    """Every night: delete the documents of applications not selected, RETENTION_MONTHS
    after the decision (``flask --app wsgi privacy retention --dry-run`` shows what goes)."""
    from flask import current_app

    from app.privacy.cli import retention_report
    from app.privacy.services import apply_retention

    with _unit_of_work():
        months = current_app.config["RETENTION_MONTHS"]
        items = apply_retention(months)
        report = retention_report(items, months=months, dry_run=False)
        deleted = sum(len(item.documents) for item in items)
    logging.getLogger("impulse.privacy").info(report)
    return deleted


@huey.task()
def generate_letters_task(ids: list[int]) -> dict:
    """Render and store the letters ``ids`` (each is skipped if already done)."""
    from flask import current_app

    from app.extensions import db
    from app.letters.services import generate_batch

    # A fresh app context, hence a fresh database session, even in immediate mode
    # where the task runs inside the committing session's after_commit hook.
    context = (
        current_app._get_current_object().app_context() if has_app_context() else _app_context()
    )
    with context:
        try:
            return generate_batch(ids)
        finally:
            db.session.remove()


def generate_letters(ids: list[int]) -> None:
    """Queue the generation of the letters ``ids``."""
    generate_letters_task(list(ids))


@huey.on_startup()
def requeue_pending_letters() -> None:
    """A worker that starts (again) queues the letters still pending: those of jobs lost
    when a worker was killed. Generating twice is harmless (a done letter is skipped)."""
    from app.extensions import db
    from app.letters.services import enqueue, pending_ids

    if not huey.put_if_empty(f"letters-requeued:{os.getpid()}:{_STARTED}", "1"):
        return  # another worker thread of this consumer did it
    with _app_context():
        try:
            ids = pending_ids()
        finally:
            db.session.remove()
    if ids:
        enqueue(ids)
