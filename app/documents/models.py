"""Documents uploaded with an application (identity, CV, business plan...)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.applications.models import Application
from app.common.clock import utcnow
from app.common.types import UTCDateTime
from app.extensions import db


class Document(db.Model):
    """One current file per application and kind; replacing a file deletes the old one."""

    __tablename__ = "documents"
    __table_args__ = (
        Index("ix_documents_application_kind", "application_id", "kind", unique=True),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    application_id: Mapped[int] = mapped_column(ForeignKey("applications.id"))
    #: One of app.documents.requirements.DOCUMENT_KINDS.
    kind: Mapped[str] = mapped_column(String(40))
    #: The file name the applicant's device gave, cleaned, for display and download.
    original_name: Mapped[str] = mapped_column(String(255))
    #: MIME type detected from the file's content (application/pdf, image/jpeg, image/png).
    content_type: Mapped[str] = mapped_column(String(50))
    #: Size in bytes.
    size: Mapped[int]
    #: SHA-256 of the content, hex.
    sha256: Mapped[str] = mapped_column(String(64))
    #: Generated name of the file in the document store (never the original name).
    storage_name: Mapped[str] = mapped_column(String(80), unique=True)
    uploaded_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    uploaded_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))

    application: Mapped[Application] = relationship(back_populates="documents")
