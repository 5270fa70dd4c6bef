"""Information sessions of a call's communication campaign, and who registered."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, String, UniqueConstraint
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
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    session: Mapped[InfoSession] = relationship(back_populates="registrations")
