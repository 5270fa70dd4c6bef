"""Reminding jurors that scoring closes soon: ``scoring_reminder_days`` before the call's
``scoring_closes_at``, each juror who still has reviews not submitted is e-mailed once per
call.

The periodic job (app.jury.tasks) runs :func:`remind_jurors_before_closing` every quarter
of an hour; ``flask --app wsgi jury remind`` does the same by hand. Once per juror is
kept by the membership's ``scoring_reminded_at``, set by a conditional UPDATE before
anything is queued: a second run, or two workers at once, find it set and send nothing.
The reminders of a call are one domain event (``scoring_reminders_due``, by the system),
which the jury's subscribers turn into the e-mails (app.jury.subscribers).
"""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import select, update

from app.calls.models import Call
from app.common.clock import utcnow
from app.events import Event, announce
from app.extensions import db
from app.jury.models import JuryMember
from app.jury.queries import progress_by_juror


def calls_closing_soon(now: datetime) -> list[Call]:
    """The calls whose scoring is open and closes within their reminder's days from
    ``now`` (and has not closed yet)."""
    candidates = db.session.scalars(
        select(Call).where(
            Call.scoring_open.is_(True),
            Call.scoring_closes_at.is_not(None),
            Call.scoring_closes_at > now,
            Call.scoring_reminder_days > 0,
        )
    )
    return [
        call
        for call in candidates
        if call.scoring_closes_at - timedelta(days=call.scoring_reminder_days) <= now
    ]


def _claim(call: Call, juror_id: int, now: datetime) -> bool:
    """Mark the juror reminded for ``call``, unless someone did already: whether we did."""
    claimed = db.session.execute(
        update(JuryMember)
        .where(
            JuryMember.call_id == call.id,
            JuryMember.user_id == juror_id,
            JuryMember.scoring_reminded_at.is_(None),
        )
        .values(scoring_reminded_at=now)
        .execution_options(synchronize_session=False)
    ).rowcount
    return claimed == 1


def remind_jurors_before_closing(now: datetime | None = None) -> int:
    """Remind, once, every juror of the calls closing soon who has reviews not submitted;
    return how many jurors were reminded.

    For each such call: marks the jurors reminded, then announces
    ``scoring_reminders_due`` (actor: the system; data: how many and the closing time;
    ``pending``: {juror id: (submitted, assigned)} for the subscribers, who queue one
    e-mail each). Only flushes: the periodic job commits.
    """
    now = now or utcnow()
    reminded = 0
    for call in calls_closing_soon(now):
        pending = {
            juror_id: counts
            for juror_id, counts in progress_by_juror(call, not_reminded=True).items()
            if counts[0] < counts[1]
        }
        claimed = {
            juror_id: pending[juror_id]
            for juror_id in sorted(pending)
            if _claim(call, juror_id, now)
        }
        if not claimed:
            continue
        announce(
            Event.SCORING_REMINDERS_DUE,
            actor=None,
            subject=call,
            data={"reminded": len(claimed), "closes_at": call.scoring_closes_at.isoformat()},
            pending=claimed,
        )
        reminded += len(claimed)
    db.session.flush()
    return reminded
