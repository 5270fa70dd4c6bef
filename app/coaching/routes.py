"""Coaches' pages: their entrepreneurs, a project's coaching file, sessions, items, milestones.

A coach sees only the projects they follow now; anyone else gets 404. Staff see every
project in coaching. The entrepreneur's own page is in app/coaching/my_routes.py.
"""

from flask import abort, flash, redirect, render_template, request, send_file, url_for
from flask_babel import format_currency, format_date
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.orm import joinedload, selectinload

from app.applications.models import Application
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
    CoachingAudit,
    CoachingClosure,
    CoachingSession,
    MilestoneProgress,
)
from app.coaching.overview import coach_projects, project_lines
from app.coaching.vocabulary import (
    AUDIT_LABELS,
    FACT_LABELS,
    LOCATION_LABELS,
    MODE_LABELS,
    OUTCOME_LABELS,
    OWNER_LABELS,
    PLACE_LABELS,
    ROLE_LABELS,
    milestone_facts,
    milestone_label,
    topic_label,
)
from app.common.access import role_required, safe_next_url
from app.common.errors import Refusal
from app.extensions import db


@bp.app_template_filter("day")
def day_filter(value, format="d MMM y"):
    """A calendar date written for the page's language."""
    return format_date(value, format) if value else "—"


@bp.context_processor
def vocabulary():
    return {
        "mode_labels": MODE_LABELS,
        "place_labels": PLACE_LABELS,
        "owner_labels": OWNER_LABELS,
        "coach_role_labels": ROLE_LABELS,
        "location_labels": LOCATION_LABELS,
        "outcome_labels": OUTCOME_LABELS,
        "fact_labels": FACT_LABELS,
        "audit_labels": AUDIT_LABELS,
        "milestone_label": milestone_label,
        "topic_label": topic_label,
        "money": lambda value: format_currency(value, "EUR"),
    }


def attempt(change, *args, done: str | None = None, **kwargs) -> str | None:
    """Run a service as the current user and commit; on a refusal roll back and return why."""
    try:
        change(*args, actor=current_user, **kwargs)
    except Refusal as error:
        db.session.rollback()
        return str(error)
    db.session.commit()
    if done:
        flash(done, "success")
    return None


def form_error(form) -> str:
    """Every error message of an invalid form, as one line."""
    return " ".join(str(message) for messages in form.errors.values() for message in messages)


def project_or_404(application_id: int) -> Application:
    """A project the current user may open as coach or staff, else 404."""
    application = db.session.get(Application, application_id)
    if application is None or not coaching.can_view_file(current_user, application):
        abort(404)
    return application


def _back(default: str):
    return redirect(safe_next_url(request.form.get("next")) or default)


@bp.route("/")
@role_required(Role.COACH)
def home():
    """A coach's home: the entrepreneurs they follow, the stalled ones first."""
    lines = coach_projects(current_user)
    return render_template("coaching/home.html", lines=lines)


@bp.route("/projects/<int:project_id>")
@role_required(Role.COACH, Role.STAFF)
def project(project_id):
    """A project's coaching file: coaches, sessions (private notes too), items, milestones."""
    application = project_or_404(project_id)
    return render_template("coaching/project.html", **_file_context(application))


def _file_context(application: Application) -> dict:
    sessions = db.session.scalars(
        select(CoachingSession)
        .where(CoachingSession.application_id == application.id)
        .options(joinedload(CoachingSession.coach))
        .order_by(CoachingSession.held_on.desc(), CoachingSession.id.desc())
    ).all()
    items = db.session.scalars(
        select(ActionItem)
        .where(ActionItem.application_id == application.id)
        .options(selectinload(ActionItem.comments))
        .order_by(ActionItem.done_at.is_not(None), ActionItem.due_on, ActionItem.id)
    ).all()
    settings = coaching.settings_for(application.call)
    progress = {
        row.key: row
        for row in db.session.scalars(
            select(MilestoneProgress).where(MilestoneProgress.application_id == application.id)
        )
    }
    history = db.session.scalars(
        select(CoachAssignment)
        .where(CoachAssignment.application_id == application.id)
        .options(joinedload(CoachAssignment.coach))
        .order_by(CoachAssignment.started_at.desc())
    ).all()
    audit = db.session.scalars(
        select(CoachingAudit)
        .where(CoachingAudit.application_id == application.id)
        .options(joinedload(CoachingAudit.actor))
        .order_by(CoachingAudit.id.desc())
        .limit(100)
    ).all()
    from app.coaching.staff_routes import coach_choices

    is_staff = current_user.has_role(Role.STAFF)
    closure = db.session.scalar(
        select(CoachingClosure).where(CoachingClosure.application_id == application.id)
    )
    return {
        "application": application,
        "line": project_lines([application])[0],
        "sessions": sessions,
        "items": items,
        "settings": settings,
        "progress": progress,
        "history": history,
        "audit": audit,
        "closure": closure,
        "can_edit": {s.id: coaching.can_edit(s, current_user) for s in sessions},
        "locked": {s.id: coaching.is_locked(s) for s in sessions},
        "is_coach": coaching.follows(current_user, application),
        "is_staff": is_staff,
        "coach_choices": coach_choices() if is_staff else [],
        "item_form": NewItemForm(),
        "comment_form": CommentForm(),
        "close_form": CloseForm(),
        "today": coaching.today(),
    }


