"""Personal data duties: who read sensitive documents, erasure requests, disposed files."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlalchemy import ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.auth.models import User
from app.common.clock import utcnow
from app.common.types import UTCDateTime
from app.extensions import db

#: Kinds of document whose every download is logged and shown to the applicant.
SENSITIVE_KINDS = frozenset({"identity", "criminal_record"})


class DocumentAccess(db.Model):
    """One download of a sensitive document: who, when, which file.

    ``document_id`` is not a foreign key: the row outlives a replaced, erased or
    expired document, and the applicant still sees who read it.
    """

    __tablename__ = "document_accesses"
    __table_args__ = (Index("ix_document_accesses_application_at", "application_id", "at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    application_id: Mapped[int] = mapped_column(ForeignKey("applications.id"))
    document_id: Mapped[int]
    #: One of SENSITIVE_KINDS.
    kind: Mapped[str] = mapped_column(String(40))
    #: SHA-256 of the file read (which version of the document).
    sha256: Mapped[str] = mapped_column(String(64))
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    user: Mapped[User] = relationship()


class ErasureStatus(StrEnum):
    PENDING = "pending"
    ERASED = "erased"
    REFUSED = "refused"


class ErasureRequest(db.Model):
    """An applicant's request to be erased, decided by staff."""

    __tablename__ = "erasure_requests"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    requested_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    #: One of :class:`ErasureStatus`.
    status: Mapped[str] = mapped_column(String(10), default=ErasureStatus.PENDING)
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    #: Staff's reason for a refusal, shown to the applicant.
    note: Mapped[str] = mapped_column(Text, default="")

    user: Mapped[User] = relationship(foreign_keys=[user_id])
    decided_by: Mapped[User | None] = relationship(foreign_keys=[decided_by_id])


class DocumentDisposal(db.Model):
    """A document deleted by erasure or by retention: what it was, never its content."""

    __tablename__ = "document_disposals"

    id: Mapped[int] = mapped_column(primary_key=True)
    application_id: Mapped[int] = mapped_column(ForeignKey("applications.id"), index=True)
    kind: Mapped[str] = mapped_column(String(40))
    size: Mapped[int]
    sha256: Mapped[str] = mapped_column(String(64))
    uploaded_at: Mapped[datetime] = mapped_column(UTCDateTime)
    #: "erasure" or "retention".
    reason: Mapped[str] = mapped_column(String(20))
    #: Staff member who approved an erasure; None for the retention job.
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    disposed_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
