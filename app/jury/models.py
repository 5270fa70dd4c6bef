"""Who on the jury reads which dossier, and declared conflicts of interest.

The jury issue builds assignment, scoring and ranking on these tables.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.applications.models import Application
from app.auth.models import User
from app.common.clock import utcnow
from app.common.types import UTCDateTime
from app.extensions import db


class JuryAssignment(db.Model):
    __tablename__ = "jury_assignments"
    __table_args__ = (UniqueConstraint("application_id", "juror_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    application_id: Mapped[int] = mapped_column(ForeignKey("applications.id"), index=True)
    juror_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    application: Mapped[Application] = relationship()
    juror: Mapped[User] = relationship()


class ConflictOfInterest(db.Model):
    __tablename__ = "conflicts_of_interest"
    __table_args__ = (UniqueConstraint("application_id", "juror_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    application_id: Mapped[int] = mapped_column(ForeignKey("applications.id"), index=True)
    juror_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    #: family, business_partner, employer, investor, other.
    kind: Mapped[str] = mapped_column(String(30))
    note: Mapped[str | None] = mapped_column(Text)
    #: The juror themself, or the staff member who recorded it.
    declared_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


def juror_may_read(application_id: int, juror_id: int) -> bool:
    """Assigned to the dossier and not in conflict with it."""
    from sqlalchemy import exists, select

    assigned = db.session.scalar(
        select(
            exists().where(
                JuryAssignment.application_id == application_id,
                JuryAssignment.juror_id == juror_id,
            )
        )
    )
    if not assigned:
        return False
    conflicted = db.session.scalar(
        select(
            exists().where(
                ConflictOfInterest.application_id == application_id,
                ConflictOfInterest.juror_id == juror_id,
            )
        )
    )
    return not conflicted
