"""Every write about documents, and who may read them.

Files are judged by their content (PDF, JPEG or PNG magic bytes), never by their
name or the type the browser declares. They are stored under generated names in
``DOCUMENT_STORE`` (see app/documents/storage.py), together with their row or not at all.
"""

from __future__ import annotations

import hashlib

from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy.exc import IntegrityError
from werkzeug.datastructures import FileStorage

from app.applications.models import Application
from app.auth.models import Role, User
from app.calls.models import DEFAULT_ELIGIBILITY
from app.common.errors import Refusal
from app.documents import storage
from app.documents.models import DOCUMENT_KINDS, Document
from app.documents.wording import ACCEPTED_TYPES, KIND_LABELS, size_label
from app.extensions import db
from app.jury.models import juror_may_read

#: States in which the applicant may still change the documents of an application.
EDITABLE_STATES = frozenset({"draft", "info_requested"})


class DocumentError(Refusal):
    """A refused document operation; the message is shown to the user."""


def required_kinds(application: Application) -> list[str]:
    """The kinds of document the call asks of this applicant, in DOCUMENT_KINDS order.

    Everyone owes the call's ``required_documents["all"]``; an applicant whose answers
    say ``stage == "company"`` also owes ``required_documents["company"]``. A call
    without the parameter asks what DEFAULT_ELIGIBILITY asks.
    """
    rules = {**DEFAULT_ELIGIBILITY, **(application.call.eligibility or {})}
    required = rules.get("required_documents") or {}
    wanted = set(required.get("all", []))
    if (application.answers or {}).get("stage") == "company":
        wanted |= set(required.get("company", []))
    return [kind for kind in DOCUMENT_KINDS if kind in wanted]


def missing_documents(application: Application) -> list[str]:
    """The required kinds (see :func:`required_kinds`) without a current document."""
    present = {document.kind for document in application.documents}
    return [kind for kind in required_kinds(application) if kind not in present]


def current_document(application: Application, kind: str) -> Document | None:
    """The document of ``kind`` the application holds now, if any."""
    return next((doc for doc in application.documents if doc.kind == kind), None)


def may_change_documents(application: Application, user: User) -> bool:
    """The owner, while the application is a draft or waits for information."""
    return (
        user.is_authenticated
        and user.id == application.applicant_id
        and (application.status in EDITABLE_STATES)
    )


def store_document(
    application: Application, kind: str, upload: FileStorage | None, *, actor: User
) -> Document:
    """Store an uploaded file as the application's document of ``kind``.

    Reads at most MAX_DOCUMENT_BYTES + 1 bytes of the upload, then does what
    :func:`attach_document` does. Side effects, in the caller's transaction: the
    new file is written to the store (removed again if the transaction does not
    commit); a document of the same kind is replaced (its row deleted now, its file
    after the commit).

    Raises DocumentError when ``actor`` is not the owner, the application is neither
    a draft nor waiting for information, the kind is unknown, no file was sent, or
    the file is refused (see :func:`attach_document`).
    """
    _check_may_change(application, actor, kind)
    _check_kind(kind)
    if upload is None:
        raise DocumentError(_l("Choose a file to upload."))
    content = storage.read_capped(upload.stream, current_app.config["MAX_DOCUMENT_BYTES"] + 1)
    if not content and not upload.filename:
        raise DocumentError(_l("Choose a file to upload."))
    return attach_document(application, kind, content, upload.filename, actor=actor)


