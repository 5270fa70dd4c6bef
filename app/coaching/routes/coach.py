"""Coaches' pages: their entrepreneurs, a project's coaching file (which staff open too),
sessions, action items, milestones and the end of coaching.

A coach sees only the projects they follow now; anyone else gets 404. Staff see every
project from its confirmed place on.
"""

from flask import abort, render_template, request
from flask_babel import format_date
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.orm import joinedload, selectinload

from app.access.policy import (
    may_assign_coaches,
    may_coach,
    may_edit_session,
    may_tick_item,
    may_unlock_session,
    may_update_coaching,
    role_required,
)
from app.access.scopes import (
    visible_action_items,
    visible_coaching_history,
    visible_coaching_sessions,
    visible_milestones,
)
from app.applications.models import Application
from app.audit.models import AuditEvent
from app.auth.models import Role
from app.coaching import bp
from app.coaching import services as coaching
from app.coaching.forms import (
    CloseForm,
    CommentForm,
    EditSessionForm,
    MilestoneForm,
    NewItemForm,
    SessionForm,
)
from app.coaching.models import (
    ActionItem,
    CoachAssignment,
    CoachingClosure,
    CoachingSession,
    MilestoneProgress,
)
from app.coaching.overview import coach_projects, project_lines, settings_for, today
from app.coaching.routes.common import (
    coach_choices,
    file_url,
    permitted_or_404,
    project_or_404,
    run_posted,
    session_or_404,
    topic_choices,
)
from app.coaching.vocabulary import milestone_facts
from app.common.views import run_service
from app.documents.storage import read_capped
from app.extensions import db
from workflows.application import ApplicationStatus
from workflows.coaching import CoachRole

#: How many of the latest coaching events the file shows.
HISTORY_LENGTH = 100


@bp.route("/")
@role_required(Role.COACH)
def home():
    """A coach's home: the entrepreneurs they follow, the stalled ones first."""
    return render_template("coaching/home.html", lines=coach_projects(current_user))


@bp.route("/projects/<int:project_id>")
@role_required(Role.COACH, Role.STAFF)
def project(project_id):
    """A project's coaching file: coaches, sessions (private notes too), items, milestones."""
    application = project_or_404(project_id)
    return render_template("coaching/project.html", **_file_context(application))


def _file_records(application: Application) -> dict:
    """What the file lists, each through its scope."""
    viewer = current_user
    return {
        "sessions": db.session.scalars(
            visible_coaching_sessions(viewer, application.call)
            .where(CoachingSession.application_id == application.id)
            .options(joinedload(CoachingSession.coach))
            .order_by(CoachingSession.held_on.desc(), CoachingSession.id.desc())
        ).all(),
        "items": db.session.scalars(
            visible_action_items(viewer, application)
            .options(selectinload(ActionItem.comments))
            .order_by(ActionItem.done_at.is_not(None), ActionItem.due_on, ActionItem.id)
        ).all(),
        "progress": {
            row.key: row for row in db.session.scalars(visible_milestones(viewer, application))
        },
        "audit": db.session.scalars(
            visible_coaching_history(viewer, application)
            .options(joinedload(AuditEvent.actor))
            .order_by(AuditEvent.id.desc())
            .limit(HISTORY_LENGTH)
        ).all(),
        "history": db.session.scalars(
            select(CoachAssignment)
            .where(CoachAssignment.application_id == application.id)
            .options(joinedload(CoachAssignment.coach))
            .order_by(CoachAssignment.started_at.desc())
        ).all(),
        "closure": db.session.scalar(
            select(CoachingClosure).where(CoachingClosure.application_id == application.id)
        ),
    }


def _file_context(application: Application) -> dict:
    records = _file_records(application)
    sessions, line = records["sessions"], project_lines([application])[0]
    may_assign = may_assign_coaches(current_user, application)
    in_coaching = application.status == ApplicationStatus.COACHING
    return {
        **records,
        "application": application,
        "line": line,
        "settings": settings_for(application.call),
        "can_edit": {s.id: may_edit_session(current_user, s) for s in sessions},
        "locked": {s.id: s.locked for s in sessions},
        "may_unlock": {s.id: s.locked and may_unlock_session(current_user, s) for s in sessions},
        "may_tick": {item.id: may_tick_item(current_user, item) for item in records["items"]},
        "may_log": may_coach(current_user, application),
        "may_update": in_coaching and may_update_coaching(current_user, application),
        "may_assign": may_assign
        and application.status in (ApplicationStatus.CONFIRMED, ApplicationStatus.COACHING),
        "may_end_morocco": may_assign and in_coaching and CoachRole.MOROCCO in line.coaches,
        "is_staff": may_assign,
        "coach_choices": coach_choices() if may_assign else [],
        "comment_by": lambda comment: comment.author.full_name,
        "item_form": NewItemForm(),
        "comment_form": CommentForm(),
        "close_form": CloseForm(),
        "today": today(),
    }


def _session_page(application, form, *, session=None, error=None):
    return render_template(
        "coaching/session_form.html",
        application=application,
        form=form,
        error=error,
        session=session,
        deadline=session.edit_deadline if session is not None else None,
    )


def _save_session(change, record, form, application, *, done, session=None, **kwargs):
    """Run ``change`` (log or edit) with the posted session; on to the file when done,
    the form again with the message when refused."""
    return run_service(
        change,
        record,
        form.data_for_service(),
        **kwargs,
        done=done,
        then=file_url(application),
        refused=lambda message: _session_page(application, form, session=session, error=message),
    )


