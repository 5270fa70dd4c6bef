"""The letters' jobs: generate the letters a transaction requested once it commits, and
requeue, when a worker starts, those a killed worker left pending."""

from __future__ import annotations

import os
import time

from flask import current_app, has_app_context
from sqlalchemy import event
from sqlalchemy.orm import Session

from app.extensions import db
from app.jobs import app_context, huey
from app.letters.services import CHUNK, NEW_IDS, generate_batch, pending_ids

#: When this process started: the letters are requeued once per consumer start.
STARTED = int(time.time())


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
        enqueue(ids)


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
