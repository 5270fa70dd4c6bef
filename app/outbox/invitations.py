"""The calendar invitation of the next coaching session (see app.events).

When a coach logs a session with the date of the next one, the entrepreneur and the
coach each get an e-mail in their language with that day as a calendar invitation
(``.ics``, a whole day: a coach gives the day, not the hour). When the coach changes that
date, they get it again: the same UID, a higher SEQUENCE, so that their calendars move
the day; a date taken away cancels it. The invitation names the dossier's reference and
the call, no person.
"""

from __future__ import annotations

from datetime import date

from flask_babel import force_locale, format_date
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select

from app.audit.models import AuditEvent
from app.common.ics import CONTENT_TYPE, CalendarEvent, calendar_file, uid
from app.common.urls import external_url
from app.events import Event, signal
from app.extensions import db
from app.outbox.services import Attachment, queue_email

SUBJECTS = {
    "planned": _l("Your next coaching session: %(date)s"),
    "moved": _l("Your next coaching session is moved to %(date)s"),
    "cancelled": _l("Your next coaching session is cancelled"),
}


@signal(Event.COACHING_SESSION_LOGGED).connect
def invite_to_the_next_session(session, **_kwargs) -> None:
    """A session logged with a next date: the invitation to that day."""
    if session.next_session_on is not None:
        _invite(session, "planned", session.next_session_on)


@signal(Event.COACHING_SESSION_EDITED).connect
def update_the_next_session(session, *, entry, **_kwargs) -> None:
    """The next date changed: the invitation again, moved to the new day, or cancelled."""
    change = (entry.data or {}).get("next_session_on")
    if not change:
        return
    before = date.fromisoformat(change[0]) if change[0] else None
    if session.next_session_on is not None:
        _invite(session, "moved" if before else "planned", session.next_session_on)
    elif before is not None:
        _invite(session, "cancelled", before)


def _invite(session, change: str, day: date) -> None:
    """E-mail the entrepreneur and the coach, each in their language, with the invitation."""
    application = session.application
    sequence = _version(session)
    for person, url in (
        (application.applicant, external_url("coaching.mine", project_id=application.id)),
        (session.coach, external_url("coaching.project", project_id=application.id)),
    ):
        with force_locale(person.locale):
            written = format_date(day, "full")
        queue_email(
            person.email,
            SUBJECTS[change],
            "coaching_next_session",
            locale=person.locale,
            application_id=application.id,
            subject_params={"date": written},
            attachments=[
                next_session_invitation(
                    session, day, person.locale, sequence=sequence, cancelled=change == "cancelled"
                )
            ],
            person=person,
            application=application,
            change=change,
            day=written,
            url=url,
        )


def _version(session) -> int:
    """How many times the session was edited: the invitation's SEQUENCE."""
    return db.session.scalar(
        select(func.count())
        .select_from(AuditEvent)
        .where(
            AuditEvent.event == Event.COACHING_SESSION_EDITED,
            AuditEvent.subject_kind == "coaching_session",
            AuditEvent.subject_id == session.id,
        )
    )


def next_session_invitation(
    session, day: date, locale: str, *, sequence: int = 0, cancelled: bool = False
) -> Attachment:
    """The next session's ``day`` as a calendar invitation in ``locale``; its UID is the
    logged session's, so that a change of the date moves the same event."""
    application = session.application
    with force_locale(locale):
        event = CalendarEvent(
            uid=uid("coaching-next-session", session.id),
            summary=_(
                "Coaching session: %(reference)s (%(call)s)",
                reference=application.reference,
                call=application.call.name,
            ),
            start=day,
            description=_(
                "The day planned for the next coaching session. The hour and the place are "
                "agreed between the entrepreneur and the coach."
            ),
            sequence=sequence,
            cancelled=cancelled,
        )
        content = calendar_file([event])
    return Attachment(
        "coaching-session.ics", f"{CONTENT_TYPE}; method=PUBLISH; charset=UTF-8", content
    )
