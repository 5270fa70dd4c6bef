"""Applications (dossiers): the applicant's answers and where the lifecycle stands."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import DDL, JSON, ForeignKey, Index, String, UniqueConstraint, event
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.application_forms.versions import application_form
from app.applications.questions import MissingItem, missing_answers
from app.auth.models import User
from app.calls.models import Call
from app.common.clock import utcnow
from app.common.types import UTCDateTime
from app.documents.requirements import missing_documents
from app.documents.wording import KIND_LABELS
from app.extensions import db
from workflows import application as lifecycle

#: The answers' type: ``jsonb`` on PostgreSQL (read without parsing the document again,
#: indexable), JSON text elsewhere.
ANSWERS = JSON().with_variant(JSONB(), "postgresql")


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
    status: Mapped[str] = mapped_column(String(20), default=lifecycle.ApplicationStatus.DRAFT.value)
    #: Optimistic lock: bumped by every update; a stale writer loses.
    version: Mapped[int] = mapped_column(default=1)
    #: Gap-free number within the call, given at first submission.
    number: Mapped[int | None]
    #: Public reference, e.g. MBI-2026-0042 (None while a draft).
    reference: Mapped[str | None] = mapped_column(String(60), unique=True)
    #: The version of the call's form the answers were given under (None: the default
    #: form); see app.application_forms.versions.
    form_version_id: Mapped[int | None] = mapped_column(ForeignKey("form_versions.id"))
    #: The applicant's answers, keyed by field name.
    answers: Mapped[dict] = mapped_column(ANSWERS, default=dict)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)
    submitted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    call: Mapped[Call] = relationship()
    applicant: Mapped[User] = relationship()
    #: The dossier's audit rows, oldest first (read them through app.access.scopes).
    history: Mapped[list[AuditEvent]] = relationship(  # noqa: F821 - app.audit.models
        "AuditEvent", order_by="AuditEvent.id", viewonly=True
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

    @property
    def form(self):
        """The form these answers were given under (app.application_forms.definition.Form)."""
        return application_form(self)

    def missing_items(self) -> list:
        """What still prevents submission: answers, then documents (MissingItem each)."""
        items = missing_answers(self.answers or {}, self.form)
        for kind in missing_documents(self):
            items.append(MissingItem(self.form.documents_slug, kind, KIND_LABELS[kind]))
        return items

    @property
    def title(self) -> str:
        """The answer to the form's title question ("" if the form marks none)."""
        name = self.form.title_question
        return str((self.answers or {}).get(name) or "") if name else ""

    @property
    def has_own_answers(self) -> bool:
        """Whether the applicant answered anything themselves, beyond what their account
        filled in when the application started (Form.prefilled_answers)."""
        prefilled = self.form.prefilled_answers(self.applicant)
        return any(prefilled.get(name) != value for name, value in (self.answers or {}).items())

    @property
    def is_editable(self) -> bool:
        """The applicant may still change answers and documents."""
        return self.status in lifecycle.EDITABLE


#: Indexes made with the table (tests, benchmarks) and by migration 0024 (on PostgreSQL),
#: outside the metadata because Alembic compares neither (SQLite cannot reflect the
#: first, has no kind of index for the second; it sorts its smaller lists itself), and
#: named in the table's info so that ``flask db migrate`` leaves them alone
#: (app.common.migrations):
#: - the staff list's default order (app.applications.filters.SORTS["reference"]): its
#:   first, last and following pages read a page of this index, not the whole call;
#: - on PostgreSQL, the answers for containment (``answers @> {"sector": "C"}``): the
#:   staff list's filters, whatever questions the call's form marks ``filter``.
LIST_ORDER_INDEX = DDL(
    "CREATE INDEX ix_applications_call_order"
    " ON applications (call_id, (number IS NULL), coalesce(number, 0), id)"
)
ANSWERS_INDEX = DDL(
    "CREATE INDEX ix_applications_answers ON applications USING gin (answers jsonb_path_ops)"
)
Application.__table__.info["indexes_outside_metadata"] = (
    "ix_applications_call_order",
    "ix_applications_answers",
)
event.listen(Application.__table__, "after_create", LIST_ORDER_INDEX)
event.listen(Application.__table__, "after_create", ANSWERS_INDEX.execute_if(dialect="postgresql"))
