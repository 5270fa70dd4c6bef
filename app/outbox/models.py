"""The email outbox: every message is a row before it leaves."""

from datetime import datetime
from enum import StrEnum

from sqlalchemy import ForeignKey, Index, LargeBinary, String, Text
from sqlalchemy.orm import Mapped, backref, mapped_column, relationship

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


class OutboxAttachment(db.Model):
    """A file an outbox message carries (a calendar invitation), kept with it so that a
    retried delivery sends the very same file."""

    __tablename__ = "outbox_attachments"

    id: Mapped[int] = mapped_column(primary_key=True)
    message_id: Mapped[int] = mapped_column(ForeignKey("outbox_messages.id"), index=True)
    #: The name the recipient's mail client shows, e.g. ``invitation.ics``.
    filename: Mapped[str] = mapped_column(String(200))
    #: MIME type with its parameters, e.g. ``text/calendar; method=PUBLISH``.
    content_type: Mapped[str] = mapped_column(String(200))
    content: Mapped[bytes] = mapped_column(LargeBinary)

    message: Mapped[OutboxMessage] = relationship(
        backref=backref("attachments", cascade="all, delete-orphan", order_by="OutboxAttachment.id")
    )
