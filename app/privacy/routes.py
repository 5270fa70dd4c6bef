"""Everyone's own data page (who read my documents, download everything, ask for erasure)
and the staff's erasure queue."""

from flask import abort, flash, redirect, render_template, request, send_file, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select

from app.auth.models import Role
from app.common.access import role_required
from app.common.clock import utcnow
from app.extensions import db
from app.privacy import bp
from app.privacy.models import DocumentDisposal, ErasureRequest, ErasureStatus
from app.privacy.services import (
    PrivacyError,
    accesses_to_application,
    accesses_to_documents_of,
    applications_in_progress,
    approve_erasure,
    export_personal_data,
    refuse_erasure,
    request_erasure,
)

EVERY_ROLE = tuple(Role)


@bp.route("/account/data")
@role_required(*EVERY_ROLE)
def my_data():
    """What Impulse holds about me: who read my sensitive documents, my download, erasure."""
    latest = db.session.scalar(
        select(ErasureRequest)
        .where(ErasureRequest.user_id == current_user.id)
        .order_by(ErasureRequest.id.desc())
        .limit(1)
    )
    return render_template(
        "privacy/my_data.html",
        accesses=accesses_to_documents_of(current_user),
        latest_request=latest,
        may_request=current_user.has_role(Role.APPLICANT),
        in_progress=applications_in_progress(current_user),
    )


@bp.route("/account/data/export.zip")
@role_required(*EVERY_ROLE)
def export_my_data():
    """Everything Impulse holds about me, as a ZIP (data.json and my files)."""
    archive = export_personal_data(current_user)
    day = utcnow().date().isoformat()
    response = send_file(
        archive,
        mimetype="application/zip",
        as_attachment=True,
        download_name=f"impulse-my-data-{day}.zip",
    )
    response.headers["Cache-Control"] = "private, no-store"
    return response


@bp.route("/account/data/erasure", methods=["POST"])
@role_required(Role.APPLICANT)
def ask_erasure():
    """Ask the programme team to erase my data."""
    if request.form.get("confirm") != "yes":
        flash(_("Tick the box to confirm that you want your data erased."), "error")
        return redirect(url_for("privacy.my_data"))
    try:
        request_erasure(current_user)
    except PrivacyError as error:
        db.session.rollback()
        flash(str(error), "error")
        return redirect(url_for("privacy.my_data"))
    db.session.commit()
    flash(
        _("Your request is with the programme team. You will see their answer on this page."),
        "success",
    )
    return redirect(url_for("privacy.my_data"))


@bp.route("/staff/erasure")
@role_required(Role.STAFF)
def erasure_queue():
    """Erasure requests waiting for a decision, and the latest decided ones."""
    pending = db.session.scalars(
        select(ErasureRequest)
        .where(ErasureRequest.status == ErasureStatus.PENDING)
        .order_by(ErasureRequest.requested_at, ErasureRequest.id)
    ).all()
    decided = db.session.scalars(
        select(ErasureRequest)
        .where(ErasureRequest.status != ErasureStatus.PENDING)
        .order_by(ErasureRequest.decided_at.desc(), ErasureRequest.id.desc())
        .limit(50)
    ).all()
    return render_template(
        "privacy/erasure_queue.html",
        pending=[(item, applications_in_progress(item.user)) for item in pending],
        decided=decided,
        disposed=db.session.scalar(select(db.func.count()).select_from(DocumentDisposal)),
    )


@bp.route("/staff/erasure/<int:request_id>", methods=["POST"])
@role_required(Role.STAFF)
def decide_erasure(request_id):
    """Approve (erase now) or refuse (with a reason) one request."""
    erasure = db.session.get(ErasureRequest, request_id)
    if erasure is None:
        abort(404)
    decision = request.form.get("decision")
    try:
        if decision == "approve":
            approve_erasure(erasure, actor=current_user)
            done = _("The person's data is erased.")
        elif decision == "refuse":
            refuse_erasure(erasure, actor=current_user, note=request.form.get("note", ""))
            done = _("The request is refused; the applicant sees your reason.")
        else:
            raise PrivacyError(_("Choose to approve or to refuse the request."))
    except PrivacyError as error:
        db.session.rollback()
        flash(str(error), "error")
        return redirect(url_for("privacy.erasure_queue"))
    db.session.commit()
    flash(done, "success")
    return redirect(url_for("privacy.erasure_queue"))


@bp.app_template_global()
def document_reads(application) -> list:
    """For the applicant's dossier: who read its identity document and criminal record."""
    return accesses_to_application(application.id)
