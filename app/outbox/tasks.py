"""The outbox's job: deliver the e-mails a transaction queued, once it has committed."""

from __future__ import annotations

from sqlalchemy import event
from sqlalchemy.orm import Session

from app.extensions import db
from app.jobs import app_context, huey
from app.outbox.services import PENDING_KEY, deliver_queued


@huey.task(retries=3, retry_delay=30)
def deliver_messages_task(ids: list[int]) -> int:
    """Send the outbox messages ``ids`` (retried three times, 30 s apart)."""
    with app_context(), Session(db.engine) as session:
        return deliver_queued(session, ids)


@event.listens_for(Session, "after_commit")
def _dispatch_after_commit(session: Session) -> None:
    pending = session.info.pop(PENDING_KEY, None)
    if pending:
        deliver_messages_task(list(pending))


@event.listens_for(Session, "after_rollback")
def _forget_after_rollback(session: Session) -> None:
    session.info.pop(PENDING_KEY, None)
