"""Every write about information sessions, and the seat counts pages read.

Staff create, edit and delete a call's sessions (each announced: one audit row in the
call's trail); visitors register without an account. Services only flush: the view
commits (or rolls back) once.
"""

from __future__ import annotations

from datetime import datetime

from flask_babel import force_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from app.audit.models import AuditEvent
from app.auth.models import User
from app.calls.models import Call
from app.common.clock import utcnow
from app.common.errors import Refusal
from app.common.ics import CONTENT_TYPE, CalendarEvent, calendar_file, uid
from app.common.urls import external_url
from app.events import Event, announce
from app.extensions import db
from app.info_sessions.models import InfoSession, SessionRegistration
from app.outbox.services import Attachment, queue_email

SESSION_FIELDS = ("city", "venue", "starts_at", "ends_at", "capacity")
#: What registered people are told about when it changes (a new invitation).
WHEN_AND_WHERE = ("city", "venue", "starts_at", "ends_at")

ALREADY_REGISTERED = _l("You are already registered for this session. See you there!")
FULL = _l("This session is full: every seat is taken.")


class InfoSessionError(Refusal):
    """A refused change or registration; the message is shown as it is."""


class SessionFull(InfoSessionError):
    """Every seat of the session is taken."""


class SessionPast(InfoSessionError):
    """The session has started or is over: registration is closed."""


class AlreadyRegistered(InfoSessionError):
    """This email address is registered for this session already."""


# Reading ---------------------------------------------------------------------------


def registration_count(info_session: InfoSession) -> int:
    """The people registered for the session, counted in the database (not the loaded list)."""
    return db.session.scalar(
        select(func.count())
        .select_from(SessionRegistration)
        .where(SessionRegistration.session_id == info_session.id)
    )


def _lock(info_session: InfoSession) -> None:
    """Lock the session's row until commit (PostgreSQL; SQLite serialises writers anyway)."""
    db.session.execute(
        select(InfoSession.id).where(InfoSession.id == info_session.id).with_for_update()
    )


# Staff -----------------------------------------------------------------------------


def _check(data: dict) -> None:
    if data["starts_at"].tzinfo is None or data["ends_at"].tzinfo is None:
        raise InfoSessionError(_l("Dates must carry a time zone."))
    if data["ends_at"] <= data["starts_at"]:
        raise InfoSessionError(_l("The session must end after it starts."))
    if data["capacity"] < 1:
        raise InfoSessionError(_l("A session has at least 1 seat."))


def _facts(info_session: InfoSession) -> dict:
    """The session's place, times and seats, JSON-ready."""
    return {
        name: value.isoformat() if isinstance(value, datetime) else value
        for name, value in ((name, getattr(info_session, name)) for name in SESSION_FIELDS)
    }


def _announce(event: Event, info_session: InfoSession, actor: User, data: dict) -> None:
    announce(event, actor=actor, subject=info_session, call_id=info_session.call_id, data=data)


def create_session(call: Call, data: dict, *, actor: User) -> InfoSession:
    """Add a session to ``call`` from validated data (dates aware, in UTC); announced as
    ``info_session_created``.

    Raises InfoSessionError when the data is inconsistent.
    """
    _check(data)
    info_session = InfoSession(call=call, **{name: data[name] for name in SESSION_FIELDS})
    db.session.add(info_session)
    db.session.flush()
    _announce(Event.INFO_SESSION_CREATED, info_session, actor, _facts(info_session))
    db.session.flush()
    return info_session


def update_session(info_session: InfoSession, data: dict, *, actor: User) -> InfoSession:
    """Change a session's place, times or seats; announced as ``info_session_edited``
    with each change as [before, after].

    Side effect: when its place or times change, every person registered is e-mailed the
    new ones (``email/session_changed.txt``, in the language they registered in) with the
    session's invitation again: the same UID, a higher SEQUENCE, so that their calendar
    moves the event instead of adding a second one.

    Raises InfoSessionError as :func:`create_session`, and when the new capacity is
    below the number of people already registered (they keep their seats).
    """
    _check(data)
    _lock(info_session)
    registered = registration_count(info_session)
    if data["capacity"] < registered:
        raise InfoSessionError(
            _l(
                "%(count)d people are registered already: the session needs at least "
                "%(count)d seats.",
                count=registered,
            )
        )
    before = _facts(info_session)
    for name in SESSION_FIELDS:
        setattr(info_session, name, data[name])
    after = _facts(info_session)
    changes = {name: [before[name], after[name]] for name in after if before[name] != after[name]}
    _announce(Event.INFO_SESSION_EDITED, info_session, actor, changes)
    db.session.flush()
    if any(name in changes for name in WHEN_AND_WHERE):
        sequence = _version(info_session)
        for registration in info_session.registrations:
            _email(registration, "session_changed", registration.locale, sequence)
    return info_session


