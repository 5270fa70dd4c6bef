"""Applicants' pages, staff's dossier pages, and the lifecycle buttons."""

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required
from sqlalchemy import select
from sqlalchemy.orm import joinedload, selectinload

from app.access.policy import (
    may_list_applications,
    may_view_application,
    owns_dossier,
    role_required,
    triggers_for,
)
from app.applications import bp
from app.applications.filters import ApplicationFilters, filter_questions
from app.applications.forms import TransitionForm, step_form_class, to_form_data, valid_answers
from app.applications.listing import list_page
from app.applications.models import Application
from app.applications.progress import step_progress, step_url
from app.applications.questions import condition_wording, shown_on_step
from app.applications.services import (
    ApplicationError,
    apply_transition,
    save_answers,
    start_application,
)
from app.applications.wording import TRIGGERS_TO_CONFIRM, TRIGGERS_WITH_NOTE, done_message
from app.audit.history import dossier_history
from app.auth.models import Role
from app.calls.models import Call
from app.common.clock import utcnow
from app.common.errors import ConcurrentUpdate
from app.common.urls import wants_page
from app.common.views import permitted_or_404, refusal_response, run_service
from app.eligibility.models import open_request, published_decision
from app.extensions import db
from app.selection.explanation import confirmation_deadlines, explain
from workflows.application import COACHING_STATES, SELECTION_DECIDED, STATES, ApplicationStatus


@bp.app_context_processor
def lifecycle_names() -> dict:
    """The lifecycle's names for every template: ``Status.SUBMITTED``, ``coaching_states``."""
    return {"Status": ApplicationStatus, "coaching_states": COACHING_STATES}


def _load_visible(application_id: int) -> Application:
    """The application, if the current user may see it; 404 otherwise."""
    application = db.session.get(Application, application_id)
    if application is None or not may_view_application(current_user, application):
        abort(404)
    return application


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
        "applications/mine.html",
        applications=applications,
        open_calls=open_calls,
        now=now,
        deadlines=confirmation_deadlines(applications),
    )


@bp.route("/calls/<int:call_id>/apply", methods=["POST"])
@role_required(Role.APPLICANT)
def apply(call_id):
    """Start (or resume) one's application to a call."""
    call = db.get_or_404(Call, call_id)
    return run_service(
        start_application,
        call,
        done=None,  # the form's first step (or the dossier) is the answer
        back=url_for("applications.my_applications"),
        then=lambda application: (
            url_for("applications.show_application", application_id=application.id)
            if application.has_own_answers
            else step_url(application, application.form.steps[0])
        ),
    )


def _load_own(application_id: int) -> Application:
    """The current user's own application; 404 otherwise."""
    application = _load_visible(application_id)
    if not owns_dossier(current_user, application):
        abort(404)
    return application


@bp.route("/applications/<int:application_id>")
@login_required
def show_application(application_id):
    """The applicant's application: progress, review of every answer, submit; or its status."""
    application = _load_visible(application_id)
    if not owns_dossier(current_user, application):
        return redirect(url_for("applications.staff_dossier", application_id=application.id))
    missing = application.missing_items() if application.is_editable else []
    return render_template(
        "applications/show.html",
        application=application,
        steps=application.form.steps,
        missing=missing,
        progress=step_progress(application, missing),
        form=TransitionForm(),
        asked=open_request(application),
        decision=published_decision(application),
        outcome=explain(application) if application.status in SELECTION_DECIDED else None,
        questions=application.form.questions,
        step_of=application.form.step_of,
    )


@bp.route("/applications/<int:application_id>/steps/<slug>", methods=["GET", "POST"])
@login_required
def edit_step(application_id, slug):
    """One step of the application form; saving keeps every valid answer."""
    application = _load_own(application_id)
    step = application.form.step_by_slug.get(slug)
    if step is None or not step.questions:
        abort(404)
    if not _may_answer(application, step):
        return redirect(url_for("applications.show_application", application_id=application.id))
    form_class = step_form_class(step)
    if request.method == "GET":
        form = form_class(
            data={**to_form_data(step, application.answers), "version": application.version}
        )
        return _render_step(application, step, form)
    form = form_class()
    form.validate()
    return run_service(
        save_answers,
        application,
        valid_answers(form, step),
        expected_version=int(form.version.data or -1),
        done=None,  # _after_saving says what was kept
        back=url_for("applications.show_application", application_id=application.id),
        then=lambda _saved: _after_saving(application, step, form),
    )


