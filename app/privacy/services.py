"""Personal data duties: the access log of sensitive documents, the download of
everything held about a person, erasure on request, and retention of documents."""

from __future__ import annotations

import json
import tempfile
import zipfile
from dataclasses import dataclass
from datetime import date, datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select

from app.applications.models import Application
from app.audit.models import AuditEvent
from app.auth.models import Role, User, new_session_token
from app.common.clock import utcnow
from app.common.errors import Refusal
from app.documents.models import Document
from app.extensions import db
from app.privacy.models import SENSITIVE_KINDS, DocumentAccess, ErasureRequest, ErasureStatus
from app.privacy.personal_data import dispose_document, erased_email, erased_name
from app.privacy.registry import erasers, providers
from workflows.application import FINAL_STATES

#: Applications in these states lose their documents RETENTION_MONTHS after the decision.
RETENTION_STATES = ("not_selected", "ineligible", "withdrawn", "declined")
#: An unusable password hash: argon2 refuses it, so nobody logs in as an erased person.
ERASED_PASSWORD = "!erased"  # noqa: S105 - the opposite of a credential


class PrivacyError(Refusal):
    """A refused request about personal data; the message is shown to the user."""


# Access log ---------------------------------------------------------------------------


def record_access(document: Document, user: User) -> DocumentAccess | None:
    """Log a download of ``document`` by ``user`` when it is an identity document or a
    criminal record extract (flushes; the caller commits before sending the file)."""
    if document.kind not in SENSITIVE_KINDS:
        return None
    access = DocumentAccess(
        application_id=document.application_id,
        document_id=document.id,
        kind=document.kind,
        sha256=document.sha256,
        user_id=user.id,
    )
    db.session.add(access)
    db.session.flush()
    return access


def accesses_to_documents_of(user: User, limit: int = 500) -> list[DocumentAccess]:
    """Who read the sensitive documents of ``user``'s applications, newest first."""
    return db.session.scalars(
        select(DocumentAccess)
        .join(Application, Application.id == DocumentAccess.application_id)
        .where(Application.applicant_id == user.id)
        .order_by(DocumentAccess.at.desc(), DocumentAccess.id.desc())
        .limit(limit)
    ).all()


def accesses_to_application(application_id: int, limit: int = 50) -> list[DocumentAccess]:
    """Who read the sensitive documents of one application, newest first."""
    return db.session.scalars(
        select(DocumentAccess)
        .where(DocumentAccess.application_id == application_id)
        .order_by(DocumentAccess.at.desc(), DocumentAccess.id.desc())
        .limit(limit)
    ).all()


# Download of everything ------------------------------------------------------------------


def _json_default(value):
    if isinstance(value, datetime | date):
        return value.isoformat()
    return str(value)


