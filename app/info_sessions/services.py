"""Every write about information sessions, and the seat counts pages read.

Staff create, edit and delete a call's sessions (each announced: one audit row in the
call's trail); visitors register without an account. Services only flush: the view
commits (or rolls back) once.
"""

from __future__ import annotations

from datetime import datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from app.auth.models import User
from app.calls.models import Call
from app.common.clock import utcnow
from app.common.errors import Refusal
from app.events import Event, announce
from app.extensions import db
from app.info_sessions.models import InfoSession, SessionRegistration
from app.outbox.services import queue_email

SESSION_FIELDS = ("city", "venue", "starts_at", "ends_at", "capacity")

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

    Side effect: queues ``email/session_registration.txt`` in ``locale``.
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
        session=info_session, full_name=data["full_name"].strip(), email=email
    )
    db.session.add(registration)
    try:
        db.session.flush()
    except IntegrityError as error:  # the same address, registered at the same moment
        raise AlreadyRegistered(ALREADY_REGISTERED) from error
    if registration_count(info_session) > info_session.capacity:
        raise SessionFull(FULL)
    _confirm(registration, locale)
    return registration


def _confirm(registration: SessionRegistration, locale: str) -> None:
    info_session = registration.session
    queue_email(
        registration.email,
        _l("Your registration: information session in %(city)s"),
        "session_registration",
        locale=locale,
        subject_params={"city": info_session.city},
        registration=registration,
        info_session=info_session,
        call=info_session.call,
    )
