"""The applicant's documents page, uploads, deletions and downloads."""

import logging

from flask import (
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    send_file,
    url_for,
)
from flask_babel import gettext as _
from flask_login import current_user, login_required
from werkzeug.exceptions import RequestEntityTooLarge

from app.applications.models import Application
from app.applications.progress import step_progress, step_url
from app.applications.questions import STEP_BY_SLUG
from app.auth.models import Role
from app.common.access import role_required
from app.documents import bp, storage
from app.documents.forms import UploadForm
from app.documents.models import DOCUMENT_KINDS, Document
from app.documents.services import (
    DocumentError,
    can_download,
    can_read_documents,
    current_document,
    delete_document,
    may_change_documents,
    required_kinds,
    store_document,
)
from app.documents.wording import ACCEPTED_TYPES, KIND_HELP, KIND_LABELS, size_label
from app.events import document_read
from app.extensions import db

log = logging.getLogger("impulse.documents")


def _load_own(application_id: int) -> Application:
    """The current user's own application; 404 for anyone else."""
    application = db.session.get(Application, application_id)
    if application is None or application.applicant_id != current_user.id:
        abort(404)
    return application


def _back_to(application_id: int):
    return redirect(url_for("documents.manage_documents", application_id=application_id))


@bp.route("/applications/<int:application_id>/documents")
@role_required(Role.APPLICANT)
def manage_documents(application_id):
    """The owner's documents: what the call asks, what is stored, upload and replace."""
    application = _load_own(application_id)
    required = required_kinds(application)
    return render_template(
        "documents/manage.html",
        application=application,
        required=[(kind, current_document(application, kind)) for kind in required],
        optional=[
            (kind, current_document(application, kind))
            for kind in DOCUMENT_KINDS
            if kind not in required
        ],
        editable=may_change_documents(application, current_user),
        upload_form=UploadForm(formdata=None),
        progress=step_progress(application, application.missing_items()),
        next_step=step_url(application, STEP_BY_SLUG["declarations"]),
    )


@bp.route("/applications/<int:application_id>/documents/<kind>", methods=["POST"])
@role_required(Role.APPLICANT)
def upload_document(application_id, kind):
    """Upload the document of one kind, or replace the current one."""
    application = _load_own(application_id)
    form = UploadForm()
    try:
        document = store_document(application, kind, form.file.data, actor=current_user)
    except DocumentError as error:
        db.session.rollback()
        flash(str(error), "error")
        return _back_to(application.id)
    db.session.commit()
    flash(
        _("“%(label)s” saved: %(name)s.", label=KIND_LABELS[kind], name=document.original_name),
        "success",
    )
    return _back_to(application.id)


@bp.route("/documents/<int:document_id>/delete", methods=["POST"])
@role_required(Role.APPLICANT)
def remove_document(document_id):
    """Delete one of the owner's documents."""
    document = db.session.get(Document, document_id)
    if document is None or document.application.applicant_id != current_user.id:
        abort(404)
    application_id, label = document.application_id, KIND_LABELS[document.kind]
    try:
        delete_document(document, actor=current_user)
    except DocumentError as error:
        db.session.rollback()
        flash(str(error), "error")
        return _back_to(application_id)
    db.session.commit()
    flash(_("“%(label)s” deleted.", label=label), "success")
    return _back_to(application_id)


@bp.route("/documents/<int:document_id>")
@login_required
def download_document(document_id):
    """Download a document, as an attachment, for those who may read it."""
    document = db.session.get(Document, document_id)
    if document is None or not can_download(current_user, document):
        abort(404)
    path = storage.path_of(document.storage_name)
    if not path.is_file():
        log.error("document %s: file %s is missing from the store", document.id, path.name)
        abort(404)
    document_read.send(document, reader=current_user)
    db.session.commit()  # the read is on record before the file leaves
    response = send_file(
        path,
        mimetype=document.content_type,
        as_attachment=True,
        download_name=document.original_name,
        conditional=False,
        etag=False,
    )
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Cache-Control"] = "private, no-store"
    response.headers["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response


@bp.errorhandler(RequestEntityTooLarge)
def request_too_large(error):
    """A request above MAX_CONTENT_LENGTH: a message on the documents page, not a bare 413."""
    db.session.rollback()
    flash(
        _(
            "The file is too large: a document may not exceed %(limit)s. "
            "Make it smaller and try again.",
            limit=size_label(current_app.config["MAX_DOCUMENT_BYTES"]),
        ),
        "error",
    )
    application_id = (request.view_args or {}).get("application_id")
    if application_id is None:
        return redirect(url_for("applications.my_applications"))
    return _back_to(application_id)


# Template helpers (for this area's pages and for templates/documents/_list.html) ------


@bp.app_template_global()
def may_read_documents(application: Application) -> bool:
    """For templates: whether the current user may download the application's documents."""
    return can_read_documents(current_user, application)


@bp.app_template_global()
def document_label(kind: str) -> str:
    return str(KIND_LABELS.get(kind, kind))


@bp.app_template_global()
def document_help(kind: str) -> str:
    return str(KIND_HELP.get(kind, ""))


@bp.app_template_global()
def accepted_document_types() -> str:
    return str(ACCEPTED_TYPES)


@bp.app_template_filter()
def in_kind_order(documents: list[Document]) -> list[Document]:
    return sorted(documents, key=lambda document: DOCUMENT_KINDS.index(document.kind))


@bp.app_template_filter()
def document_size(size: int) -> str:
    return size_label(size)
