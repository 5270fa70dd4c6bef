"""Every write about documents, and the download of one.

Files are judged by their content (PDF, JPEG or PNG magic bytes), never by their
name or the type the browser declares. They are stored under generated names in
``DOCUMENT_STORE`` (see app/documents/storage.py), together with their row or not at all.
Who may read or change them is the access policy's to say (app.access.policy).
"""

from __future__ import annotations

import hashlib
import logging
from pathlib import Path

from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy.exc import IntegrityError
from werkzeug.datastructures import FileStorage

from app.access.policy import may_download, owns_dossier
from app.applications.models import Application
from app.auth.models import User
from app.common.errors import NotPermitted, Refusal
from app.documents import pages, storage
from app.documents.models import Document
from app.documents.requirements import DOCUMENT_KINDS
from app.documents.wording import ACCEPTED_TYPES, KIND_LABELS, size_label
from app.eligibility.models import open_request
from app.events import Event, announce, document_read
from app.extensions import db
from workflows.application import EDITABLE, ApplicationStatus

log = logging.getLogger("impulse.documents")


class DocumentError(Refusal):
    """A refused document operation; the message is shown to the user."""


def current_document(application: Application, kind: str) -> Document | None:
    """The document of ``kind`` the application holds now, if any."""
    return next((doc for doc in application.documents if doc.kind == kind), None)


def store_document(
    application: Application, kind: str, upload: FileStorage | None, *, actor: User
) -> Document:
    """Store an uploaded file as the application's document of ``kind``.

    Reads at most MAX_DOCUMENT_BYTES + 1 bytes of the upload, then does what
    :func:`attach_document` does. Side effects, in the caller's transaction: the
    new file is written to the store (removed again if the transaction does not
    commit); a document of the same kind is replaced (its row deleted now, its file
    after the commit).

    Announced as ``document_uploaded`` (the kind, and whether it replaced a file).
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
    replaced = current_document(application, kind) is not None
    document = attach_document(application, kind, content, upload.filename, uploaded_by=actor)
    announce(
        Event.DOCUMENT_UPLOADED,
        actor=actor,
        subject=document,
        data={"kind": kind, "size": document.size, "replaced": replaced},
    )
    return document


def attach_document(
    application: Application,
    kind: str,
    content: bytes,
    filename: str | None,
    *,
    uploaded_by: User | None = None,
    flush: bool = True,
) -> Document:
    """Make ``content`` the application's document of ``kind``, whatever its status.

    For :func:`store_document` and the demo loader: it does not check who acts nor
    the application's status, and writes no audit row (the upload does). Cleans
    ``filename`` for display, computes the SHA-256, writes the file under a random
    name, replaces the current document of that kind (its file is removed after the
    commit) and flushes.

    Raises DocumentError for an unknown kind, an empty file, a file larger than
    MAX_DOCUMENT_BYTES, content that is not PDF, JPEG or PNG, or a concurrent upload
    of the same kind; nothing stays on disk or in the session then.

    ``flush=False`` (the demo loader, attaching many documents to new applications)
    leaves the new row to the caller's next flush: a concurrent upload is then not
    caught here, and the file of a row that is never saved is removed with the rollback.
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
    document = Document(
        **stored_document(
            kind,
            content,
            filename,
            uploaded_by_id=uploaded_by.id if uploaded_by is not None else None,
            content_type=detected[0],
        )
    )
    try:
        _replace(application, document)
        if flush:
            db.session.flush()
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


def stored_document(
    kind: str,
    content: bytes,
    filename: str | None,
    *,
    uploaded_by_id: int | None,
    content_type: str,
) -> dict:
    """Write ``content`` (already checked: a ``content_type`` file within the limits) to the
    store under a new random name and return the values of its :class:`Document` row
    (without its application). :func:`attach_document` makes the row of one; the demo
    loader inserts many at once. The file is removed if the transaction does not commit.
    """
    return {
        "kind": kind,
        "original_name": storage.clean_filename(filename, content_type),
        "content_type": content_type,
        "size": len(content),
        "sha256": hashlib.sha256(content).hexdigest(),
        "storage_name": storage.write_file(db.session(), content),
        "uploaded_by_id": uploaded_by_id,
    }


def delete_document(document: Document, *, actor: User) -> None:
    """Delete a document: its row now, its file once the transaction commits.

    Announced as ``document_removed`` (the kind). Raises DocumentError when ``actor``
    is not the owner or the application is neither a draft nor waiting for information.
    """
    application = document.application
    _check_may_change(application, actor, document.kind)
    announce(
        Event.DOCUMENT_REMOVED,
        actor=actor,
        subject=document,
        data={"kind": document.kind},
    )
    application.documents.remove(document)
    db.session.flush()
    storage.remove_after_commit(db.session(), document.storage_name)


def open_document(document: Document, *, actor: User) -> Path:
    """The stored file of ``document``, for ``actor`` to download.

    Sends :data:`app.events.document_read` (the privacy area logs the read of a
    sensitive document, in this transaction: the read is on record before the file
    leaves). A read changes nothing: no audit row. Raises NotPermitted when ``actor``
    may not download it, or its file is missing from the store.
    """
    if not may_download(actor, document):
        raise NotPermitted()
    path = storage.path_of(document.storage_name)
    if not path.is_file():
        log.error("document %s: file %s is missing from the store", document.id, path.name)
        raise NotPermitted()
    document_read.send(document, reader=actor)
    return path


def open_document_page(document: Document, number: int, *, actor: User) -> pages.PageFile:
    """Page ``number`` (from 1) of ``document`` as an image, for ``actor`` to read in the
    page (the jury's split view): a PDF's page rendered to PNG, or the image itself.

    A read like a download, through :func:`open_document`: the same policy, and the
    same ``document_read`` signal, so that each page read of a sensitive document is on
    its owner's access log. Raises NotPermitted as :func:`open_document` does, and for a
    page the document does not have or that cannot be shown.
    """
    source = open_document(document, actor=actor)
    page = pages.page_file(document, source, number)
    if page is None:
        raise NotPermitted()
    return page


def _replace(application: Application, document: Document) -> None:
    """Put ``document`` in the place of the application's current one of its kind (the
    old row is deleted and flushed now; the new one waits for the next flush)."""
    old = current_document(application, document.kind)
    if old is not None:
        application.documents.remove(old)
        db.session.flush()  # the unique (application, kind) index allows one row at a time
        storage.remove_after_commit(db.session(), old.storage_name)
    application.documents.append(document)


def _check_kind(kind: str) -> None:
    if kind not in DOCUMENT_KINDS:
        raise DocumentError(_l("This kind of document is not asked for by the call."))


def _check_may_change(application: Application, actor: User, kind: str | None = None) -> None:
    if actor is None or not owns_dossier(actor, application):
        raise DocumentError(_l("You cannot change the documents of this application."))
    if application.status == ApplicationStatus.INFO_REQUESTED and kind is not None:
        request = open_request(application)
        if request is None or kind not in request.documents:
            raise DocumentError(
                _l("The programme team did not ask for this document: it cannot be changed.")
            )
    if application.status not in EDITABLE:
        raise DocumentError(
            _l(
                "This application was submitted: its documents can no longer be changed. "
                "If the programme team asks you for information, you can change them again."
            )
        )


__all__ = [
    "DocumentError",
    "attach_document",
    "current_document",
    "delete_document",
    "open_document",
    "open_document_page",
    "store_document",
]
