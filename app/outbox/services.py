"""Queueing and delivering email.

A message is queued as an outbox row in the same transaction as the change that
causes it, so a rolled-back change sends nothing. After the commit, the ids queued
in this session are handed to the job queue, whose worker delivers them: by SMTP
when ``MAIL_SERVER`` is set, otherwise by writing them to the log.
``flask --app wsgi outbox send`` delivers whatever is still queued.
"""

from __future__ import annotations

import logging
import smtplib
from dataclasses import dataclass
from email.message import EmailMessage

from flask import current_app, render_template
from flask_babel import force_locale
from sqlalchemy import event, select
from sqlalchemy.orm import Session

from app.common.clock import utcnow
from app.extensions import db
from app.i18n import text_direction
from app.outbox.models import MessageStatus, OutboxAttachment, OutboxMessage

log = logging.getLogger("impulse.outbox")

#: Where a transaction keeps the ids of the messages it queued; app.outbox.tasks sends
#: them once it commits.
PENDING_KEY = "outbox_pending"
#: The messages queued in this session and not flushed yet (their ids are still unknown).
_UNFLUSHED_KEY = "outbox_unflushed"


#: RIGHT-TO-LEFT MARK: starts a paragraph right to left in mail clients that guess the
#: direction from the first strong character (a line opening with a name or a reference).
RLM = "\u200f"


def right_to_left(text: str) -> str:
    """Mark every line of a plain-text Arabic email right to left, except links (left
    untouched so that clients still recognise them) and the ``-- `` signature separator."""
    return "\n".join(
        line if not line.strip() or line.startswith(("http://", "https://", "-- ")) else RLM + line
        for line in text.split("\n")
    )


@dataclass(frozen=True)
class Attachment:
    """A file to send with an e-mail: its name, MIME type (with parameters, e.g.
    ``text/calendar; method=PUBLISH``) and content."""

    filename: str
    content_type: str
    content: bytes


def queue_email(
    recipient: str,
    subject: str,
    template: str,
    *,
    locale: str = "fr",
    application_id: int | None = None,
    subject_params: dict | None = None,
    attachments: tuple[Attachment, ...] | list[Attachment] = (),
    **context,
) -> OutboxMessage:
    """Render ``templates/email/<template>.txt`` in ``locale`` and queue it in the outbox
    (the row is inserted with the next flush, at the latest the commit's).

    ``subject`` may be a lazy string, with ``%(name)s`` placeholders filled from
    ``subject_params``: it is rendered in ``locale`` too. ``attachments`` are stored
    with the message (a calendar invitation) and sent with it. The message leaves only
    once the surrounding transaction commits.
    """
    message = OutboxMessage(
        **rendered_email(
            recipient,
            subject,
            template,
            locale=locale,
            application_id=application_id,
            subject_params=subject_params,
            **context,
        )
    )
    for attachment in attachments:
        message.attachments.append(
            OutboxAttachment(
                filename=attachment.filename,
                content_type=attachment.content_type,
                content=attachment.content,
            )
        )
    db.session.add(message)
    # Its id is taken at the next flush (see _collect_ids): no flush per message, so that
    # a service e-mailing every dossier of a call (the publication) writes them together.
    db.session.info.setdefault(_UNFLUSHED_KEY, []).append(message)
    return message


@event.listens_for(Session, "after_flush_postexec")
def _collect_ids(session: Session, _flush_context) -> None:
    """The messages queued since the last flush have their ids: hand them to PENDING_KEY."""
    messages = session.info.pop(_UNFLUSHED_KEY, None)
    if messages:
        waiting = [message for message in messages if message.id is None]
        session.info.setdefault(PENDING_KEY, []).extend(
            message.id for message in messages if message.id is not None
        )
        if waiting:
            session.info[_UNFLUSHED_KEY] = waiting


@event.listens_for(Session, "after_rollback")
def _forget_unflushed(session: Session) -> None:
    session.info.pop(_UNFLUSHED_KEY, None)


def rendered_email(
    recipient: str,
    subject: str,
    template: str,
    *,
    locale: str = "fr",
    application_id: int | None = None,
    subject_params: dict | None = None,
    **context,
) -> dict:
    """The values of the outbox row :func:`queue_email` stores (recipient, subject,
    body, template, dossier), rendered in ``locale``; writes nothing. The demo loader
    inserts many such rows at once, then hands their ids to :func:`queued`."""
    with force_locale(locale):
        body = render_template(f"email/{template}.txt", **context)
        subject_text = str(subject) % (subject_params or {})
    if text_direction(locale) == "rtl":
        body, subject_text = right_to_left(body), RLM + subject_text
    return {
        "recipient": recipient,
        "subject": subject_text[:300],
        "body_text": body,
        "template": template,
        "application_id": application_id,
    }


def queued(ids: list[int]) -> None:
    """Send the messages ``ids``, inserted in this transaction, once it commits (as
    :func:`queue_email` does for the one it queues)."""
    db.session.info.setdefault(PENDING_KEY, []).extend(ids)


def deliver_message(session: Session, message: OutboxMessage) -> None:
    """Send one queued message now and record the outcome on its row."""
    config = current_app.config
    message.attempts += 1
    try:
        if config.get("MAIL_SERVER"):
            _send_smtp(message, config)
        else:
            log.info(
                "email to=%s subject=%r attachments=%s\n%s",
                message.recipient,
                message.subject,
                [attachment.filename for attachment in message.attachments],
                message.body_text,
            )
    except (OSError, smtplib.SMTPException) as error:
        message.status = MessageStatus.FAILED
        message.last_error = str(error)[:1000]
        log.warning("email to %s failed: %s", message.recipient, error)
    else:
        message.status = MessageStatus.SENT
        message.sent_at = utcnow()
        message.last_error = None


def deliver_queued(session: Session, ids: list[int] | None = None) -> int:
    """Deliver the queued (or failed) messages among ``ids`` (all when None); return the count."""
    query = select(OutboxMessage).where(
        OutboxMessage.status.in_([MessageStatus.QUEUED, MessageStatus.FAILED])
    )
    if ids is not None:
        query = query.where(OutboxMessage.id.in_(ids))
    messages = session.scalars(query.order_by(OutboxMessage.id).with_for_update(skip_locked=True))
    count = 0
    for message in messages:
        deliver_message(session, message)
        count += 1
    session.commit()
    return count


def _send_smtp(message: OutboxMessage, config) -> None:
    email = EmailMessage()
    email["From"] = config["MAIL_SENDER"]
    email["To"] = message.recipient
    email["Subject"] = message.subject
    email.set_content(message.body_text)
    for attachment in message.attachments:
        _attach(email, attachment)
    with smtplib.SMTP(config["MAIL_SERVER"], config["MAIL_PORT"], timeout=30) as smtp:
        if config.get("MAIL_USE_TLS"):
            smtp.starttls()
        if config.get("MAIL_USERNAME"):
            smtp.login(config["MAIL_USERNAME"], config["MAIL_PASSWORD"])
        smtp.send_message(email)


def _attach(email: EmailMessage, attachment: OutboxAttachment) -> None:
    """Add ``attachment`` to ``email`` with its MIME type and parameters (a calendar
    invitation keeps ``method=PUBLISH``, which mail clients read to offer "add")."""
    kind, *parameters = (part.strip() for part in attachment.content_type.split(";"))
    maintype, _, subtype = kind.partition("/")
    params = dict(part.partition("=")[::2] for part in parameters if "=" in part)
    email.add_attachment(
        bytes(attachment.content),
        maintype=maintype,
        subtype=subtype or "octet-stream",
        filename=attachment.filename,
        params=params,
    )