@bp.route("/projects/<int:project_id>/sessions/new", methods=["GET", "POST"])
@role_required(Role.COACH)
def new_session(project_id):
    """Log a session with the entrepreneur, with its action items."""
    application = project_or_404(project_id)
    if application.status != "coaching":
        abort(404)
    settings = coaching.settings_for(application.call)
    form = SessionForm()
    form.topics.choices = [(entry["key"], topic_label(entry)) for entry in settings.topics]
    error = None
    if form.validate_on_submit():
        error = attempt(
            coaching.log_session,
            application,
            form.data_for_service(),
            done=_("Session logged."),
        )
        if error is None:
            return redirect(url_for("coaching.project", project_id=application.id))
    elif request.method == "GET":
        form.held_on.data = coaching.today()
        form.duration_minutes.data = 60
    return render_template(
        "coaching/session_form.html", application=application, form=form, error=error, session=None
    )


def _session_or_404(session_id: int) -> CoachingSession:
    session = db.session.get(CoachingSession, session_id)
    if session is None:
        abort(404)
    project_or_404(session.application_id)
    return session


@bp.route("/sessions/<int:log_id>/edit", methods=["GET", "POST"])
@role_required(Role.COACH)
def edit_session(log_id):
    """Change a session: its author, for 7 days after logging it (or after an unlock)."""
    session = _session_or_404(log_id)
    application = session.application
    settings = coaching.settings_for(application.call)
    form = EditSessionForm(obj=None if request.method == "POST" else session)
    if request.method == "GET":
        form.tags.data = ", ".join(session.tags or [])
    form.topics.choices = [(entry["key"], topic_label(entry)) for entry in settings.topics]
    error = None
    if not coaching.can_edit(session, current_user):
        error = (
            _("This session is locked: ask the programme staff to unlock it.")
            if session.coach_id == current_user.id and coaching.is_locked(session)
            else _("Only the coach who logged a session may change it.")
        )
    if form.validate_on_submit():
        error = attempt(
            coaching.edit_session, session, form.data_for_service(), done=_("Session saved.")
        )
        if error is None:
            return redirect(url_for("coaching.project", project_id=application.id))
    return render_template(
        "coaching/session_form.html",
        application=application,
        form=form,
        error=error,
        session=session,
        deadline=coaching.edit_deadline(session),
    )


@bp.route("/sessions/<int:log_id>/unlock", methods=["POST"])
@role_required(Role.STAFF)
def unlock_session(log_id):
    """Staff reopen a locked session for its author."""
    session = _session_or_404(log_id)
    error = attempt(coaching.unlock_session, session, done=_("The session can be changed again."))
    if error:
        flash(error, "error")
    return redirect(url_for("coaching.project", project_id=session.application_id))


@bp.route("/projects/<int:project_id>/items", methods=["POST"])
@role_required(Role.COACH)
def add_item(project_id):
    """A coach adds an action item."""
    application = project_or_404(project_id)
    form = NewItemForm()
    if form.validate_on_submit():
        data = {"text": form.text.data, "owner": form.owner.data, "due_on": form.due_on.data}
        error = attempt(coaching.add_item, application, data, done=_("Action item added."))
    else:
        error = form_error(form)
    if error:
        flash(error, "error")
    return redirect(url_for("coaching.project", project_id=application.id) + "#items")


def _item_or_404(item_id: int) -> ActionItem:
    item = db.session.get(ActionItem, item_id)
    if item is None or not coaching.can_see_item(item, current_user):
        abort(404)
    return item


