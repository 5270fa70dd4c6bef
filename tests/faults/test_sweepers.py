"""The sweepers: every minute the worker queues again the letters and e-mails whose job
was lost (the queue was down when their change committed), once they have waited
JOBS_REQUEUE_AFTER_SECONDS; never the recent ones, nor e-mails that failed (their retries
and ``flask outbox send`` see to those). The queue runs in immediate mode here."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select, update

from app.auth.models import Role
from app.common.clock import utcnow
from app.extensions import db
from app.letters import services
from app.letters.models import DONE, PENDING, Letter
from app.letters.tasks import requeue_stale_letters_task
from app.outbox.models import MessageStatus, OutboxMessage
from app.outbox.services import PENDING_KEY, queue_email
from app.outbox.tasks import requeue_stale_messages_task


def _pending_letters(make_application, make_user, count: int) -> list[int]:
    """``count`` decisions whose letters stay pending: their job never reached the queue."""
    from app.applications.services import apply_transition

    staff = make_user(Role.STAFF)
    with services.deferred():
        for _ in range(count):
            apply_transition(make_application("submitted"), "declare_ineligible", actor=staff)
    db.session.commit()
    return list(db.session.scalars(select(Letter.id).order_by(Letter.id)))


def _statuses(model) -> list[str]:
    db.session.expire_all()
    return list(db.session.scalars(select(model.status).order_by(model.id)))


def test_letters_pending_longer_than_the_setting_are_generated(app, make_application, make_user):
    app.config["JOBS_REQUEUE_AFTER_SECONDS"] = 300
    old, recent = _pending_letters(make_application, make_user, 2)
    db.session.execute(
        update(Letter).where(Letter.id == old).values(requested_at=utcnow() - timedelta(minutes=6))
    )
    db.session.commit()

    assert requeue_stale_letters_task.call_local() == 1
    assert _statuses(Letter) == [DONE, PENDING]  # the recent one may still be in a job


def test_emails_still_queued_longer_than_the_setting_are_sent(app, make_user):
    app.config["JOBS_REQUEUE_AFTER_SECONDS"] = 300
    user = make_user(Role.APPLICANT)
    for _ in range(3):
        queue_email(user.email, "Welcome", "welcome", user=user, login_url="http://x")
    db.session.flush()  # the queued messages get their ids, to be sent after the commit
    db.session.info.pop(PENDING_KEY)  # ... but their job is lost
    db.session.commit()
    old, failed, recent = db.session.scalars(select(OutboxMessage.id).order_by(OutboxMessage.id))
    long_ago = utcnow() - timedelta(minutes=6)
    db.session.execute(
        update(OutboxMessage).where(OutboxMessage.id.in_([old, failed])).values(created_at=long_ago)
    )
    db.session.execute(
        update(OutboxMessage)
        .where(OutboxMessage.id == failed)
        .values(status=MessageStatus.FAILED, attempts=4)
    )
    db.session.commit()

    assert requeue_stale_messages_task.call_local() == 1
    assert _statuses(OutboxMessage) == ["sent", "failed", "queued"]
