"""The letters' jobs: generate the letters a transaction requested once it commits, and
queue again those left pending: when a worker starts (a killed worker's), and every
minute those pending for ``JOBS_REQUEUE_AFTER_SECONDS`` (the queue was down when their
change committed)."""

from __future__ import annotations

import logging
import os
import time

from flask import current_app, has_app_context
from flask_babel import lazy_gettext as _l
from huey import crontab
from sqlalchemy import event, select
from sqlalchemy.orm import Session

from app.extensions import db
from app.jobs import app_context, huey, queue_committed, stale_before, waiting
from app.letters.models import PENDING, Letter
from app.letters.services import CHUNK, NEW_IDS, generate_batch, pending_ids

log = logging.getLogger("impulse.letters")

#: When this process started: the letters are requeued once per consumer start.
STARTED = int(time.time())

#: Told to the person whose change requested letters while the queue was down.
QUEUE_DOWN = {
    "one": _l("Saved. The letter will be generated as soon as the job queue is back."),
    "many": _l("Saved. The letters will be generated as soon as the job queue is back."),
}


@huey.task()
def generate_letters_task(ids: list[int]) -> dict:
    """Render and store the letters ``ids`` (each is skipped if already done)."""
    # A fresh app context, hence a fresh database session, even in immediate mode
    # where the task runs inside the committing session's after_commit hook.
    context = (
        current_app._get_current_object().app_context() if has_app_context() else app_context()
    )
    with context:
        try:
            return generate_batch(ids)
        finally:
            db.session.remove()


def enqueue(ids: list[int]) -> None:
    """Hand ``ids`` to the job queue, in chunks."""
    ids = sorted(set(ids))
    for start in range(0, len(ids), CHUNK):
        generate_letters_task(ids[start : start + CHUNK])


@event.listens_for(Session, "after_commit")
def _queue_after_commit(session: Session) -> None:
    ids = session.info.pop(NEW_IDS, None)
    if ids:
        notice = QUEUE_DOWN["one" if len(set(ids)) == 1 else "many"]
        queue_committed(lambda: enqueue(ids), f"{len(ids)} letter(s)", notice=notice)


@event.listens_for(Session, "after_rollback")
def _forget_after_rollback(session: Session) -> None:
    session.info.pop(NEW_IDS, None)


@huey.on_startup()
def requeue_pending_letters() -> None:
    """A worker that starts (again) queues the letters still pending: those of jobs lost
    when a worker was killed. Generating twice is harmless (a done letter is skipped)."""
    if not huey.put_if_empty(f"letters-requeued:{os.getpid()}:{STARTED}", "1"):
        return  # another worker thread of this consumer did it
    with app_context():
        try:
            ids = pending_ids()
        finally:
            db.session.remove()
    if ids:
        enqueue(ids)


@huey.periodic_task(crontab(minute="*"))
def requeue_stale_letters_task() -> int:
    """Every minute: queue again the current letters still pending
    ``JOBS_REQUEUE_AFTER_SECONDS`` after they were requested (their job was lost: the
    queue was down when their change committed), unless a letter job still waits in the
    queue (a long batch being worked through may hold them). Returns how many."""
    if waiting(generate_letters_task):
        return 0
    with app_context():
        try:
            ids = list(
                db.session.scalars(
                    select(Letter.id).where(
                        Letter.current.is_(True),
                        Letter.status == PENDING,
                        Letter.requested_at <= stale_before(),
                    )
                )
            )
        finally:
            db.session.remove()
    if ids:
        log.info("%s letter(s) still pending: queued again", len(ids))
        enqueue(ids)
    return len(ids)
