"""Staff pages of coaching: a call's projects and coaches, the stalled panel, assignment,
the coaching settings of a call, and the coaches' profiles."""

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.orm import joinedload
from wtforms import SelectChoice

from app.applications.models import Application
from app.auth.models import Role, User
from app.calls.models import Call
from app.coaching import bp
from app.coaching import services as coaching
from app.coaching.forms import AssignForm, ProfileForm, SettingsForm
from app.coaching.overview import call_projects, stalled_lines
from app.coaching.routes import attempt, form_error
from app.coaching.vocabulary import LOCATION_LABELS, STANDARD_MILESTONES, STANDARD_TOPICS
from app.common.access import role_required
from app.extensions import db

LANGUAGES = ("fr", "nl", "ar", "en")


def coach_choices() -> list[SelectChoice]:
    """Each active coach, with their load, languages and location in the label."""
    choices = []
    for user, profile, load in coaching.coaches_with_load():
        facts = [_("%(load)d followed", load=load)]
        if profile is not None:
            facts[0] = _("%(load)d of %(capacity)d", load=load, capacity=profile.capacity)
            if profile.languages:
                facts.append(profile.languages.upper().replace(",", ", "))
            facts.append(str(LOCATION_LABELS[profile.location]))
        choices.append(SelectChoice(user.id, f"{user.full_name} ({' · '.join(facts)})"))
    return choices


@bp.route("/staff/calls/<int:call_id>")
@role_required(Role.STAFF)
def staff_call(call_id):
    """A call's coaching: the stalled panel, the projects waiting for a coach, those in
    coaching, and the coaches with their loads."""
    call = db.get_or_404(Call, call_id)
    waiting = db.session.scalars(
        select(Application)
        .where(Application.call_id == call.id, Application.status == "confirmed")
        .options(joinedload(Application.applicant), joinedload(Application.call))
        .order_by(Application.reference)
    ).all()
    lines = call_projects(call)
    form = AssignForm()
    form.coach_id.choices = coach_choices()
    return render_template(
        "coaching/staff_call.html",
        call=call,
        waiting=waiting,
        lines=lines,
        stalled=sorted(
            stalled_lines(lines),
            key=lambda line: (-(line.days_without_session or 0), -line.overdue_items),
        ),
        coaches=coaching.coaches_with_load(),
        settings=coaching.settings_for(call),
        form=form,
    )


@bp.route("/staff/projects/<int:project_id>/assign", methods=["POST"])
@role_required(Role.STAFF)
def staff_assign(project_id):
    """Assign (or replace) a project's main coach or coach in Morocco."""
    application = db.get_or_404(Application, project_id)
    form = AssignForm()
    form.coach_id.choices = coach_choices()
    if form.validate_on_submit():
        coach = db.session.get(User, form.coach_id.data)
        error = attempt(
            coaching.assign_coach,
            application,
            coach,
            form.role.data,
            done=_("%(name)s now coaches this project.", name=coach.full_name),
        )
    else:
        error = form_error(form)
    if error:
        flash(error, "error")
    target = request.form.get("back") == "call"
    if target or application.status not in coaching.COACHING_STATES:
        return redirect(url_for("coaching.staff_call", call_id=application.call_id))
    return redirect(url_for("coaching.project", project_id=application.id))


@bp.route("/staff/projects/<int:project_id>/end-morocco", methods=["POST"])
@role_required(Role.STAFF)
def staff_end_morocco(project_id):
    """End the assignment of the coach in Morocco."""
    application = db.get_or_404(Application, project_id)
    error = attempt(coaching.end_morocco_coach, application, done=_("Assignment ended."))
    if error:
        flash(error, "error")
    if application.status not in coaching.COACHING_STATES:
        return redirect(url_for("coaching.staff_call", call_id=application.call_id))
    return redirect(url_for("coaching.project", project_id=application.id))


@bp.route("/staff/calls/<int:call_id>/settings", methods=["GET", "POST"])
@role_required(Role.STAFF)
def staff_settings(call_id):
    """The call's coaching topics, milestones and stall threshold."""
    call = db.get_or_404(Call, call_id)
    settings = coaching.settings_for(call)
    form = SettingsForm()
    error = None
    if request.method == "GET":
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
    elif form.validate_on_submit():
        data = {
            "topics": [key for key in form.topics.data or [] if key in STANDARD_TOPICS],
            "custom_topics": (form.custom_topics.data or "").splitlines(),
            "milestones": [key for key in form.milestones.data or [] if key in STANDARD_MILESTONES],
            "custom_milestones": (form.custom_milestones.data or "").splitlines(),
            "stall_days": form.stall_days.data,
        }
        error = attempt(coaching.save_settings, call, data, done=_("Coaching settings saved."))
        if error is None:
            return redirect(url_for("coaching.staff_call", call_id=call.id))
    return render_template("coaching/staff_settings.html", call=call, form=form, error=error)


@bp.route("/staff/coaches")
@role_required(Role.STAFF)
def staff_coaches():
    """Every coach: languages, location, capacity and current load, each editable."""
    rows = []
    for user, profile, load in coaching.coaches_with_load():
        form = ProfileForm(prefix=f"c{user.id}", formdata=None)
        form.languages.data = profile.language_list if profile else []
        form.location.data = profile.location if profile else "belgium"
        form.capacity.data = profile.capacity if profile else 8
        rows.append((user, profile, load, form))
    return render_template(
        "coaching/staff_coaches.html",
        rows=rows,
    )


@bp.route("/staff/coaches/<int:coach_id>", methods=["POST"])
@role_required(Role.STAFF)
def staff_profile(coach_id):
    """Save one coach's profile."""
    coach = db.session.get(User, coach_id)
    if coach is None or not coach.has_role(Role.COACH):
        abort(404)
    form = ProfileForm(prefix=f"c{coach.id}")
    if form.validate_on_submit():
        data = {
            "languages": [
                code for code in form.languages.data or [] if code in ("fr", "nl", "ar", "en")
            ],
            "location": form.location.data,
            "capacity": form.capacity.data,
        }
        error = attempt(
            coaching.save_profile,
            coach,
            data,
            done=_("Profile of %(name)s saved.", name=coach.full_name),
        )
    else:
        error = form_error(form)
    if error:
        flash(error, "error")
    return redirect(url_for("coaching.staff_coaches"))
