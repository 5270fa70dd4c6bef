"""Personal data duties: the access log of sensitive documents, the download of
everything held about a person, erasure on request, and retention of documents.

Each duty that writes announces its domain event (app.events): the download
(``personal_data_exported``), a request for erasure and its refusal, the erasure itself
(``person_erased``), and the retention job (``documents_retention_applied``, by the
system, one row per dossier). An event about a person is filed under their latest
dossier, so the audit viewer of that dossier's call shows it; its data lists every
dossier of the person. A read of a sensitive document writes no audit row: it goes to
this area's own access log (:func:`record_access`, on the ``document_read`` signal).
"""

from __future__ import annotations

import calendar
import json
import tempfile
import zipfile
from dataclasses import dataclass
from datetime import date, datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select
from sqlalchemy.orm import joinedload

from app.access.scopes import own_dossiers, visible_document_reads, visible_erasure_requests
from app.applications.models import Application
from app.audit.models import AuditEvent
from app.auth.models import Role, User, new_session_token
from app.common.clock import utcnow
from app.common.errors import Refusal
from app.documents.models import Document
from app.events import Event, announce
from app.extensions import db
from app.privacy.models import (
    SENSITIVE_KINDS,
    DocumentAccess,
    DocumentDisposal,
    ErasureRequest,
    ErasureStatus,
)
from app.privacy.personal_data import dispose_document, erased_email, erased_name
from app.privacy.registry import erasers, providers, told_by_role
from workflows.application import ENDED_WITHOUT_PLACE, FINAL_STATES, ApplicationStatus

#: An unusable password hash: argon2 refuses it, so nobody logs in as an erased person.
ERASED_PASSWORD = "!erased"  # noqa: S105 - the opposite of a credential


class PrivacyError(Refusal):
    """A refused request about personal data; the message is shown to the user."""


def _announce_about(event: Event, person: User, *, actor: User | None, subject, **data) -> None:
    """One audit row about ``person``, filed under their latest dossier (if any)."""
    dossiers = db.session.scalars(own_dossiers(person)).all()
    latest = dossiers[-1] if dossiers else None
    announce(
        event,
        actor=actor,
        subject=subject,
        call_id=latest.call_id if latest else None,
        application_id=latest.id if latest else None,
        data={"user_id": person.id, "applications": [d.id for d in dossiers], **data},
    )


# Access log ---------------------------------------------------------------------------


@dataclass(frozen=True)
class DocumentRead:
    """One read of a sensitive document as its owner is told: when, which, by whom (a
    role, never a name)."""

    at: datetime
    kind: str
    by: str


def record_access(document: Document, reader: User) -> DocumentAccess | None:
    """Log a download of ``document`` by ``reader`` when it is an identity document or a
    criminal record extract (flushes; the caller commits before sending the file)."""
    if document.kind not in SENSITIVE_KINDS:
        return None
    access = DocumentAccess(
        application_id=document.application_id,
        document_id=document.id,
        kind=document.kind,
        sha256=document.sha256,
        user_id=reader.id,
    )
    db.session.add(access)
    db.session.flush()
    return access


def reads_of_documents(
    reader: User, application: Application | None = None, *, limit: int = 500
) -> list[DocumentRead]:
    """Who opened the sensitive documents of ``reader``'s own dossiers (of
    ``application`` only, when given), newest first, each reader by role."""
    query = visible_document_reads(reader).options(joinedload(DocumentAccess.user))
    if application is not None:
        query = query.where(DocumentAccess.application_id == application.id)
    return [
        DocumentRead(access.at, access.kind, told_by_role(access.user, reader))
        for access in db.session.scalars(query.limit(limit))
    ]


# Download of everything ------------------------------------------------------------------


def _json_default(value):
    if isinstance(value, datetime | date):
        return value.isoformat()
    return str(value)


def download_personal_data(person: User, *, actor: User):
    """``actor`` downloads everything held about ``person`` (themselves): the archive of
    :func:`export_personal_data`, on record as ``personal_data_exported``."""
    archive, parts = _archive(person)
    _announce_about(Event.PERSONAL_DATA_EXPORTED, person, actor=actor, subject=person, parts=parts)
    return archive


def export_personal_data(user: User):
    """A ZIP (a temporary file, positioned at 0) with ``data.json`` and the files of
    every part the areas provide (see app/privacy/registry.py). Writes nothing."""
    return _archive(user)[0]


def _archive(user: User):
    """The ZIP of :func:`export_personal_data` and the names of the parts it holds."""
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
    return handle, sorted(parts)


# Erasure -------------------------------------------------------------------------------


def erasure_requests(viewer: User, *, pending: bool, limit: int = 50) -> list[ErasureRequest]:
    """The requests ``viewer`` may see (app.access.scopes.visible_erasure_requests):
    those waiting, oldest first, or the latest decided ones."""
    query = visible_erasure_requests(viewer)
    if pending:
        query = query.where(ErasureRequest.status == ErasureStatus.PENDING).order_by(
            ErasureRequest.requested_at, ErasureRequest.id
        )
    else:
        query = query.where(ErasureRequest.status != ErasureStatus.PENDING).order_by(
            ErasureRequest.decided_at.desc(), ErasureRequest.id.desc()
        )
    return db.session.scalars(query.limit(limit)).all()


def latest_request(user: User) -> ErasureRequest | None:
    """The person's own latest request to be erased, if any."""
    return db.session.scalar(
        visible_erasure_requests(user)
        .where(ErasureRequest.user_id == user.id)
        .order_by(ErasureRequest.id.desc())
        .limit(1)
    )