def _item_home(item: ActionItem) -> str:
    if current_user.id == item.application.applicant_id:
        return url_for("coaching.mine", project_id=item.application_id) + "#items"
    return url_for("coaching.project", project_id=item.application_id) + "#items"


@bp.route("/items/<int:item_id>/done", methods=["POST"])
@role_required(Role.COACH, Role.STAFF, Role.APPLICANT)
def item_done(item_id):
    """Mark an action item done (``done=1``) or open again (``done=0``)."""
    item = _item_or_404(item_id)
    done = request.form.get("done", "1") != "0"
    error = attempt(
        coaching.set_item_done,
        item,
        done,
        done=_("Action item done.") if done else _("Action item open again."),
    )
    if error:
        flash(error, "error")
    return redirect(_item_home(item))


@bp.route("/items/<int:item_id>/comments", methods=["POST"])
@role_required(Role.COACH, Role.STAFF, Role.APPLICANT)
def comment_item(item_id):
    """Comment on an action item."""
    item = _item_or_404(item_id)
    form = CommentForm()
    if form.validate_on_submit():
        error = attempt(coaching.comment_item, item, form.body.data, done=_("Comment added."))
    else:
        error = form_error(form)
    if error:
        flash(error, "error")
    return redirect(_item_home(item))


@bp.route("/projects/<int:project_id>/milestones/<key>", methods=["GET", "POST"])
@role_required(Role.COACH, Role.STAFF)
def milestone(project_id, key):
    """Record a milestone's dates, facts and evidence."""
    application = project_or_404(project_id)
    settings = coaching.settings_for(application.call)
    entry = next((entry for entry in settings.milestones if entry["key"] == key), None)
    if entry is None:
        abort(404)
    progress = db.session.scalar(
        select(MilestoneProgress).where(
            MilestoneProgress.application_id == application.id, MilestoneProgress.key == key
        )
    )
    form = MilestoneForm()
    if request.method == "GET" and progress is not None:
        form.target_on.data = progress.target_on
        form.reached_on.data = progress.reached_on
        form.evidence_note.data = progress.evidence_note
        for name, value in (progress.facts or {}).items():
            if name in form:
                form[name].data = value
    error = None
    if form.validate_on_submit():
        upload = form.evidence.data
        evidence = None
        if upload and getattr(upload, "filename", ""):
            from app.documents.storage import read_capped

            evidence = (
                read_capped(upload.stream, coaching.EVIDENCE_LIMIT + 1),
                upload.filename,
            )
        error = attempt(
            coaching.save_milestone,
            application,
            key,
            form.data_for_service(),
            evidence=evidence,
            done=_("Milestone saved."),
        )
        if error is None:
            return redirect(url_for("coaching.project", project_id=application.id) + "#milestones")
    return render_template(
        "coaching/milestone_form.html",
        application=application,
        entry=entry,
        facts=milestone_facts(key),
        progress=progress,
        form=form,
        error=error,
    )


@bp.route("/projects/<int:project_id>/milestones/<key>/evidence")
@role_required(Role.COACH, Role.STAFF, Role.APPLICANT)
def evidence(project_id, key):
    """Download a milestone's evidence file (coaches, staff and the entrepreneur)."""
    from app.documents.storage import path_of

    application = db.session.get(Application, project_id)
    if application is None:
        abort(404)
    owner = (
        current_user.id == application.applicant_id
        and application.status in coaching.COACHING_STATES
    )
    if not owner and not coaching.can_view_file(current_user, application):
        abort(404)
    progress = db.session.scalar(
        select(MilestoneProgress).where(
            MilestoneProgress.application_id == application.id, MilestoneProgress.key == key
        )
    )
    if progress is None or not progress.evidence_file:
        abort(404)
    response = send_file(
        path_of(progress.evidence_file),
        mimetype=progress.evidence_content_type,
        as_attachment=True,
        download_name=progress.evidence_filename,
    )
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.route("/projects/<int:project_id>/close", methods=["POST"])
@role_required(Role.COACH, Role.STAFF)
def close(project_id):
    """End coaching: completed with a closing report, or dropped out with a reason."""
    application = project_or_404(project_id)
    form = CloseForm()
    if form.validate_on_submit():
        error = attempt(
            coaching.close_coaching,
            application,
            form.outcome.data,
            form.text.data,
            done=_("Coaching closed."),
        )
    else:
        error = form_error(form)
    if error:
        flash(error, "error")
    return redirect(url_for("coaching.project", project_id=application.id))


from app.coaching import my_routes, report_routes, staff_routes  # noqa: E402,F401