def attach_document(
    application: Application,
    kind: str,
    content: bytes,
    filename: str | None,
    *,
    actor: User | None,
) -> Document:
    """Make ``content`` the application's document of ``kind``, whatever its status.

    For :func:`store_document` and the demo loader: it does not check who acts or
    the application's status. Cleans ``filename`` for display, computes the
    SHA-256, writes the file under a random name, replaces the current document of
    that kind (its file is removed after the commit) and flushes.

    Raises DocumentError for an unknown kind, an empty file, a file larger than
    MAX_DOCUMENT_BYTES, content that is not PDF, JPEG or PNG, or a concurrent upload
    of the same kind; nothing stays on disk or in the session then.
    """
    _check_kind(kind)
    label = KIND_LABELS[kind]
    limit = current_app.config["MAX_DOCUMENT_BYTES"]
    if not content:
        raise DocumentError(
            _l("The file for “%(label)s” is empty: choose another file.", label=label)
        )
    if len(content) > limit:
        raise DocumentError(
            _l(
                "The file for “%(label)s” is larger than %(limit)s. Make it smaller "
                "(for example, scan at a lower resolution) and try again.",
                label=label,
                limit=size_label(limit),
            )
        )
    detected = storage.detect_type(content)
    if detected is None:
        raise DocumentError(
            _l(
                "The file for “%(label)s” is not a %(types)s file, whatever its name says. "
                "Save it as PDF, or as a JPEG or PNG picture, and try again.",
                label=label,
                types=ACCEPTED_TYPES,
            )
        )
    content_type, _extension = detected
    document = Document(
        kind=kind,
        original_name=storage.clean_filename(filename, content_type),
        content_type=content_type,
        size=len(content),
        sha256=hashlib.sha256(content).hexdigest(),
        storage_name=storage.write_file(db.session(), content),
        uploaded_by_id=actor.id if actor is not None else None,
    )
    try:
        _replace(application, document)
    except Exception as error:
        storage.discard_file(db.session(), document.storage_name)
        if isinstance(error, IntegrityError):
            raise DocumentError(
                _l(
                    "The file for “%(label)s” was changed at the same moment from another "
                    "page. Reload the page and check which file is kept.",
                    label=label,
                )
            ) from error
        raise
    return document


def delete_document(document: Document, *, actor: User) -> None:
    """Delete a document: its row now, its file once the transaction commits.

    Raises DocumentError when ``actor`` is not the owner or the application is
    neither a draft nor waiting for information.
    """
    application = document.application
    _check_may_change(application, actor, document.kind)
    application.documents.remove(document)
    db.session.flush()
    storage.remove_after_commit(db.session(), document.storage_name)


def can_read_documents(user: User, application: Application) -> bool:
    """Whether ``user`` may download the documents of ``application``: its applicant,
    staff, or a juror (or chair) assigned to it and not in conflict with it."""
    if user is None or not user.is_authenticated:
        return False
    if user.id == application.applicant_id or user.has_role(Role.STAFF):
        return True
    if user.has_any_role(Role.JUROR, Role.CHAIR):
        return juror_may_read(application.id, user.id)
    return False


def can_download(user: User, document: Document) -> bool:
    """Whether ``user`` may download ``document`` (see :func:`can_read_documents`)."""
    return can_read_documents(user, document.application)


def _replace(application: Application, document: Document) -> None:
    old = current_document(application, document.kind)
    if old is not None:
        application.documents.remove(old)
        db.session.flush()  # the unique (application, kind) index allows one row at a time
        storage.remove_after_commit(db.session(), old.storage_name)
    application.documents.append(document)
    db.session.flush()


def _check_kind(kind: str) -> None:
    if kind not in DOCUMENT_KINDS:
        raise DocumentError(_l("This kind of document is not asked for by the call."))


def _check_may_change(application: Application, actor: User, kind: str | None = None) -> None:
    if actor is None or actor.id != application.applicant_id:
        raise DocumentError(_l("You cannot change the documents of this application."))
    if application.status == "info_requested" and kind is not None:
        from app.eligibility.models import open_request

        request = open_request(application)
        if request is None or kind not in request.documents:
            raise DocumentError(
                _l("The programme team did not ask for this document: it cannot be changed.")
            )
    if application.status not in EDITABLE_STATES:
        raise DocumentError(
            _l(
                "This application was submitted: its documents can no longer be changed. "
                "If the programme team asks you for information, you can change them again."
            )
        )


__all__ = [
    "DocumentError",
    "attach_document",
    "can_download",
    "can_read_documents",
    "delete_document",
    "missing_documents",
    "required_kinds",
    "store_document",
]
