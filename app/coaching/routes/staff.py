"""Staff pages of coaching: a call's projects and coaches, the stalled panel, assignment,
unlocking a session, the coaching settings of a call, and the coaches' profiles."""

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from app.access.policy import role_required
from app.applications.models import Application
from app.auth.models import Role, User
from app.coaching import bp
from app.coaching import services as coaching
from app.coaching.forms import AssignForm, ProfileForm, SettingsForm
from app.coaching.overview import (
    call_projects,
    coaches_with_load,
    settings_for,
    stalled_lines,
    waiting_for_a_coach,
)
from app.coaching.routes.common import (
    call_or_404,
    coach_choices,
    file_url,
    run_posted,
    session_or_404,
)
from app.coaching.vocabulary import STANDARD_MILESTONES, STANDARD_TOPICS
from app.common.views import form_errors, run_service
from app.extensions import db
from workflows.application import COACHING_STATES

LANGUAGES = ("fr", "nl", "ar", "en")


@bp.route("/staff/calls/<int:call_id>")
@role_required(Role.STAFF)
def staff_call(call_id):
    """A call's coaching: the stalled panel, the projects waiting for a coach, those in
    coaching, and the coaches with their loads."""
    call = call_or_404(call_id)
    lines = call_projects(call, current_user)
    form = AssignForm()
    form.coach_id.choices = coach_choices()
    return render_template(
        "coaching/staff_call.html",
        call=call,
        waiting=waiting_for_a_coach(call, current_user),
        lines=lines,
        stalled=sorted(
            stalled_lines(lines),
            key=lambda line: (-(line.days_without_session or 0), -line.overdue_items),
        ),
        coaches=coaches_with_load(),
        settings=settings_for(call),
        form=form,
    )


def _after_assignment(application: Application) -> str:
    """Back to the call's page (asked for, or the project has no file yet), else the file."""
    if request.form.get("back") == "call" or application.status not in COACHING_STATES:
        return url_for("coaching.staff_call", call_id=application.call_id)
    return file_url(application)


@bp.route("/staff/projects/<int:project_id>/assign", methods=["POST"])
@role_required(Role.STAFF)
def staff_assign(project_id):
    """Assign (or replace) a project's main coach or coach in Morocco."""
    application = db.get_or_404(Application, project_id)
    form = AssignForm()
    form.coach_id.choices = coach_choices()
    coach = db.session.get(User, form.coach_id.data) if form.validate_on_submit() else None
    if coach is None:
        flash(form_errors(form) or _("Please choose a coach."), "error")
        return redirect(_after_assignment(application))
    return run_service(
        coaching.assign_coach,
        application,
        coach,
        form.role.data,
        done=_("%(name)s now coaches this project.", name=coach.full_name),
        back=lambda _result: _after_assignment(application),
    )


@bp.route("/staff/projects/<int:project_id>/end-morocco", methods=["POST"])
@role_required(Role.STAFF)
def staff_end_morocco(project_id):
    """End the assignment of the coach in Morocco."""
    application = db.get_or_404(Application, project_id)
    return run_service(
        coaching.end_morocco_coach,
        application,
        done=_("Assignment ended."),
        back=lambda _result: _after_assignment(application),
    )


@bp.route("/sessions/<int:log_id>/unlock", methods=["POST"])
@role_required(Role.STAFF)
def unlock_session(log_id):
    """Staff reopen a locked session for its author."""
    session = session_or_404(log_id)
    return run_service(
        coaching.unlock_session,
        session,
        done=_("The session can be changed again."),
        back=file_url(session.application),
    )


def _settings_form(settings) -> SettingsForm:
    """The settings form, filled with the call's settings on a first visit."""
    form = SettingsForm()
    if request.method != "GET":
        return form
    form.topics.data = [e["key"] for e in settings.topics if e["key"] in STANDARD_TOPICS]
    form.custom_topics.data = "\n".join(
        e.get("label", "") for e in settings.topics if e["key"] not in STANDARD_TOPICS
    )
    form.milestones.data = [
        e["key"] for e in settings.milestones if e["key"] in STANDARD_MILESTONES
    ]
    form.custom_milestones.data = "\n".join(
        e.get("label", "") for e in settings.milestones if e["key"] not in STANDARD_MILESTONES
    )
    form.stall_days.data = settings.stall_days
    return form


@bp.route("/staff/calls/<int:call_id>/settings", methods=["GET", "POST"])
@role_required(Role.STAFF)
def staff_settings(call_id):
    """The call's coaching topics, milestones and stall threshold."""
    call = call_or_404(call_id)
    form = _settings_form(settings_for(call))

    def page(error=None):
        return render_template("coaching/staff_settings.html", call=call, form=form, error=error)

    if form.validate_on_submit():
        return run_service(
            coaching.save_settings,
            call,
            form.data_for_service(),
            done=_("Coaching settings saved."),
            then=url_for("coaching.staff_call", call_id=call.id),
            refused=page,
        )
    return page()


@bp.route("/staff/coaches")
@role_required(Role.STAFF)
def staff_coaches():
    """Every coach: languages, location, capacity and current load, each editable."""
    rows = []
    for user, profile, load in coaches_with_load():
        form = ProfileForm(prefix=f"c{user.id}", formdata=None, obj=profile)
        form.languages.data = profile.language_list if profile else []
        rows.append((user, profile, load, form))
    return render_template("coaching/staff_coaches.html", rows=rows)


@bp.route("/staff/coaches/<int:coach_id>", methods=["POST"])
@role_required(Role.STAFF)
def staff_profile(coach_id):
    """Save one coach's profile."""
    coach = db.session.get(User, coach_id)
    if coach is None or not coach.has_role(Role.COACH):
        abort(404)
    form = ProfileForm(prefix=f"c{coach.id}")
    return run_posted(
        form,
        coaching.save_profile,
        coach,
        form.data_for_service(LANGUAGES),
        done=_("Profile of %(name)s saved.", name=coach.full_name),
        back=url_for("coaching.staff_coaches"),
    )
