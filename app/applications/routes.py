"""Applicants' pages, staff's dossier pages, and the lifecycle buttons."""

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from sqlalchemy import func, or_, select
from sqlalchemy.orm import joinedload, selectinload

from app.applications import bp
from app.applications.forms import DraftForm, TransitionForm
from app.applications.models import Application, AuditEntry
from app.applications.services import (
    ApplicationError,
    ConcurrentUpdate,
    NotPermitted,
    TransitionRefused,
    apply_transition,
    save_draft,
    start_application,
)
from app.applications.wording import (
    GUARD_MESSAGES,
    STATE_LABELS,
    TRIGGER_LABELS,
    TRIGGERS_TO_CONFIRM,
    TRIGGERS_WITH_NOTE,
)
from app.auth.models import Role, User
from app.calls.models import Call
from app.common.access import role_required, wants_page
from app.common.clock import utcnow
from app.extensions import db
from workflows.application import STATES


def _load_visible(application_id: int) -> Application:
    """The application, if the current user may see it; 404 otherwise."""
    application = db.session.get(Application, application_id)
    if application is None or not application.can_view(current_user):
        abort(404)
    return application


def _refused(message) -> tuple[str, int]:
    db.session.rollback()
    return render_template("errors/409.html", message=message), 409


# Applicants --------------------------------------------------------------------------


@bp.route("/my/applications")
@role_required(Role.APPLICANT)
def my_applications():
    """The applicant's home: their applications and the calls open now."""
    now = utcnow()
    applications = db.session.scalars(
        select(Application)
        .where(Application.applicant_id == current_user.id)
        .options(joinedload(Application.call))
        .order_by(Application.created_at.desc())
    ).all()
    applied = {application.call_id for application in applications}
    open_calls = [
        call
        for call in db.session.scalars(
            select(Call).where(Call.opens_at <= now, Call.closes_at >= now).order_by(Call.closes_at)
        )
        if call.id not in applied
    ]
    return render_template(
        "applications/mine.html", applications=applications, open_calls=open_calls, now=now
    )


@bp.route("/calls/<int:call_id>/apply", methods=["POST"])
@role_required(Role.APPLICANT)
def apply(call_id):
    """Start (or resume) one's application to a call."""
    call = db.get_or_404(Call, call_id)
    try:
        application = start_application(call, current_user)
    except ApplicationError as error:
        db.session.rollback()
        flash(str(error), "error")
        return redirect(url_for("applications.my_applications"))
    db.session.commit()
    return redirect(url_for("applications.show_application", application_id=application.id))


@bp.route("/applications/<int:application_id>", methods=["GET", "POST"])
@login_required
def show_application(application_id):
    """The applicant's own application: the draft form, or the read-only dossier."""
    application = _load_visible(application_id)
    if application.applicant_id != current_user.id:
        return redirect(url_for("applications.staff_dossier", application_id=application.id))
    form = DraftForm(obj=None, data={**application.answers, "version": application.version})
    if request.method == "POST":
        form = DraftForm()
        if not form.validate():
            return render_template(
                "applications/show.html", application=application, form=form
            ), 422
        try:
            save_draft(
                application,
                {name: form[name].data for name in ("project_title", "summary")},
                actor=current_user,
                expected_version=form.version.data,
            )
        except ConcurrentUpdate as error:
            return _refused(str(error))
        except ApplicationError as error:
            db.session.rollback()
            flash(str(error), "error")
        else:
            db.session.commit()
            flash(_("Draft saved."), "success")
        return redirect(url_for("applications.show_application", application_id=application.id))
    return render_template("applications/show.html", application=application, form=form)


@bp.route("/applications/<int:application_id>/confirm/<trigger>")
@login_required
def confirm_action(application_id, trigger):
    """A confirmation step before an action that cannot be undone (withdraw, decline)."""
    application = _load_visible(application_id)
    if trigger not in TRIGGERS_TO_CONFIRM or trigger not in application.triggers_for(current_user):
        abort(404)
    form = TransitionForm(data={"version": application.version})
    return render_template(
        "applications/confirm.html", application=application, trigger=trigger, form=form
    )


@bp.route("/applications/<int:application_id>/actions/<trigger>", methods=["POST"])
@login_required
def fire_action(application_id, trigger):
    """Fire a lifecycle trigger (a button of the dossier page)."""
    application = _load_visible(application_id)
    form = TransitionForm()
    if not form.validate():
        return _refused(_("The form was incomplete. Reload the page and try again."))
    if trigger in TRIGGERS_WITH_NOTE and not (form.note.data or "").strip():
        return _refused(_("Please write a note: it explains this decision."))
    try:
        apply_transition(
            application,
            trigger,
            actor=current_user,
            note=form.note.data,
            expected_version=int(form.version.data) if form.version.data.isdigit() else -1,
        )
    except NotPermitted:
        db.session.rollback()
        abort(404)
    except TransitionRefused as refusal:
        message = GUARD_MESSAGES.get(refusal.guard) or _(
            "This action is not possible now: the application is “%(state)s”.",
            state=STATE_LABELS.get(refusal.state, refusal.state),
        )
        return _refused(message)
    except ApplicationError as error:
        return _refused(str(error))
    db.session.commit()
    flash(_("Done: %(action)s.", action=TRIGGER_LABELS[trigger]), "success")
    if application.applicant_id == current_user.id:
        return redirect(url_for("applications.show_application", application_id=application.id))
    return redirect(url_for("applications.staff_dossier", application_id=application.id))


# Staff -------------------------------------------------------------------------------


@bp.route("/staff/calls/<int:call_id>/applications")
@role_required(Role.STAFF, Role.CHAIR)
def list_applications(call_id):
    """The applications of a call, filtered by status and searched by reference or name."""
    call = db.get_or_404(Call, call_id)
    status = request.args.get("status", "")
    search = request.args.get("q", "").strip()[:100]
    query = select(Application).where(Application.call_id == call.id).join(Application.applicant)
    if status in STATES:
        query = query.where(Application.status == status)
    if search:
        pattern = f"%{search.lower()}%"
        query = query.where(
            or_(
                func.lower(Application.reference).like(pattern),
                func.lower(User.full_name).like(pattern),
            )
        )
    page = db.paginate(
        query.options(joinedload(Application.applicant)).order_by(
            Application.number.is_(None), Application.number, Application.id
        ),
        page=wants_page(),
        per_page=25,
        error_out=False,
    )
    return render_template(
        "applications/list.html",
        call=call,
        page=page,
        status=status,
        search=search,
        states=STATES,
    )


@bp.route("/staff/applications/<int:application_id>")
@role_required(Role.STAFF, Role.CHAIR)
def staff_dossier(application_id):
    """A dossier with its answers, audit trail and the actions the lifecycle allows."""
    application = db.session.scalar(
        select(Application)
        .where(Application.id == application_id)
        .options(
            joinedload(Application.call),
            joinedload(Application.applicant),
            selectinload(Application.audit_entries).joinedload(AuditEntry.actor),
        )
    )
    if application is None or not application.can_view(current_user):
        abort(404)
    triggers = [t for t in application.triggers_for(current_user) if t not in TRIGGERS_TO_CONFIRM]
    form = TransitionForm(data={"version": application.version})
    return render_template(
        "applications/dossier.html",
        application=application,
        triggers=triggers,
        form=form,
    )
