"""The personal data of the core areas: account, applications and documents, information
sessions, emails, eligibility requests, selection decisions, and this area's own records.

Records are listed through the scopes (app.access.scopes): the person's own dossiers,
their history as they may read it (changes of state only), the reads of their sensitive
documents. Another person of the programme appears by role, never by name or address.
"""

from __future__ import annotations

from datetime import date

from sqlalchemy import delete, select
from sqlalchemy.orm import joinedload

from app.access.scopes import own_dossiers, visible_document_reads
from app.application_forms.definition import Form
from app.applications.models import Application
from app.audit.history import dossier_history
from app.audit.wording import actor_role, event_label
from app.auth.models import AccountToken, User
from app.common.clock import utcnow
from app.documents import storage
from app.eligibility.models import InformationRequest
from app.extensions import db
from app.info_sessions.models import SessionRegistration
from app.outbox.models import OutboxMessage
from app.privacy.models import DocumentAccess, DocumentDisposal, ErasureRequest
from app.privacy.registry import PersonalData, listed, told_by_role
from app.selection.models import SelectionDecision


def age_band(birth_date: str | None, on: date) -> str | None:
    """ "30-39" for a person born in 1990 on a day of 2026; None without a usable date."""
    try:
        born = date.fromisoformat(birth_date or "")
    except ValueError:
        return None
    age = on.year - born.year - ((on.month, on.day) < (born.month, born.day))
    low = (age // 10) * 10
    return f"{low}-{low + 9}"


def statistical_answers(answers: dict, form: Form, on: date) -> dict:
    """What is kept of a dossier's answers after an erasure, for the call's statistics:
    the answers to its form's one-choice questions (a value from a fixed list: gender,
    regions, country, sector, stage, channel for MBI) and the age band of its date of
    birth. Nobody is found by them."""
    kept = {
        name: answers[name]
        for name, question in form.questions.items()
        if question.kind == "select" and name in answers
    }
    born = answers.get(form.birth_date_question) if form.birth_date_question else None
    band = answers.get("age_band") or age_band(born, on)
    if band:
        kept["age_band"] = band
    return kept


def _applications(user: User) -> list[Application]:
    return db.session.scalars(own_dossiers(user)).all()


def _rows(model, *where) -> list:
    """The rows of ``model`` that meet ``where``, oldest first."""
    return db.session.scalars(select(model).where(*where).order_by(model.id)).all()


def _history(user: User, application: Application) -> list[dict]:
    """The dossier's changes of state, each actor by role ("you", "programme staff")."""
    return [
        {
            "at": entry.created_at,
            "event": entry.event,
            "what": event_label(entry.event),
            "from": entry.from_state,
            "to": entry.to_state,
            "by": actor_role(entry, user),
            "note": entry.note,
        }
        for entry in dossier_history(user, application)
    ]


# What Impulse holds ------------------------------------------------------------------


def account(user: User) -> PersonalData:
    return PersonalData(
        {
            "id": user.id,
            "email": user.email,
            "full_name": user.full_name,
            "locale": user.locale,
            "roles": sorted(user.roles),
            "active": user.active,
            "created_at": user.created_at,
            "last_login_at": user.last_login_at,
        }
    )


def applications(user: User) -> PersonalData | None:
    found = _applications(user)
    if not found:
        return None
    data, files = [], []
    for application in found:
        documents = []
        for document in application.documents:
            archive_name = f"{application.id}/{document.kind}-{document.original_name}"
            documents.append(
                {
                    "kind": document.kind,
                    "name": document.original_name,
                    "content_type": document.content_type,
                    "size": document.size,
                    "sha256": document.sha256,
                    "uploaded_at": document.uploaded_at,
                    "file": f"files/applications/{archive_name}",
                }
            )
            path = storage.path_of(document.storage_name)
            if path.is_file():
                files.append((archive_name, path))
        data.append(
            {
                "id": application.id,
                "call": application.call.reference,
                "reference": application.reference,
                "status": application.status,
                "created_at": application.created_at,
                "submitted_at": application.submitted_at,
                "answers": application.answers,
                "documents": documents,
                "history": _history(user, application),
                "information_requests": [
                    {
                        "at": request.created_at,
                        "message": request.message,
                        "fields": request.fields,
                        "documents": request.documents,
                        "reply_by": request.reply_by,
                        "answered_at": request.answered_at,
                    }
                    for request in _rows(
                        InformationRequest, InformationRequest.application_id == application.id
                    )
                ],
                "selection_decisions": [
                    {
                        "decision": decision.decision,
                        "rank": decision.rank,
                        "reserve_position": decision.reserve_position,
                        "confirm_by": decision.confirm_by,
                    }
                    for decision in _rows(
                        SelectionDecision, SelectionDecision.application_id == application.id
                    )
                ],
            }
        )
    return PersonalData(data, files)


def session_registrations(user: User) -> PersonalData | None:
    return listed(
        {
            "session": f"{row.session.city}, {row.session.venue}",
            "starts_at": row.session.starts_at,
            "full_name": row.full_name,
            "email": row.email,
            "registered_at": row.created_at,
        }
        for row in _rows(SessionRegistration, SessionRegistration.email == user.email)
    )


def emails(user: User) -> PersonalData | None:
    return listed(
        {
            "to": row.recipient,
            "subject": row.subject,
            "body": row.body_text,
            "status": row.status,
            "created_at": row.created_at,
            "sent_at": row.sent_at,
        }
        for row in _rows(OutboxMessage, OutboxMessage.recipient == user.email)
    )


def document_accesses(user: User) -> PersonalData | None:
    """Who opened the person's identity document and criminal record: by role and date."""
    rows = db.session.scalars(visible_document_reads(user).options(joinedload(DocumentAccess.user)))
    return listed(
        {
            "at": row.at,
            "document": row.kind,
            "application_id": row.application_id,
            "read_by": told_by_role(row.user, user),
        }
        for row in rows
    )


def erasure_requests(user: User) -> PersonalData | None:
    return listed(
        {
            "requested_at": row.requested_at,
            "status": row.status,
            "decided_at": row.decided_at,
            "note": row.note,
        }
        for row in _rows(ErasureRequest, ErasureRequest.user_id == user.id)
    )


PROVIDERS = {
    "account": account,
    "applications": applications,
    "information_sessions": session_registrations,
    "emails": emails,
    "document_accesses": document_accesses,
    "erasure_requests": erasure_requests,
}


# Erasure -------------------------------------------------------------------------------


def dispose_document(document, *, reason: str, actor: User | None) -> None:
    """Delete a document's row now and its file after the commit, keeping a disposal record."""
    db.session.add(
        DocumentDisposal(
            application_id=document.application_id,
            kind=document.kind,
            size=document.size,
            sha256=document.sha256,
            uploaded_at=document.uploaded_at,
            reason=reason,
            actor_id=actor.id if actor is not None else None,
        )
    )
    document.application.documents.remove(document)
    storage.remove_after_commit(db.session(), document.storage_name)


def erase_applications(user: User, actor: User | None) -> dict:
    """Answers reduced to their statistical fields; documents deleted; audit rows and
    decisions kept (their notes are the programme's, about the decision)."""
    today = utcnow().date()
    counts = {"applications": 0, "documents": 0}
    for application in _applications(user):
        application.answers = statistical_answers(
            application.answers or {}, application.form, today
        )
        for document in list(application.documents):
            dispose_document(document, reason="erasure", actor=actor)
            counts["documents"] += 1
        for request in _rows(
            InformationRequest, InformationRequest.application_id == application.id
        ):
            request.answers_before = {}
        counts["applications"] += 1
    db.session.flush()
    return counts


def erase_contacts(user: User, actor: User | None) -> dict:
    """Session registrations and emails sent to the person lose name, address and text."""
    placeholder = erased_email(user)
    registrations = _rows(SessionRegistration, SessionRegistration.email == user.email)
    for row in registrations:
        row.full_name, row.email = erased_name(user), placeholder
    messages = _rows(OutboxMessage, OutboxMessage.recipient == user.email)
    for message in messages:
        message.recipient, message.body_text = placeholder, ""
        message.subject = "—"
    db.session.execute(delete(AccountToken).where(AccountToken.email == user.email))
    db.session.execute(delete(AccountToken).where(AccountToken.user_id == user.id))
    db.session.flush()
    return {"session_registrations": len(registrations), "emails": len(messages)}


def erased_name(user: User) -> str:
    return f"Erased applicant #{user.id}"


def erased_email(user: User) -> str:
    return f"erased-{user.id}@erased.invalid"


ERASERS = {"applications": erase_applications, "contacts": erase_contacts}
