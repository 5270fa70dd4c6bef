"""Everyone's own data page (who opened my documents, download everything, ask for
erasure) and the staff's erasure queue."""

from flask import render_template, send_file, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from app.access.policy import may_decide_erasure, role_required
from app.auth.models import Role
from app.common.clock import utcnow
from app.common.views import permitted_or_404, run_posted, run_service
from app.privacy import bp
from app.privacy.forms import AskErasureForm, ErasureDecisionForm
from app.privacy.models import ErasureRequest
from app.privacy.services import (
    APPROVE,
    REFUSE,
    applications_in_progress,
    decide_on_erasure,
    disposed_documents,
    download_personal_data,
    erasure_requests,
    latest_request,
    reads_of_documents,
    request_erasure,
)

EVERY_ROLE = tuple(Role)

#: What staff read once a request is decided.
DECIDED = {
    APPROVE: _l("The person's data is erased."),
    REFUSE: _l("The request is refused; the applicant sees your reason."),
}


@bp.route("/account/data")
@role_required(*EVERY_ROLE)
def my_data():
    """What Impulse holds about me: who opened my sensitive documents, my download, erasure."""
    return render_template(
        "privacy/my_data.html",
        accesses=reads_of_documents(current_user),
        latest_request=latest_request(current_user),
        may_request=current_user.has_role(Role.APPLICANT),
        in_progress=applications_in_progress(current_user),
    )


@bp.route("/account/data/export.zip")
@role_required(*EVERY_ROLE)
def export_my_data():
    """Everything Impulse holds about me, as a ZIP (data.json and my files)."""
    archive = run_service(download_personal_data, current_user, done=None)  # the download
    response = send_file(
        archive,
        mimetype="application/zip",
        as_attachment=True,
        download_name=f"impulse-my-data-{utcnow().date().isoformat()}.zip",
    )
    response.headers["Cache-Control"] = "private, no-store"
    return response


@bp.route("/account/data/erasure", methods=["POST"])
@role_required(Role.APPLICANT)
def ask_erasure():
    """Ask the programme team to erase my data."""
    form = AskErasureForm()
    return run_service(
        request_erasure,
        confirmed=form.confirm.data,
        done=_("Your request is with the programme team. You will see their answer on this page."),
        back=url_for("privacy.my_data"),
    )


@bp.route("/staff/erasure")
@role_required(Role.STAFF)
def erasure_queue():
    """Erasure requests waiting for a decision, and the latest decided ones."""
    pending = erasure_requests(current_user, pending=True, limit=500)
    return render_template(
        "privacy/erasure_queue.html",
        pending=[(item, applications_in_progress(item.user)) for item in pending],
        decided=erasure_requests(current_user, pending=False),
        disposed=disposed_documents(),
    )


@bp.route("/staff/erasure/<int:request_id>", methods=["POST"])
@role_required(Role.STAFF)
def decide_erasure(request_id):
    """Approve (erase now) or refuse (with a reason) one request."""
    erasure = permitted_or_404(ErasureRequest, request_id, may_decide_erasure)
    form = ErasureDecisionForm()
    return run_posted(
        form,
        decide_on_erasure,
        erasure,
        form.decision.data or "",
        form.note.data or "",
        done=lambda decision: str(DECIDED[decision]),
        back=url_for("privacy.erasure_queue"),
    )


@bp.app_template_global()
def document_reads(application) -> list:
    """For the applicant's dossier: who opened its identity document and criminal record,
    by role and date."""
    return reads_of_documents(current_user, application, limit=50)