def _may_answer(application: Application, step) -> bool:
    """Whether the step may be changed now: the dossier is editable and, when staff asked
    for information, the step holds an answer they asked for."""
    if not application.is_editable:
        return False
    if application.status != ApplicationStatus.INFO_REQUESTED:
        return True
    asked = open_request(application)
    return asked is not None and bool({q.name for q in step.questions} & set(asked.fields))


def _after_saving(application, step, form):
    """The form again with what is left to correct, or on to the next step."""
    if form.errors:
        flash(_("What was valid is saved. Please correct the fields marked below."), "error")
        form.version.data = application.version
        return _render_step(application, step, form), 422
    flash(_("Step “%(step)s” saved.", step=str(step.title)), "success")
    return redirect(_after_step(application, step))


def _render_step(application, step, form):
    missing = application.missing_items()
    asked = (
        open_request(application)
        if application.status == ApplicationStatus.INFO_REQUESTED
        else None
    )
    shown = [
        q
        for q in shown_on_step(step, application.answers)
        if asked is None or q.name in asked.fields
    ]
    return render_template(
        "applications/step.html",
        application=application,
        step=step,
        form=form,
        steps=application.form.steps,
        progress=step_progress(application, missing),
        questions=shown,
        condition_wording=lambda question: condition_wording(question, application.form),
    )


def _after_step(application, step) -> str:
    """Where "save and continue" leads: the next step, or the review."""
    if request.form.get("then") == "stay":
        return url_for("applications.edit_step", application_id=application.id, slug=step.slug)
    following = application.form.next_step(step)
    if following is None:
        return url_for("applications.show_application", application_id=application.id)
    return step_url(application, following)


@bp.route("/applications/<int:application_id>/confirm/<trigger>")
@login_required
def confirm_action(application_id, trigger):
    """A confirmation step before an action that cannot be undone (withdraw, decline)."""
    application = _load_visible(application_id)
    if trigger not in TRIGGERS_TO_CONFIRM or trigger not in triggers_for(current_user, application):
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
        return refusal_response(ConcurrentUpdate())
    if trigger in TRIGGERS_WITH_NOTE and not (form.note.data or "").strip():
        return refusal_response(
            ApplicationError(_l("Please write a note: it explains this decision."))
        )
    own = owns_dossier(current_user, application)
    return run_service(
        apply_transition,
        application,
        trigger,
        note=form.note.data,
        expected_version=int(form.version.data) if form.version.data.isdigit() else -1,
        done=lambda _entry: done_message(application, trigger),
        then=url_for(
            "applications.show_application" if own else "applications.staff_dossier",
            application_id=application.id,
        ),
    )


# Staff -------------------------------------------------------------------------------


@bp.route("/staff/calls/<int:call_id>/applications")
@role_required(Role.STAFF, Role.CHAIR)
def list_applications(call_id):
    """The call's dossiers the viewer may read: filters, search, sorting, pages."""
    call = permitted_or_404(Call, call_id, may_list_applications)
    filters = ApplicationFilters.from_args(request.args, call)
    page = list_page(
        filters,
        call,
        current_user,
        page=wants_page(),
        after=request.args.get("after", ""),
        before=request.args.get("before", ""),
    )
    return render_template(
        "applications/list.html",
        call=call,
        page=page,
        filters=filters,
        states=STATES,
        filter_questions=filter_questions(call),
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
            selectinload(Application.documents),
        )
    )
    if application is None or not may_view_application(current_user, application):
        abort(404)
    triggers = [t for t in triggers_for(current_user, application) if t not in TRIGGERS_TO_CONFIRM]
    return render_template(
        "applications/dossier.html",
        application=application,
        history=dossier_history(current_user, application),
        triggers=triggers,
        form=TransitionForm(data={"version": application.version}),
    )
