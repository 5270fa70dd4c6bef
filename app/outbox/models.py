"""The email outbox: every message is a row before it leaves."""

from datetime import datetime
from enum import StrEnum

from sqlalchemy import ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from app.common.clock import utcnow
from app.common.types import UTCDateTime
from app.extensions import db


class MessageStatus(StrEnum):
    QUEUED = "queued"
    SENT = "sent"
    FAILED = "failed"


class OutboxMessage(db.Model):
    __tablename__ = "outbox_messages"
    __table_args__ = (Index("ix_outbox_messages_status_id", "status", "id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    #: Address the message goes to.
    recipient: Mapped[str] = mapped_column(String(254))
    subject: Mapped[str] = mapped_column(String(300))
    #: Plain-text body, already rendered in the recipient's language.
    body_text: Mapped[str] = mapped_column(Text)
    #: Template it was rendered from, for staff to filter on.
    template: Mapped[str] = mapped_column(String(80))
    #: One of :class:`MessageStatus`.
    status: Mapped[str] = mapped_column(String(10), default=MessageStatus.QUEUED)
    #: Delivery attempts so far.
    attempts: Mapped[int] = mapped_column(default=0)
    #: Why the last attempt failed.
    last_error: Mapped[str | None] = mapped_column(Text)
    #: The application the message is about, if any.
    application_id: Mapped[int | None] = mapped_column(ForeignKey("applications.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