@bp.route("/projects/<int:project_id>/sessions/new", methods=["GET", "POST"])
@role_required(Role.COACH)
def new_session(project_id):
    """Log a session with the entrepreneur, with its action items."""
    application = permitted_or_404(Application, project_id, may_coach)
    form = SessionForm()
    form.topics.choices = topic_choices(settings_for(application.call))
    if form.validate_on_submit():
        return _save_session(coaching.log_session, application, form, application, done=_logged)
    if request.method == "GET":
        form.held_on.data = today()
        form.duration_minutes.data = 60
    return _session_page(application, form)


@bp.route("/sessions/<int:log_id>/edit", methods=["GET", "POST"])
@role_required(Role.COACH)
def edit_session(log_id):
    """Change a session: its author, for 7 days after logging it (or after an unlock)."""
    session = session_or_404(log_id)
    application = session.application
    form = EditSessionForm(obj=None if request.method == "POST" else session)
    form.topics.choices = topic_choices(settings_for(application.call))
    if request.method == "GET":
        form.tags.data = ", ".join(session.tags or [])
    if form.validate_on_submit():
        return _save_session(
            coaching.edit_session,
            session,
            form,
            application,
            done=_saved,
            session=session,
            expected_version=form.expected_version(),
        )
    return _session_page(application, form, session=session, error=_why_not_editable(session))


def _logged(session: CoachingSession) -> str:
    """What the coach reads once a session is logged: which, and the invitation sent."""
    held = format_date(session.held_on, "medium")
    if session.next_session_on is None:
        return _("Session of %(date)s logged.", date=held)
    return _(
        "Session of %(date)s logged. The entrepreneur and you were e-mailed an invitation "
        "to the next one, on %(next)s.",
        date=held,
        next=format_date(session.next_session_on, "medium"),
    )


def _saved(session: CoachingSession) -> str:
    return _("Session of %(date)s saved.", date=format_date(session.held_on, "medium"))


def _why_not_editable(session: CoachingSession) -> str | None:
    if may_edit_session(current_user, session):
        return None
    if session.coach_id == current_user.id and session.locked:
        return _("This session is locked: ask the programme staff to unlock it.")
    return _("Only the coach who logged a session may change it.")


@bp.route("/projects/<int:project_id>/items", methods=["POST"])
@role_required(Role.COACH)
def add_item(project_id):
    """A coach adds an action item."""
    application = project_or_404(project_id)
    form = NewItemForm()
    return run_posted(
        form,
        coaching.add_item,
        application,
        form.data_for_service(),
        done=_("Action item added."),
        back=file_url(application, "#items"),
    )


def _milestone_form(application: Application, key: str) -> MilestoneForm:
    """The milestone's form, filled with where the project stands on a first visit."""
    form = MilestoneForm()
    progress = _progress(application, key)
    if request.method == "GET" and progress is not None:
        form.target_on.data = progress.target_on
        form.reached_on.data = progress.reached_on
        form.evidence_note.data = progress.evidence_note
        for name, value in (progress.facts or {}).items():
            if name in form:
                form[name].data = value
    return form


def _progress(application: Application, key: str) -> MilestoneProgress | None:
    return db.session.scalar(
        visible_milestones(current_user, application).where(MilestoneProgress.key == key)
    )


def _milestone_page(application, entry, form, *, error=None):
    return render_template(
        "coaching/milestone_form.html",
        application=application,
        entry=entry,
        facts=milestone_facts(entry["key"]),
        progress=_progress(application, entry["key"]),
        form=form,
        error=error,
    )


def _evidence(form: MilestoneForm) -> tuple[bytes, str] | None:
    """The uploaded evidence file as (content, filename), if any (read up to the limit)."""
    upload = form.evidence.data
    if not upload or not getattr(upload, "filename", ""):
        return None
    return read_capped(upload.stream, coaching.EVIDENCE_LIMIT + 1), upload.filename


@bp.route("/projects/<int:project_id>/milestones/<key>", methods=["GET", "POST"])
@role_required(Role.COACH, Role.STAFF)
def milestone(project_id, key):
    """Record a milestone's dates, facts and evidence."""
    application = project_or_404(project_id)
    settings = settings_for(application.call)
    entry = next((entry for entry in settings.milestones if entry["key"] == key), None)
    if entry is None:
        abort(404)
    form = _milestone_form(application, key)
    if form.validate_on_submit():
        return run_service(
            coaching.save_milestone,
            application,
            key,
            form.data_for_service(),
            evidence=_evidence(form),
            done=_("Milestone saved."),
            then=file_url(application, "#milestones"),
            refused=lambda message: _milestone_page(application, entry, form, error=message),
        )
    return _milestone_page(application, entry, form)


@bp.route("/projects/<int:project_id>/close", methods=["POST"])
@role_required(Role.COACH, Role.STAFF)
def close(project_id):
    """End coaching: completed with a closing report, or dropped out with a reason."""
    application = project_or_404(project_id)
    form = CloseForm()
    return run_posted(
        form,
        coaching.close_coaching,
        application,
        form.outcome.data,
        form.text.data,
        done=_("Coaching closed."),
        back=file_url(application),
    )
