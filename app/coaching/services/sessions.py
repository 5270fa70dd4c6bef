"""Coaches log their sessions with the entrepreneur; the author edits one for EDIT_DAYS,
then staff may unlock it for as many days again."""

from __future__ import annotations

from datetime import date

from flask_babel import format_date
from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select

from app.access.policy import may_unlock_session
from app.applications.models import Application
from app.audit.models import AuditEvent
from app.auth.models import User
from app.coaching.models import EDIT_DAYS, MODES, PLACES, ActionItem, CoachingSession
from app.coaching.overview import settings_for, today
from app.coaching.services.common import (
    TEXT_MAX,
    CoachingError,
    CoachingNotPermitted,
    announce_on,
    changes,
    require_coach_of,
)
from app.coaching.services.items import clean_item
from app.common.clock import BRUSSELS, utcnow
from app.common.errors import ConcurrentUpdate
from app.events import Event
from app.extensions import db
from workflows.application import ApplicationStatus

#: Longest session, in minutes.
MAX_DURATION = 12 * 60
#: The words of a session: an edit says that they changed, never what they say.
WORDS = ("summary", "private_notes", "tags")


def selection_date(application: Application) -> date:
    """The day the project was selected (its first move to ``selected``); the call's
    closing day when no such move was recorded."""
    moment = db.session.scalar(
        select(func.min(AuditEvent.created_at)).where(
            AuditEvent.application_id == application.id,
            AuditEvent.to_state == ApplicationStatus.SELECTED,
        )
    )
    if moment is None:
        moment = application.call.closes_at
    return moment.astimezone(BRUSSELS).date()


def _clean_session(application: Application, data: dict) -> dict:
    """Validated session fields, or CoachingError naming the first problem."""
    held_on = data.get("held_on")
    if not isinstance(held_on, date):
        raise CoachingError(_l("Give the date of the session."))
    if held_on > today():
        raise CoachingError(_l("A session cannot be dated in the future."))
    selected_on = selection_date(application)
    if held_on < selected_on:
        raise CoachingError(
            _l(
                "A session cannot be dated before the project was selected (%(date)s).",
                date=format_date(selected_on, "d MMM y"),  # as the coaching pages write it
            )
        )
    duration = data.get("duration_minutes")
    if not isinstance(duration, int) or isinstance(duration, bool) or duration <= 0:
        raise CoachingError(_l("The duration must be a positive number of minutes."))
    if duration > MAX_DURATION:
        raise CoachingError(_l("A session lasts at most 12 hours."))
    if data.get("mode") not in MODES:
        raise CoachingError(_l("Choose how the session was held."))
    if data.get("place") not in PLACES:
        raise CoachingError(_l("Choose where the session was held."))
    allowed = {entry["key"] for entry in settings_for(application.call).topics}
    topics = list(dict.fromkeys(data.get("topics") or []))
    if any(topic not in allowed for topic in topics):
        raise CoachingError(_l("Choose topics from the programme's list."))
    next_on = data.get("next_session_on")
    if next_on is not None and next_on < held_on:
        raise CoachingError(_l("The next session comes after this one."))
    summary = (data.get("summary") or "").strip()
    notes = (data.get("private_notes") or "").strip()
    if len(summary) > TEXT_MAX or len(notes) > TEXT_MAX:
        raise CoachingError(_l("A text holds at most 10,000 characters."))
    return {
        "held_on": held_on,
        "duration_minutes": duration,
        "mode": data["mode"],
        "place": data["place"],
        "topics": topics,
        "tags": _tags(data.get("tags") or []),
        "summary": summary,
        "private_notes": notes,
        "next_session_on": next_on,
    }


def _tags(values) -> list[str]:
    """Free tags, lower-case, each once, at most 20."""
    tags = []
    for tag in values:
        tag = " ".join(str(tag).split()).lower()[:40]
        if tag and tag not in tags:
            tags.append(tag)
    return tags[:20]


def log_session(application: Application, data: dict, *, actor: User) -> CoachingSession:
    """Log a session of ``actor`` with the entrepreneur, with its action items; announced
    as ``coaching_session_logged`` (its date and how many items came out of it)."""
    require_coach_of(application, actor)
    fields = _clean_session(application, data)
    items = [clean_item(item) for item in data.get("items") or [] if item.get("text")]
    now = utcnow()
    session = CoachingSession(
        application=application, coach_id=actor.id, created_at=now, updated_at=now, **fields
    )
    db.session.add(session)
    db.session.flush()
    for item in items:
        db.session.add(
            ActionItem(
                application_id=application.id,
                session_id=session.id,
                created_by_id=actor.id,
                created_at=now,
                **item,
            )
        )
    facts = {"held_on": fields["held_on"].isoformat(), "items": len(items)}
    announce_on(application, Event.COACHING_SESSION_LOGGED, session, actor=actor, data=facts)
    db.session.flush()
    return session


def edit_session(
    session: CoachingSession, data: dict, *, actor: User, expected_version: int
) -> CoachingSession:
    """Change a session: only its author, while it is not locked. Announced as
    ``coaching_session_edited`` with ``{field: [old, new]}`` of what changed (the
    summary, private notes and tags only say that they changed); nothing changed,
    nothing written.

    ``expected_version`` is the session's version the form showed: ConcurrentUpdate
    when it changed since (another tab saved first; at flush, when both saved at once),
    so an edit never silently overwrites another.
    """
    application = session.application
    if session.coach_id != actor.id:
        raise CoachingError(_l("Only the coach who logged a session may change it."))
    require_coach_of(application, actor)
    if session.version != expected_version:
        raise ConcurrentUpdate()
    if session.locked:
        raise CoachingError(
            _l(
                "This session is locked: it can be changed for %(days)d days after it was "
                "logged. Ask the programme staff to unlock it.",
                days=EDIT_DAYS,
            )
        )
    fields = _clean_session(application, data)
    changed = changes({name: getattr(session, name) for name in fields}, fields, words=WORDS)
    if changed:
        for name in changed:
            setattr(session, name, fields[name])
        session.updated_at = utcnow()
        event = Event.COACHING_SESSION_EDITED
        announce_on(application, event, session, actor=actor, data=changed)
    db.session.flush()
    return session


def unlock_session(session: CoachingSession, *, actor: User) -> None:
    """Staff reopen a locked session for its author, for another EDIT_DAYS days;
    announced as ``coaching_session_unlocked``."""
    if not may_unlock_session(actor, session):
        raise CoachingNotPermitted(_l("Only the programme staff can do this."))
    if not session.locked:
        raise CoachingError(_l("This session is not locked."))
    session.unlocked_at = utcnow()
    session.unlocked_by_id = actor.id
    data = {"coach": session.coach_id}
    announce_on(
        session.application, Event.COACHING_SESSION_UNLOCKED, session, actor=actor, data=data
    )
    db.session.flush()