def delete_session(info_session: InfoSession, *, actor: User) -> None:
    """Delete a session nobody registered for; announced as ``info_session_deleted``.
    Raises InfoSessionError when someone registered."""
    _lock(info_session)
    if registration_count(info_session):
        raise InfoSessionError(_l("People are registered for this session: it cannot be deleted."))
    _announce(Event.INFO_SESSION_DELETED, info_session, actor, _facts(info_session))
    db.session.delete(info_session)
    db.session.flush()


# Visitors --------------------------------------------------------------------------


def register_visitor(
    info_session: InfoSession, data: dict, *, locale: str, now: datetime | None = None
) -> SessionRegistration:
    """Register a visitor (``full_name``, ``email``) and queue their confirmation email.

    The seats are counted inside the transaction, with the session's row locked
    (PostgreSQL), and counted again after the insert, so that two visitors taking
    the last seat at once cannot both get it. The email is lower-cased.

    Side effect: queues ``email/session_registration.txt`` in ``locale``, with the
    session's calendar invitation (:func:`invitation`).
    Raises SessionPast, SessionFull or AlreadyRegistered; the caller rolls back.
    """
    now = now or utcnow()
    email = data["email"].strip().lower()
    _lock(info_session)
    if info_session.starts_at <= now:
        raise SessionPast(_l("This session has already taken place: registration is closed."))
    duplicate = db.session.scalar(
        select(SessionRegistration.id).where(
            SessionRegistration.session_id == info_session.id, SessionRegistration.email == email
        )
    )
    if duplicate:
        raise AlreadyRegistered(ALREADY_REGISTERED)
    if registration_count(info_session) >= info_session.capacity:
        raise SessionFull(FULL)
    registration = SessionRegistration(
        session=info_session, full_name=data["full_name"].strip(), email=email, locale=locale
    )
    db.session.add(registration)
    try:
        db.session.flush()
    except IntegrityError as error:  # the same address, registered at the same moment
        raise AlreadyRegistered(ALREADY_REGISTERED) from error
    if registration_count(info_session) > info_session.capacity:
        raise SessionFull(FULL)
    _email(registration, "session_registration", locale, _version(info_session))
    return registration


#: The subject of each e-mail to a registered person.
SUBJECTS = {
    "session_registration": _l("Your registration: information session in %(city)s"),
    "session_changed": _l("The information session in %(city)s has changed"),
}


def _email(registration: SessionRegistration, template: str, locale: str, sequence: int):
    info_session = registration.session
    queue_email(
        registration.email,
        SUBJECTS[template],
        template,
        locale=locale,
        subject_params={"city": info_session.city},
        attachments=[invitation(info_session, locale, sequence=sequence)],
        registration=registration,
        info_session=info_session,
        call=info_session.call,
        public_url=external_url("info_sessions.public_call_sessions", call_id=info_session.call_id),
    )


def _version(info_session: InfoSession) -> int:
    """How many times the session was edited: its invitation's SEQUENCE."""
    return db.session.scalar(
        select(func.count())
        .select_from(AuditEvent)
        .where(
            AuditEvent.event == Event.INFO_SESSION_EDITED,
            AuditEvent.subject_kind == "info_session",
            AuditEvent.subject_id == info_session.id,
        )
    )


def invitation(info_session: InfoSession, locale: str, *, sequence: int = 0) -> Attachment:
    """The session as a calendar invitation (``.ics``) in ``locale``: its UID is the
    session's, whoever registers and however often it is sent."""
    call = info_session.call
    with force_locale(locale):
        event = CalendarEvent(
            uid=uid("info-session", info_session.id),
            summary=_("Information session: %(call)s", call=call.name),
            start=info_session.starts_at,
            end=info_session.ends_at,
            location=f"{info_session.venue}, {info_session.city}",
            description=_(
                "The session presents the programme, who may apply and how, and leaves "
                "time for your questions. Attendance is free."
            ),
            url=external_url("calls.public_call", reference=call.reference),
            sequence=sequence,
        )
        content = calendar_file([event])
    return Attachment(
        "information-session.ics", f"{CONTENT_TYPE}; method=PUBLISH; charset=UTF-8", content
    )
