"""The applicant's documents page, uploads, deletions and downloads."""

from flask import abort, current_app, flash, redirect, render_template, request, send_file, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from werkzeug.exceptions import RequestEntityTooLarge

from app.access import policy
from app.access.policy import may_change_documents, owns_dossier, role_required
from app.applications.models import Application
from app.applications.progress import step_progress, step_url
from app.auth.models import Role
from app.common.views import run_service
from app.documents import bp, pages
from app.documents.forms import UploadForm
from app.documents.models import Document
from app.documents.requirements import DOCUMENT_KINDS, asked_kinds, required_kinds
from app.documents.services import (
    current_document,
    delete_document,
    open_document,
    open_document_page,
    store_document,
)
from app.documents.wording import ACCEPTED_TYPES, KIND_HELP, KIND_LABELS, size_label
from app.extensions import db


def _load_own(application_id: int) -> Application:
    """The current user's own application; 404 for anyone else."""
    application = db.session.get(Application, application_id)
    if application is None or not owns_dossier(current_user, application):
        abort(404)
    return application


def _documents_page(application_id: int) -> str:
    return url_for("documents.manage_documents", application_id=application_id)


@bp.route("/applications/<int:application_id>/documents")
@role_required(Role.APPLICANT)
def manage_documents(application_id):
    """The owner's documents: what the call asks, what is stored, upload and replace."""
    application = _load_own(application_id)
    required = required_kinds(application)
    stored = {document.kind for document in application.documents}
    optional = [kind for kind in asked_kinds(application) if kind not in required]
    optional += [kind for kind in DOCUMENT_KINDS if kind in stored - {*required, *optional}]
    return render_template(
        "documents/manage.html",
        application=application,
        required=[(kind, current_document(application, kind)) for kind in required],
        optional=[(kind, current_document(application, kind)) for kind in optional],
        editable=may_change_documents(current_user, application),
        upload_form=UploadForm(formdata=None),
        progress=step_progress(application, application.missing_items()),
        next_step=_after_documents(application),
    )


def _after_documents(application) -> str:
    """Where "continue" leads from the documents: the next step, or the review."""
    form = application.form
    following = form.next_step(form.step_by_slug[form.documents_slug])
    if following is None:
        return url_for("applications.show_application", application_id=application.id)
    return step_url(application, following)


@bp.route("/applications/<int:application_id>/documents/<kind>", methods=["POST"])
@role_required(Role.APPLICANT)
def upload_document(application_id, kind):
    """Upload the document of one kind, or replace the current one."""
    application = _load_own(application_id)
    return run_service(
        store_document,
        application,
        kind,
        UploadForm().file.data,
        done=lambda document: _(
            "“%(label)s” saved: %(name)s.", label=KIND_LABELS[kind], name=document.original_name
        ),
        back=_documents_page(application.id),
    )


@bp.route("/documents/<int:document_id>/delete", methods=["POST"])
@role_required(Role.APPLICANT)
def remove_document(document_id):
    """Delete one of the owner's documents."""
    document = db.get_or_404(Document, document_id)
    if not owns_dossier(current_user, document.application):
        abort(404)
    return run_service(
        delete_document,
        document,
        done=_("“%(label)s” deleted.", label=KIND_LABELS[document.kind]),
        back=_documents_page(document.application_id),
    )


@bp.route("/documents/<int:document_id>")
@login_required
def download_document(document_id):
    """Download a document, as an attachment, for those who may read it."""
    document = db.get_or_404(Document, document_id)
    return run_service(
        open_document, document, done=None, then=lambda path: _attachment(document, path)
    )


@bp.route("/documents/<int:document_id>/pages/<int:page_number>")
@login_required
def document_page(document_id, page_number):
    """One page of a document as an image shown in the page, for those who may read it."""
    document = db.get_or_404(Document, document_id)
    return run_service(
        open_document_page,
        document,
        page_number,
        done=None,  # an image in the page
        then=lambda page: _inline_page(page),
    )


def _inline_page(page):
    """A page's image, for an ``<img>`` of this site; kept by no cache on the way."""
    response = send_file(page.path, mimetype=page.content_type, conditional=False, etag=False)
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Cache-Control"] = "private, no-store"
    response.headers["Content-Security-Policy"] = "default-src 'none'; sandbox"
    response.headers["Cross-Origin-Resource-Policy"] = "same-origin"
    return response


def _attachment(document: Document, path):
    """The file as a download the browser neither shows nor keeps."""
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
    return redirect(_documents_page(application_id))


# Template helpers (for this area's pages and for templates/documents/_list.html) ------


@bp.app_template_global()
def may_read_documents(application: Application) -> bool:
    """For templates: whether the current user may download the application's documents."""
    return policy.may_read_documents(current_user, application)


@bp.app_template_global()
def document_layout(document: Document) -> pages.Layout | None:
    """For templates/documents/_pages.html: the pages of a document shown in the page."""
    return pages.layout(document)


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