def disposed_documents() -> int:
    """How many documents erasure and retention deleted so far."""
    return db.session.scalar(select(func.count()).select_from(DocumentDisposal))


def pending_request(user: User) -> ErasureRequest | None:
    return db.session.scalar(
        select(ErasureRequest).where(
            ErasureRequest.user_id == user.id, ErasureRequest.status == ErasureStatus.PENDING
        )
    )


def request_erasure(*, actor: User, confirmed: bool = True) -> ErasureRequest:
    """The applicant ``actor`` asks to be erased (``confirmed``: they ticked the box);
    staff decide. Raises PrivacyError without the confirmation, for another role, or
    when a request is already waiting."""
    if not confirmed:
        raise PrivacyError(_l("Tick the box to confirm that you want your data erased."))
    if not actor.has_role(Role.APPLICANT):
        raise PrivacyError(_l("Only applicants' accounts can be erased on request."))
    if pending_request(actor) is not None:
        raise PrivacyError(_l("Your request is already with the programme team."))
    erasure = ErasureRequest(user_id=actor.id)
    db.session.add(erasure)
    db.session.flush()
    _announce_about(Event.ERASURE_REQUESTED, actor, actor=actor, subject=erasure)
    return erasure


def applications_in_progress(user: User) -> list[Application]:
    """The person's applications that neither are drafts nor reached a final state."""
    return db.session.scalars(
        own_dossiers(user).where(
            Application.status.not_in([ApplicationStatus.DRAFT, *FINAL_STATES])
        )
    ).all()


#: What staff may decide about a request (the value of the form's button).
APPROVE, REFUSE = "approve", "refuse"


def decide_on_erasure(erasure: ErasureRequest, decision: str, note: str, *, actor: User) -> str:
    """Staff approve (erase now) or refuse (with ``note``) ``erasure``; returns the
    decision. Raises PrivacyError for anything else, and as the decision does."""
    if decision == APPROVE:
        approve_erasure(erasure, actor=actor)
    elif decision == REFUSE:
        refuse_erasure(erasure, actor=actor, note=note)
    else:
        raise PrivacyError(_l("Choose to approve or to refuse the request."))
    return decision


def refuse_erasure(erasure: ErasureRequest, *, actor: User, note: str) -> None:
    """Refuse ``erasure``; ``note`` (required) tells the applicant why."""
    _check_pending(erasure)
    note = (note or "").strip()
    if not note:
        raise PrivacyError(_l("Say why the request is refused: the applicant reads it."))
    erasure.status = ErasureStatus.REFUSED
    erasure.decided_by_id, erasure.decided_at, erasure.note = actor.id, utcnow(), note[:2000]
    db.session.flush()
    _announce_about(
        Event.ERASURE_REFUSED, erasure.user, actor=actor, subject=erasure, note=erasure.note
    )


def approve_erasure(erasure: ErasureRequest, *, actor: User) -> dict:
    """Erase the person of ``erasure`` now (see :func:`erase_person`)."""
    _check_pending(erasure)
    report = erase_person(erasure.user, actor=actor, request=erasure)
    erasure.status = ErasureStatus.ERASED
    erasure.decided_by_id, erasure.decided_at = actor.id, utcnow()
    db.session.flush()
    return report


def erase_person(user: User, *, actor: User | None, request: ErasureRequest | None = None) -> dict:
    """Erase or anonymise everything personal about ``user``, keeping the call's
    statistics, the audit trail and the decisions consistent:

    - every area's eraser runs (answers reduced to their statistical fields, documents
      deleted with a disposal record, registrations and emails anonymised...);
    - the account stays (its id is what audit rows, decisions and reviews point to) but
      becomes "Erased applicant #id", with an unusable address and password,
      deactivated, every session ended.

    One ``person_erased`` row (with the counts, never the name). Raises PrivacyError
    while an application is in progress (it must end first).
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
    _announce_about(
        Event.PERSON_ERASED,
        user,
        actor=actor,
        subject=user,
        request=request.id if request is not None else None,
        erased={name: count for counts in report.values() for name, count in counts.items()},
    )
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
    month_index = moment.year * 12 + moment.month - 1 - months
    year, month = divmod(month_index, 12)
    day = min(moment.day, calendar.monthrange(year, month + 1)[1])
    return moment.replace(year=year, month=month + 1, day=day)


def retention_due(months: int, *, now: datetime | None = None) -> list[RetentionItem]:
    """Applications that ended without a place (ENDED_WITHOUT_PLACE) decided more than
    ``months`` ago that still hold documents, oldest decision first."""
    cutoff = months_before(now or utcnow(), months)
    decided = (
        select(AuditEvent.application_id, func.max(AuditEvent.created_at).label("decided_at"))
        .join(Application, Application.id == AuditEvent.application_id)
        .where(AuditEvent.to_state == Application.status)
        .where(Application.status.in_(ENDED_WITHOUT_PLACE))
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
    """Delete the documents :func:`retention_due` lists (rows now, files after the
    commit): by the system, one ``documents_retention_applied`` row per dossier."""
    due = retention_due(months, now=now)
    for item in due:
        for document in item.documents:
            dispose_document(document, reason="retention", actor=None)
        announce(
            Event.DOCUMENTS_RETAINED,
            actor=None,
            subject=item.application,
            data={"months": months, "documents": len(item.documents), "size": item.size},
        )
    db.session.flush()
    return due
