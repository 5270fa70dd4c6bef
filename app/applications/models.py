"""Applications (dossiers) and their audit trail."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, ForeignKey, Index, String, Text, UniqueConstraint, select
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.auth.models import Role, User
from app.calls.models import Call
from app.common.clock import utcnow
from app.common.types import UTCDateTime
from app.extensions import db
from workflows import application as lifecycle


class Application(db.Model):
    __tablename__ = "applications"
    __table_args__ = (
        UniqueConstraint("call_id", "applicant_id"),
        UniqueConstraint("call_id", "number"),
        Index("ix_applications_call_status", "call_id", "status"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    call_id: Mapped[int] = mapped_column(ForeignKey("calls.id"))
    #: The applicant's account; one application per applicant per call.
    applicant_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    #: Lifecycle state, changed only through apply_transition (workflows/application.py).
    status: Mapped[str] = mapped_column(String(20), default="draft")
    #: Optimistic lock: bumped by every update; a stale writer loses.
    version: Mapped[int] = mapped_column(default=1)
    #: Gap-free number within the call, given at first submission.
    number: Mapped[int | None]
    #: Public reference, e.g. MBI-2026-0042 (None while a draft).
    reference: Mapped[str | None] = mapped_column(String(60), unique=True)
    #: The applicant's answers, keyed by field name.
    answers: Mapped[dict] = mapped_column(JSON, default=dict)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)
    submitted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    call: Mapped[Call] = relationship()
    applicant: Mapped[User] = relationship()
    audit_entries: Mapped[list[AuditEntry]] = relationship(
        back_populates="application", order_by="AuditEntry.id", cascade="all, delete-orphan"
    )
    documents: Mapped[list[Document]] = relationship(  # noqa: F821 - app.documents.models
        back_populates="application", order_by="Document.kind", cascade="all, delete-orphan"
    )

    __mapper_args__ = {"version_id_col": version}

    def __repr__(self) -> str:
        return f"<Application {self.reference or self.id} {self.status}>"

    # What the lifecycle machine reads -------------------------------------------
    @property
    def deadline(self) -> datetime:
        return self.call.closes_at

    def missing_items(self) -> list:
        """What still prevents submission: answers, then documents (MissingItem each)."""
        from app.applications.questions import MissingItem, missing_answers
        from app.documents.services import missing_documents
        from app.documents.wording import KIND_LABELS

        items = missing_answers(self.answers or {})
        for kind in missing_documents(self):
            items.append(MissingItem("documents", kind, KIND_LABELS[kind]))
        return items

    @property
    def title(self) -> str:
        return self.answers.get("project_title") or ""

    @property
    def is_editable(self) -> bool:
        """The applicant may still change answers and documents."""
        return self.status in ("draft", "info_requested")

    # Permissions ---------------------------------------------------------------
    def actor_kinds(self, user: User) -> set[str]:
        """How ``user`` stands towards this application, in the lifecycle's words."""
        if not user.is_authenticated:
            return set()
        kinds = set(user.roles) & {Role.STAFF, Role.CHAIR, Role.COACH}
        if user.id == self.applicant_id:
            kinds.add(lifecycle.OWNER)
        return {str(kind) for kind in kinds}

    def can_view(self, user: User) -> bool:
        """The owner, staff, and a jury chair not in conflict with this dossier."""
        kinds = self.actor_kinds(user)
        if lifecycle.OWNER in kinds or Role.STAFF in kinds:
            return True
        if Role.CHAIR in kinds:
            from app.jury.models import ConflictOfInterest

            conflicted = db.session.scalar(
                select(ConflictOfInterest.id).where(
                    ConflictOfInterest.application_id == self.id,
                    ConflictOfInterest.juror_id == user.id,
                )
            )
            return conflicted is None
        return False

    def can_fire(self, user: User, trigger: str) -> bool:
        spec = lifecycle.SPECS.get(trigger)
        return spec is not None and bool(spec.actors & self.actor_kinds(user))

    def triggers_for(self, user: User) -> list[str]:
        """The actions the lifecycle allows now and ``user`` may take: the buttons to show."""
        return [t for t in lifecycle.available_triggers(self.status) if self.can_fire(user, t)]


class AuditEntry(db.Model):
    """One state change of an application: who moved it from where to where, and why."""

    __tablename__ = "audit_entries"

    id: Mapped[int] = mapped_column(primary_key=True)
    application_id: Mapped[int] = mapped_column(ForeignKey("applications.id"), index=True)
    from_state: Mapped[str] = mapped_column(String(20))
    to_state: Mapped[str] = mapped_column(String(20))
    trigger: Mapped[str] = mapped_column(String(40))
    #: Who fired the trigger; None for the system (deadlines, automatic promotions).
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
    #: Justification or comment given with the change.
    note: Mapped[str | None] = mapped_column(Text)

    application: Mapped[Application] = relationship(back_populates="audit_entries")
    actor: Mapped[User | None] = relationship()
