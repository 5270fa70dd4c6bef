"""The outbox's jobs: deliver the e-mails a transaction queued, once it has committed, and
every minute queue again those still queued ``JOBS_REQUEUE_AFTER_SECONDS`` later (the job
queue was down when their change committed)."""

from __future__ import annotations

import logging

from huey import crontab
from sqlalchemy import event, select
from sqlalchemy.orm import Session

from app.extensions import db
from app.jobs import app_context, huey, queue_committed, stale_before, waiting
from app.outbox.models import MessageStatus, OutboxMessage
from app.outbox.services import PENDING_KEY, deliver_queued

log = logging.getLogger("impulse.outbox")


@huey.task(retries=3, retry_delay=30)
def deliver_messages_task(ids: list[int]) -> int:
    """Send the outbox messages ``ids`` (retried three times, 30 s apart)."""
    with app_context(), Session(db.engine) as session:
        return deliver_queued(session, ids)


@event.listens_for(Session, "after_commit")
def _dispatch_after_commit(session: Session) -> None:
    pending = session.info.pop(PENDING_KEY, None)
    if pending:
        # Nothing flashed: the person may not be the recipient, and "the e-mail will
        # leave later" after asking for a reset link would tell that the account exists.
        queue_committed(lambda: deliver_messages_task(list(pending)), f"{len(pending)} e-mail(s)")


@event.listens_for(Session, "after_rollback")
def _forget_after_rollback(session: Session) -> None:
    session.info.pop(PENDING_KEY, None)


@huey.periodic_task(crontab(minute="*"))
def requeue_stale_messages_task() -> int:
    """Every minute: queue again the e-mails still queued ``JOBS_REQUEUE_AFTER_SECONDS``
    after they were written (their job was lost: the queue was down when their change
    committed), unless a delivery job still waits in the queue. Failed ones are left to
    their retries and to ``flask outbox send``. Returns how many."""
    if waiting(deliver_messages_task):
        return 0
    with app_context(), Session(db.engine) as session:
        ids = list(
            session.scalars(
                select(OutboxMessage.id).where(
                    OutboxMessage.status == MessageStatus.QUEUED,
                    OutboxMessage.created_at <= stale_before(),
                )
            )
        )
    if ids:
        log.info("%s e-mail(s) still queued: handed to the queue again", len(ids))
        deliver_messages_task(ids)
    return len(ids)
