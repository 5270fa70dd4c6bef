"""Small helpers shared by tests."""

from sqlalchemy import func, select

from app.applications.models import AuditEntry
from app.extensions import db
from app.outbox.models import OutboxMessage


def outbox_messages() -> list[OutboxMessage]:
    return db.session.scalars(select(OutboxMessage).order_by(OutboxMessage.id)).all()


def audit_count(application_id: int | None = None) -> int:
    query = select(func.count()).select_from(AuditEntry)
    if application_id is not None:
        query = query.where(AuditEntry.application_id == application_id)
    return db.session.scalar(query)


def csrf_token_from(html: str) -> str:
    import re

    match = re.search(r'name="csrf_token" (?:type="hidden" )?value="([^"]+)"', html)
    if match is None:
        match = re.search(r'id="csrf_token" name="csrf_token" type="hidden" value="([^"]+)"', html)
    assert match, "no CSRF token in the page"
    return match.group(1)
