"""Information sessions of a call's communication campaign, and who registered."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, String, UniqueConstraint, func, select
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.calls.models import Call
from app.common.clock import utcnow
from app.common.types import UTCDateTime
from app.extensions import db


class InfoSession(db.Model):
    __tablename__ = "info_sessions"

    id: Mapped[int] = mapped_column(primary_key=True)
    call_id: Mapped[int] = mapped_column(ForeignKey("calls.id"), index=True)
    #: City, e.g. Antwerp, Brussels, Liège.
    city: Mapped[str] = mapped_column(String(100))
    #: Venue name and address.
    venue: Mapped[str] = mapped_column(String(300))
    starts_at: Mapped[datetime] = mapped_column(UTCDateTime)
    ends_at: Mapped[datetime] = mapped_column(UTCDateTime)
    #: Seats; registration closes when they are taken.
    capacity: Mapped[int]
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    call: Mapped[Call] = relationship()
    registrations: Mapped[list[SessionRegistration]] = relationship(
        back_populates="session", cascade="all, delete-orphan", order_by="SessionRegistration.id"
    )


class SessionRegistration(db.Model):
    __tablename__ = "session_registrations"
    __table_args__ = (UniqueConstraint("session_id", "email"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    session_id: Mapped[int] = mapped_column(ForeignKey("info_sessions.id"), index=True)
    full_name: Mapped[str] = mapped_column(String(200))
    #: Lower-case; one registration per address per session.
    email: Mapped[str] = mapped_column(String(254))
    #: The language the visitor registered in: their e-mails are written in it.
    locale: Mapped[str] = mapped_column(String(8), default="fr")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    session: Mapped[InfoSession] = relationship(back_populates="registrations")


def sessions_with_counts(call: Call) -> list[tuple[InfoSession, int]]:
    """The call's sessions by start time, each with its number of registrations (one query)."""
    registered = func.count(SessionRegistration.id)
    rows = db.session.execute(
        select(InfoSession, registered)
        .outerjoin(SessionRegistration, SessionRegistration.session_id == InfoSession.id)
        .where(InfoSession.call_id == call.id)
        .group_by(InfoSession.id)
        .order_by(InfoSession.starts_at, InfoSession.id)
    ).all()
    return [(info_session, count) for info_session, count in rows]


def public_sessions(call: Call, *, now: datetime | None = None) -> list[tuple[InfoSession, int]]:
    """The call's sessions still to come, each with its seats left (0 when full), in one query."""
    now = now or utcnow()
    return [
        (info_session, max(info_session.capacity - count, 0))
        for info_session, count in sessions_with_counts(call)
        if info_session.starts_at > now
    ]
