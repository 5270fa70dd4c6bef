"""Decision letters: one row per letter version, requested with the decision itself.

A letter is requested (status ``pending``) in the same transaction as the decision
that causes it (app.applications.services.apply_transition), so a decision never
exists without its letter and a rolled-back decision leaves no letter. The worker
fills the row in: it renders the PDF, stores it under its SHA-256, and marks it
``done`` in one transaction, or ``failed`` with the reason.

Versions: generating a letter again (after a correction) marks the current row
superseded and adds a new pending row with the next version. ``current`` is True for
the current version and NULL for superseded ones: the unique constraint on
(decision, current) allows exactly one current letter per decision event.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.applications.models import Application
from app.audit.models import AuditEvent
from app.common.clock import utcnow
from app.common.types import UTCDateTime
from app.extensions import db
from workflows.letters import LetterOutcome, LetterStatus

OUTCOMES = tuple(LetterOutcome)
PENDING, DONE, FAILED = LetterStatus.PENDING, LetterStatus.DONE, LetterStatus.FAILED


class Letter(db.Model):
    __tablename__ = "letters"
    __table_args__ = (
        UniqueConstraint("audit_event_id", "current", name="uq_letters_current_version"),
        UniqueConstraint("audit_event_id", "version", name="uq_letters_version"),
        Index("ix_letters_call_status", "call_id", "status"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    application_id: Mapped[int] = mapped_column(ForeignKey("applications.id"), index=True)
    #: The call, copied from the application: progress is counted per call.
    call_id: Mapped[int] = mapped_column(ForeignKey("calls.id"))
    #: The decision event (the transition's audit row) that the letter announces.
    audit_event_id: Mapped[int] = mapped_column(ForeignKey("audit_events.id"))
    #: ineligible, information_requested, not_selected, reserve, selected, promoted.
    outcome: Mapped[str] = mapped_column(String(30))
    #: 1 for the first letter of the decision, then one more per regeneration.
    version: Mapped[int] = mapped_column(default=1)
    #: True for the current version; NULL once superseded (see the unique constraint).
    current: Mapped[bool | None] = mapped_column(default=True)
    #: pending (waiting for the worker), done (stored), failed (see ``last_error``).
    status: Mapped[str] = mapped_column(String(10), default=PENDING)
    #: Language the letter is written in (the applicant's choice when requested).
    locale: Mapped[str] = mapped_column(String(8), default="fr")
    #: Short public code printed on the letter, for /verify/<code>.
    verification_code: Mapped[str] = mapped_column(String(20), unique=True)
    requested_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    #: The date the letter bears: the decision's moment.
    decided_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    generated_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    superseded_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    #: SHA-256 (hex) of the stored PDF, also its file name in LETTER_STORE.
    sha256: Mapped[str | None] = mapped_column(String(64), index=True)
    size: Mapped[int | None]
    pages: Mapped[int | None]
    attempts: Mapped[int] = mapped_column(default=0)
    last_error: Mapped[str | None] = mapped_column(Text)

    application: Mapped[Application] = relationship()
    audit_event: Mapped[AuditEvent] = relationship()

    def __repr__(self) -> str:
        return f"<Letter {self.id} {self.outcome} v{self.version} {self.status}>"

    @property
    def is_current(self) -> bool:
        return bool(self.current)

    @property
    def released(self) -> bool:
        """Whether its applicant may read it: generated and, for an ineligibility, once
        the call's eligibility decisions are published (after the decision)."""
        if self.status != LetterStatus.DONE:
            return False
        if self.outcome != LetterOutcome.INELIGIBLE:
            return True
        published = self.application.call.eligibility_published_at
        return published is not None and published >= self.decided_at

    @property
    def download_name(self) -> str:
        reference = self.application.reference or f"dossier-{self.application_id}"
        return f"{reference}-{self.outcome}-v{self.version}.pdf"
