"""The entrepreneur's coaching page: shared summaries (never private notes), their
action items, which they may mark done and comment, and their milestones."""

from flask import abort, render_template
from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.orm import joinedload, selectinload

from app.applications.models import Application
from app.auth.models import Role
from app.coaching import bp
from app.coaching.forms import CommentForm
from app.coaching.models import ActionItem, CoachingSession, MilestoneProgress
from app.coaching.overview import project_lines
from app.coaching.services import COACHING_STATES, settings_for, today
from app.common.access import role_required
from app.extensions import db


@bp.route("/mine/<int:project_id>")
@role_required(Role.APPLICANT)
def mine(project_id):
    """The project holder's view of their coaching."""
    application = db.session.get(Application, project_id)
    if (
        application is None
        or application.applicant_id != current_user.id
        or application.status not in COACHING_STATES
    ):
        abort(404)
    # Only the shared columns are read: the private notes never leave the database here.
    sessions = db.session.execute(
        select(
            CoachingSession.id,
            CoachingSession.held_on,
            CoachingSession.duration_minutes,
            CoachingSession.mode,
            CoachingSession.place,
            CoachingSession.topics,
            CoachingSession.summary,
            CoachingSession.next_session_on,
        )
        .where(CoachingSession.application_id == application.id)
        .order_by(CoachingSession.held_on.desc(), CoachingSession.id.desc())
    ).all()
    items = db.session.scalars(
        select(ActionItem)
        .where(ActionItem.application_id == application.id)
        .options(selectinload(ActionItem.comments), joinedload(ActionItem.application))
        .order_by(ActionItem.done_at.is_not(None), ActionItem.due_on, ActionItem.id)
    ).all()
    progress = {
        row.key: row
        for row in db.session.scalars(
            select(MilestoneProgress).where(MilestoneProgress.application_id == application.id)
        )
    }
    return render_template(
        "coaching/mine.html",
        application=application,
        line=project_lines([application])[0],
        sessions=sessions,
        items=items,
        settings=settings_for(application.call),
        progress=progress,
        comment_form=CommentForm(),
        today=today(),
    )
