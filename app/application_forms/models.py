"""The versions of a call's application form, each kept as it was (JSON)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from app.common.clock import utcnow
from app.common.types import UTCDateTime
from app.extensions import db


class FormVersion(db.Model):
    """One version of a call's form: its definition (the ``form`` of a call template,
    see app.application_forms.definition), never changed once written. A dossier keeps
    the version it was started under, so its answers always read with their questions."""

    __tablename__ = "form_versions"
    __table_args__ = (UniqueConstraint("call_id", "number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    call_id: Mapped[int] = mapped_column(ForeignKey("calls.id"), index=True)
    #: 1, 2, ... within the call.
    number: Mapped[int]
    definition: Mapped[dict] = mapped_column(JSON)
    #: What changed from the version before, in the editor's words ("wording", "questions").
    change: Mapped[str] = mapped_column(String(20), default="created")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))

    def __repr__(self) -> str:
        return f"<FormVersion {self.call_id}/{self.number}>"
