"""Calendar files (RFC 5545): the invitations e-mails carry and the calls' feeds.

One shape for both: :func:`calendar_file` writes events with the ``icalendar`` library,
every moment in Europe/Brussels (where every date of a call is set) with that zone's
VTIMEZONE, so that a calendar shows an 18:00 session at 18:00 in Brussels whatever its
own zone. An event keeps the same UID each time it is sent (an information session, the
next coaching session of a project), so that a calendar updates it instead of adding a
second one; ``sequence`` orders the versions and a cancelled event is sent again with
``cancelled=True``. The files are published (``METHOD:PUBLISH``): "add to my calendar",
no RSVP, and no attendee, so that they hold no one's name or address.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from urllib.parse import urlsplit

from flask import current_app, has_app_context
from icalendar import Calendar, Event, Timezone, vText

from app.common.clock import BRUSSELS, utcnow

PRODUCT_ID = "-//Impulse//Calls for projects//EN"
#: The MIME type of a calendar file, and of an invitation attached to an e-mail.
CONTENT_TYPE = "text/calendar"


@dataclass(frozen=True)
class CalendarEvent:
    """One event: a moment (a deadline: no end), a span (a session) or a whole day."""

    #: Unique and stable: the same event sent again carries the same UID.
    uid: str
    summary: str
    #: Aware datetime, or a date for a whole day.
    start: datetime | date
    #: None: a deadline (a moment) or one whole day.
    end: datetime | date | None = None
    description: str = ""
    location: str = ""
    url: str | None = None
    #: Raised each time the event is sent again with a change.
    sequence: int = 0
    cancelled: bool = False


def uid(*parts) -> str:
    """A stable UID for the record ``parts`` ("info-session", 12) on this site's domain
    (``BASE_URL``'s): "info-session-12@impulse.example"."""
    domain = None
    if has_app_context():
        domain = urlsplit(current_app.config.get("BASE_URL") or "").hostname
    return "-".join(str(part) for part in parts) + "@" + (domain or "impulse.invalid")


def _in_brussels(moment: datetime | date) -> datetime | date:
    if isinstance(moment, datetime):
        return moment.astimezone(BRUSSELS)
    return moment


def _component(item: CalendarEvent, stamp: datetime) -> Event:
    event = Event()
    event.add("uid", item.uid)
    event.add("dtstamp", stamp)
    event.add("sequence", item.sequence)
    event.add("summary", item.summary)
    event.add("dtstart", _in_brussels(item.start))
    end = item.end
    if end is None and not isinstance(item.start, datetime):
        end = item.start + timedelta(days=1)  # a whole day ends the next day (RFC 5545)
    if end is not None:
        event.add("dtend", _in_brussels(end))
    if item.description:
        event.add("description", item.description)
    if item.location:
        event.add("location", item.location)
    if item.url:
        event.add("url", item.url)
    event.add("status", "CANCELLED" if item.cancelled else "CONFIRMED")
    event.add("transp", "TRANSPARENT" if item.end is None else "OPAQUE")
    return event


def calendar_file(
    events: list[CalendarEvent], *, name: str | None = None, stamp: datetime | None = None
) -> bytes:
    """The iCalendar file of ``events`` (UTF-8, CRLF lines), with the VTIMEZONE of
    Europe/Brussels covering them; ``name`` names a feed in the calendar apps."""
    calendar = Calendar()
    calendar.add("prodid", PRODUCT_ID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "PUBLISH")
    if name:
        calendar.add("name", name)
        calendar.add("x-wr-calname", vText(name))
    calendar.add("x-wr-timezone", vText(str(BRUSSELS)))
    calendar.add_component(_timezone(events))
    stamp = stamp or utcnow()
    for item in events:
        calendar.add_component(_component(item, stamp))
    return calendar.to_ical()


def _timezone(events: list[CalendarEvent]) -> Timezone:
    """Europe/Brussels's changes of offset from the year before the first event to two
    years after the last (a short file that still covers every event)."""
    days = [
        moment.date() if isinstance(moment, datetime) else moment
        for item in events
        for moment in (item.start, item.end)
        if moment is not None
    ] or [utcnow().date()]
    first = date(min(days).year - 1, 1, 1)
    last = date(max(days).year + 2, 1, 1)
    return Timezone.from_tzid(str(BRUSSELS), first_date=first, last_date=last)
