"""What the audit log tells a reader: a dossier's history, through the audit scope."""

from __future__ import annotations

from sqlalchemy.orm import joinedload

from app.access.scopes import visible_audit
from app.applications.models import Application
from app.audit.models import AuditEvent
from app.auth.models import User
from app.extensions import db


def dossier_history(viewer: User, application: Application) -> list[AuditEvent]:
    """The dossier's audit rows that ``viewer`` may read, oldest first, with their actors
    (one query)."""
    return list(
        db.session.scalars(
            visible_audit(viewer, application.call)
            .where(AuditEvent.application_id == application.id)
            .options(joinedload(AuditEvent.actor))
            .order_by(AuditEvent.id)
        )
    )
