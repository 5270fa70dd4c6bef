"""The one audit table: every domain event of every area, one row each.

Rows are only ever added, by :func:`app.events.announce`, in the transaction of the
change they record: a change rolled back leaves no row, and no change goes unrecorded.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, ForeignKey, Index, String
from sqlalchemy.ext.hybrid import hybrid_property
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.common.clock import utcnow
from app.common.types import UTCDateTime
from app.extensions import db


class AuditEvent(db.Model):
    """One domain event: who did what to which record, when, and the facts that matter."""

    __tablename__ = "audit_events"
    __table_args__ = (
        Index("ix_audit_events_call_time", "call_id", "created_at"),
        Index("ix_audit_events_application", "application_id", "id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
    #: Who did it; None for the system (deadlines, automatic promotions, commands).
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), index=True)
    #: The event's name: a lifecycle trigger ("submit", "select"...) or another
    #: :class:`app.events.Event` ("conflict_declared", "review_submitted"...).
    event: Mapped[str] = mapped_column(String(40), index=True)
    #: The kind of record the event is about ("application", "conflict", "review",
    #: "coaching_session", "letter", "user", "call"...) and its id.
    subject_kind: Mapped[str] = mapped_column(String(30))
    subject_id: Mapped[int | None]
    #: The call it belongs to, for the call's audit viewer (None for account events).
    call_id: Mapped[int | None] = mapped_column(ForeignKey("calls.id"))
    #: The dossier it concerns, if any: the dossier's history and the conflict scope.
    application_id: Mapped[int | None] = mapped_column(ForeignKey("applications.id"))
    #: The facts: for a transition {"from", "to", "note"}; for an edit {field: [old, new]};
    #: otherwise what the event needs (kind of conflict, juror, reason...). JSON values.
    data: Mapped[dict] = mapped_column(JSON, default=dict)
    #: The request (X-Request-ID) or job it came from, to join with the logs.
    request_id: Mapped[str | None] = mapped_column(String(128))

    actor = relationship("User", foreign_keys=[actor_id])
    application = relationship("Application", foreign_keys=[application_id])

    def __repr__(self) -> str:
        return f"<AuditEvent {self.id} {self.event} {self.subject_kind}:{self.subject_id}>"

    @hybrid_property
    def from_state(self) -> str | None:
        """For a transition: the state the dossier left (also usable in queries)."""
        return (self.data or {}).get("from")

    @from_state.inplace.expression
    @classmethod
    def _from_state_expression(cls):
        return cls.data["from"].as_string()

    @hybrid_property
    def to_state(self) -> str | None:
        """For a transition: the state the dossier reached (also usable in queries)."""
        return (self.data or {}).get("to")

    @to_state.inplace.expression
    @classmethod
    def _to_state_expression(cls):
        return cls.data["to"].as_string()

    @property
    def note(self) -> str | None:
        """The justification or comment given with the event, if any."""
        return (self.data or {}).get("note")