def export_personal_data(user: User):
    """A ZIP (a temporary file, positioned at 0) with ``data.json`` and the files of
    every part the areas provide (see app/privacy/registry.py)."""
    parts, files = {}, []
    for name, provide in providers().items():
        part = provide(user)
        if part is None:
            continue
        parts[name] = part.data
        files += [(f"files/{name}/{archive_name}", path) for archive_name, path in part.files]
    document = {
        "generated_at": utcnow(),
        "about": "Everything Impulse holds about you, by area.",
        "parts": parts,
    }
    handle = tempfile.TemporaryFile()  # returned to the caller, who closes it
    with zipfile.ZipFile(handle, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(
            "data.json",
            json.dumps(document, default=_json_default, ensure_ascii=False, indent=2),
        )
        for archive_name, path in files:
            archive.write(path, archive_name)
    handle.seek(0)
    return handle


# Erasure -------------------------------------------------------------------------------


def pending_request(user: User) -> ErasureRequest | None:
    return db.session.scalar(
        select(ErasureRequest).where(
            ErasureRequest.user_id == user.id, ErasureRequest.status == ErasureStatus.PENDING
        )
    )


def request_erasure(user: User) -> ErasureRequest:
    """An applicant asks to be erased; staff decide. Raises PrivacyError when a request
    is already waiting."""
    if not user.has_role(Role.APPLICANT):
        raise PrivacyError(_l("Only applicants' accounts can be erased on request."))
    if pending_request(user) is not None:
        raise PrivacyError(_l("Your request is already with the programme team."))
    erasure = ErasureRequest(user_id=user.id)
    db.session.add(erasure)
    db.session.flush()
    return erasure


def applications_in_progress(user: User) -> list[Application]:
    """The person's applications that neither are drafts nor reached a final state."""
    return db.session.scalars(
        select(Application).where(
            Application.applicant_id == user.id,
            Application.status.not_in(["draft", *FINAL_STATES]),
        )
    ).all()


def refuse_erasure(erasure: ErasureRequest, *, actor: User, note: str) -> None:
    _check_pending(erasure)
    note = (note or "").strip()
    if not note:
        raise PrivacyError(_l("Say why the request is refused: the applicant reads it."))
    erasure.status = ErasureStatus.REFUSED
    erasure.decided_by_id, erasure.decided_at, erasure.note = actor.id, utcnow(), note[:2000]
    db.session.flush()


def approve_erasure(erasure: ErasureRequest, *, actor: User) -> dict:
    """Erase the person of ``erasure`` now (see :func:`erase_person`)."""
    _check_pending(erasure)
    report = erase_person(erasure.user, actor=actor)
    erasure.status = ErasureStatus.ERASED
    erasure.decided_by_id, erasure.decided_at = actor.id, utcnow()
    db.session.flush()
    return report


def erase_person(user: User, *, actor: User | None) -> dict:
    """Erase or anonymise everything personal about ``user``, keeping the call's
    statistics, the audit trail and the decisions consistent:

    - every area's eraser runs (answers reduced to their statistical fields, documents
      deleted with a disposal record, registrations and emails anonymised...);
    - the account stays (its id is what audit rows, decisions and reviews point to) but
      becomes "Erased applicant #id", with an unusable address and password,
      deactivated, every session ended.

    Raises PrivacyError while an application is in progress (it must end first).
    """
    in_progress = applications_in_progress(user)
    if in_progress:
        raise PrivacyError(
            _l(
                "An application is in progress (%(reference)s): it must be withdrawn or "
                "decided before the person can be erased.",
                reference=in_progress[0].reference or in_progress[0].id,
            )
        )
    report = {}
    for name, erase in erasers().items():
        report[name] = erase(user, actor)
    user.full_name = erased_name(user)
    user.email = erased_email(user)
    user.password_hash = ERASED_PASSWORD
    user.active = False
    user.session_token = new_session_token()
    db.session.flush()
    return report


def _check_pending(erasure: ErasureRequest) -> None:
    if erasure.status != ErasureStatus.PENDING:
        raise PrivacyError(_l("This request was decided already."))


# Retention -------------------------------------------------------------------------------


@dataclass(frozen=True)
class RetentionItem:
    application: Application
    decided_at: datetime
    documents: list[Document]

    @property
    def size(self) -> int:
        return sum(document.size for document in self.documents)


def months_before(moment: datetime, months: int) -> datetime:
    """The same day and time ``months`` earlier (the last day of a shorter month)."""
    import calendar

    month_index = moment.year * 12 + moment.month - 1 - months
    year, month = divmod(month_index, 12)
    day = min(moment.day, calendar.monthrange(year, month + 1)[1])
    return moment.replace(year=year, month=month + 1, day=day)


def retention_due(months: int, *, now: datetime | None = None) -> list[RetentionItem]:
    """Applications not selected (RETENTION_STATES) decided more than ``months`` ago
    that still hold documents, oldest decision first."""
    cutoff = months_before(now or utcnow(), months)
    decided = (
        select(AuditEvent.application_id, func.max(AuditEvent.created_at).label("decided_at"))
        .join(Application, Application.id == AuditEvent.application_id)
        .where(AuditEvent.to_state == Application.status)
        .where(Application.status.in_(RETENTION_STATES))
        .group_by(AuditEvent.application_id)
        .subquery()
    )
    with_documents = select(Document.application_id).distinct()
    rows = db.session.execute(
        select(Application, decided.c.decided_at)
        .join(decided, decided.c.application_id == Application.id)
        .where(decided.c.decided_at <= cutoff)
        .where(Application.id.in_(with_documents))
        .order_by(decided.c.decided_at, Application.id)
    ).all()
    return [
        RetentionItem(application, decided_at, list(application.documents))
        for application, decided_at in rows
    ]


def apply_retention(months: int, *, now: datetime | None = None) -> list[RetentionItem]:
    """Delete the documents :func:`retention_due` lists (rows now, files after the commit)."""
    due = retention_due(months, now=now)
    for item in due:
        for document in item.documents:
            dispose_document(document, reason="retention", actor=None)
    db.session.flush()
    return due
