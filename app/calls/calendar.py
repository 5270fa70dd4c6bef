"""A call's calendar feed: its deadlines and information sessions, for staff's calendar
apps.

Calendar apps cannot log in, so the feed is read by a link nobody can guess: the call's
id and its ``calendar_key`` (random), signed with the application's secret. Staff find
the link on the call's page; renewing it (app.calls.services.renew_calendar_link) gives
a new key, and the old link then answers 404. The feed holds the call's dates and its
information sessions (place, time, seats taken), never an applicant's name, address or
dossier.
"""

from __future__ import annotations

import hmac
from datetime import datetime

from flask import current_app
from flask_babel import force_locale
from flask_babel import gettext as _
from itsdangerous import BadSignature, URLSafeSerializer
from sqlalchemy import select

from app.audit.models import AuditEvent
from app.calls.models import Call
from app.common.ics import CalendarEvent, calendar_file, uid
from app.common.urls import external_url
from app.events import Event
from app.extensions import db
from app.info_sessions.models import sessions_with_counts
from app.selection.models import SelectionDecision, SelectionRound

SALT = "call-calendar-feed"


def _serializer() -> URLSafeSerializer:
    return URLSafeSerializer(current_app.config["SECRET_KEY"], salt=SALT)


def feed_token(call: Call) -> str:
    """The secret part of the call's feed link."""
    return _serializer().dumps([call.id, call.calendar_key])


def call_of_token(token: str) -> Call | None:
    """The call whose feed ``token`` opens; None for a forged, damaged or renewed one."""
    try:
        call_id, key = _serializer().loads(token)
    except (BadSignature, TypeError, ValueError):
        return None
    call = db.session.get(Call, call_id) if isinstance(call_id, int) else None
    if call is None or not isinstance(key, str):
        return None
    return call if hmac.compare_digest(call.calendar_key.encode(), key.encode()) else None


def feed_url(call: Call, language: str) -> str:
    """The feed's full link, its texts in ``language``."""
    return external_url("calls.calendar_feed", token=feed_token(call), lang=language)


def feed_events(call: Call) -> list[CalendarEvent]:
    """The call's dates, in the order they come: applications open and close, the
    information sessions, eligibility published, scoring opened, closed and its deadline,
    selection published and the deadlines to confirm a place."""
    name = call.reference
    events = [
        CalendarEvent(
            uid=uid("call", call.id, "opens"),
            summary=_("%(call)s: applications open", call=name),
            start=call.opens_at,
            url=external_url("calls.public_call", reference=call.reference),
        ),
        CalendarEvent(
            uid=uid("call", call.id, "closes"),
            summary=_("%(call)s: deadline for applications", call=name),
            start=call.closes_at,
            description=_("Applications submitted after this moment are refused."),
            url=external_url("calls.public_call", reference=call.reference),
        ),
    ]
    events += _sessions(call)
    if call.eligibility_published_at is not None:
        events.append(
            CalendarEvent(
                uid=uid("call", call.id, "eligibility-published"),
                summary=_("%(call)s: eligibility decisions published", call=name),
                start=call.eligibility_published_at,
            )
        )
    events += _scoring(call)
    events += _selection(call)
    return sorted(events, key=lambda event: (event.start, event.uid))


def _sessions(call: Call) -> list[CalendarEvent]:
    return [
        CalendarEvent(
            uid=uid("info-session", info_session.id),
            summary=_(
                "%(call)s: information session in %(city)s",
                call=call.reference,
                city=info_session.city,
            ),
            start=info_session.starts_at,
            end=info_session.ends_at,
            location=f"{info_session.venue}, {info_session.city}",
            description=_(
                "%(taken)d of %(capacity)d seats taken.",
                taken=count,
                capacity=info_session.capacity,
            ),
            url=external_url("info_sessions.show_session", session_id=info_session.id),
        )
        for info_session, count in sessions_with_counts(call)
    ]


def _scoring(call: Call) -> list[CalendarEvent]:
    """The deadline set for the jury's scoring, and each time scoring opened or closed
    (from the call's audit log)."""
    summaries = {
        Event.SCORING_OPENED: _("%(call)s: scoring opened", call=call.reference),
        Event.SCORING_CLOSED: _("%(call)s: scoring closed", call=call.reference),
    }
    rows = db.session.execute(
        select(AuditEvent.id, AuditEvent.event, AuditEvent.created_at)
        .where(AuditEvent.call_id == call.id, AuditEvent.event.in_([str(e) for e in summaries]))
        .order_by(AuditEvent.id)
    ).all()
    events = [
        CalendarEvent(uid=uid("call", call.id, event, row_id), summary=summaries[event], start=at)
        for row_id, event, at in rows
    ]
    if call.scoring_closes_at is not None:
        events.append(
            CalendarEvent(
                uid=uid("call", call.id, "scoring-closes"),
                summary=_("%(call)s: deadline for the jury's scores", call=call.reference),
                start=call.scoring_closes_at,
            )
        )
    return events


def _selection(call: Call) -> list[CalendarEvent]:
    """The selection's publication, and each deadline to confirm a place (the one set at
    publication, then those of places offered later from the reserve list)."""
    published_at = db.session.scalar(
        select(SelectionRound.published_at).where(SelectionRound.call_id == call.id)
    )
    if published_at is None:
        return []
    events = [
        CalendarEvent(
            uid=uid("call", call.id, "selection-published"),
            summary=_("%(call)s: selection published", call=call.reference),
            start=published_at,
        )
    ]
    deadlines = db.session.scalars(
        select(SelectionDecision.confirm_by)
        .distinct()
        .join(SelectionRound, SelectionRound.id == SelectionDecision.round_id)
        .where(SelectionRound.call_id == call.id, SelectionDecision.confirm_by.is_not(None))
    ).all()
    events += [
        CalendarEvent(
            uid=uid("call", call.id, "confirm-by", int(deadline.timestamp())),
            summary=_("%(call)s: deadline to confirm a place", call=call.reference),
            start=deadline,
            description=_("A selected applicant who has not confirmed by then loses the place."),
        )
        for deadline in sorted(set(deadlines))
    ]
    return events


def feed_file(call: Call, language: str, *, stamp: datetime | None = None) -> bytes:
    """The feed, its texts in ``language``."""
    with force_locale(language):
        return calendar_file(
            feed_events(call),
            name=_("%(call)s: dates and sessions", call=call.reference),
            stamp=stamp,
        )
