"""The jury's jobs: remind jurors that scoring closes soon (app.jury.reminders, periodic),
and recompute a call's score summary the board showed late (app.jury.summary).

A late read asks for a refresh in ``session.info``; when the reader's transaction ends
(committed or not: the summary is stale in the database, whatever the reader does) the
refresh is queued, unless one is already queued for the call. The queue's key-value
store holds that mark (its value: when it was set); the job takes it off before it
recomputes, so a change committed during the computation gets a job of its own. A mark
older than :data:`REFRESH_MARK_EXPIRES` is taken for a lost job (a worker killed, the
queue emptied) and replaced. A lost job costs little anyway: past the grace the board
recomputes in the request, as it always did.
"""

from __future__ import annotations

from huey import crontab
from sqlalchemy import event
from sqlalchemy.orm import Session

from app.calls.models import Call
from app.common.clock import utcnow
from app.extensions import db
from app.jobs import huey, queue_committed, unit_of_work
from app.jury.reminders import remind_jurors_before_closing
from app.jury.summary import REFRESH_WANTED, refresh_summary

#: Seconds after which a call's refresh mark is deemed its job's, lost.
REFRESH_MARK_EXPIRES = 60


@huey.periodic_task(crontab(minute="*/15"))
def scoring_reminders_task() -> int:
    """Every quarter of an hour: remind, once, the jurors of the calls whose scoring closes
    within their reminder's days and who have reviews not submitted."""
    with unit_of_work():
        reminded = remind_jurors_before_closing()
    return reminded


@huey.task()
def refresh_summary_task(call_id: int) -> bool:
    """Recompute the call's score summary if it is still stale (app.jury.summary's lock
    decides: running twice, or beside a reader, recomputes once); whether it did."""
    # A fresh session, even in immediate mode where the task runs inside the reader's
    # after_transaction_end hook.
    huey.delete(_mark(call_id))
    with unit_of_work(fresh=True):
        call = db.session.get(Call, call_id)
        refreshed = call is not None and refresh_summary(call)
    return refreshed


def _mark(call_id: int) -> str:
    return f"jury-summary-refresh:{call_id}"


def _claim(call_id: int) -> bool:
    """Set the call's refresh mark; False if a refresh is already queued (a mark younger
    than :data:`REFRESH_MARK_EXPIRES`)."""
    now = utcnow().timestamp()
    if huey.put_if_empty(_mark(call_id), now):
        return True
    since = huey.get(_mark(call_id), peek=True)
    if since is not None and now - since < REFRESH_MARK_EXPIRES:
        return False
    huey.delete(_mark(call_id))  # its job was lost
    return huey.put_if_empty(_mark(call_id), now)


def queue_refreshes(call_ids) -> None:
    """Queue a refresh of each call's summary, but where one is already queued."""
    for call_id in sorted(call_ids):
        if _claim(call_id):
            refresh_summary_task(call_id)


@event.listens_for(Session, "after_transaction_end")
def _queue_after_read(session: Session, transaction) -> None:
    """When the reader's outermost transaction ends, queue the refreshes it asked for."""
    if transaction.parent is not None:
        return
    wanted = session.info.pop(REFRESH_WANTED, None)
    if wanted:
        queue_committed(lambda: queue_refreshes(wanted), f"score summary refresh {wanted}")
