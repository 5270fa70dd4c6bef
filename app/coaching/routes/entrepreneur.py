"""The entrepreneur's coaching page, and what they share with their coaches and staff:
action items (ticked and commented by all three) and milestone evidence.

The entrepreneur reads shared summaries, never private notes, and is told who follows
them and who wrote or ticked something by role ("your coach", "programme staff",
"you"), never by name.
"""

from flask import abort, render_template, request, send_file, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy.orm import joinedload, selectinload

from app.access.policy import (
    may_follow_as_entrepreneur,
    may_read_milestones,
    may_tick_item,
    role_required,
)
from app.access.scopes import visible_action_items, visible_milestones
from app.applications.models import Application
from app.auth.models import Role
from app.coaching import bp
from app.coaching import services as coaching
from app.coaching.forms import CommentForm
from app.coaching.models import ActionItem, CoachingSession, MilestoneProgress
from app.coaching.overview import (
    coach_roles_of,
    project_lines,
    settings_for,
    shared_sessions,
    today,
)
from app.coaching.routes.common import file_url, item_or_404, run_posted
from app.coaching.vocabulary import followed_by, party_for_entrepreneur
from app.common.views import permitted_or_404, run_service
from app.documents.storage import path_of
from app.extensions import db


def _page_records(application: Application) -> dict:
    """What the page lists, each through its scope (of the sessions, their shared columns)."""
    return {
        "sessions": db.session.execute(
            shared_sessions(current_user, application).order_by(
                CoachingSession.held_on.desc(), CoachingSession.id.desc()
            )
        ).all(),
        "items": db.session.scalars(
            visible_action_items(current_user, application)
            .options(selectinload(ActionItem.comments), joinedload(ActionItem.application))
            .order_by(ActionItem.done_at.is_not(None), ActionItem.due_on, ActionItem.id)
        ).all(),
        "progress": {
            row.key: row
            for row in db.session.scalars(visible_milestones(current_user, application))
        },
    }


@bp.route("/mine/<int:project_id>")
@role_required(Role.APPLICANT)
def mine(project_id):
    """The project holder's view of their coaching."""
    application = permitted_or_404(Application, project_id, may_follow_as_entrepreneur)
    records = _page_records(application)
    line = project_lines([application])[0]
    coach_roles = coach_roles_of(application)
    return render_template(
        "coaching/mine.html",
        application=application,
        line=line,
        coached_by=followed_by(set(line.coaches)),
        settings=settings_for(application.call),
        may_tick={item.id: may_tick_item(current_user, item) for item in records["items"]},
        comment_by=lambda comment: party_for_entrepreneur(
            comment.author_id, current_user.id, coach_roles
        ),
        comment_form=CommentForm(),
        today=today(),
        **records,
    )


def _item_home(item: ActionItem) -> str:
    if current_user.id == item.application.applicant_id:
        return url_for("coaching.mine", project_id=item.application_id) + "#items"
    return file_url(item.application, "#items")


@bp.route("/items/<int:item_id>/done", methods=["POST"])
@role_required(Role.COACH, Role.STAFF, Role.APPLICANT)
def item_done(item_id):
    """Mark an action item done (``done=1``) or open again (``done=0``)."""
    item = item_or_404(item_id)
    done = request.form.get("done", "1") != "0"
    return run_service(
        coaching.set_item_done,
        item,
        done,
        done=_("Action item done.") if done else _("Action item open again."),
        back=_item_home(item),
    )


@bp.route("/items/<int:item_id>/comments", methods=["POST"])
@role_required(Role.COACH, Role.STAFF, Role.APPLICANT)
def comment_item(item_id):
    """Comment on an action item."""
    item = item_or_404(item_id)
    form = CommentForm()
    return run_posted(
        form,
        coaching.comment_item,
        item,
        form.body.data,
        done=_("Comment added."),
        back=_item_home(item),
    )


@bp.route("/projects/<int:project_id>/milestones/<key>/evidence")
@role_required(Role.COACH, Role.STAFF, Role.APPLICANT)
def evidence(project_id, key):
    """Download a milestone's evidence file (coaches, staff and the entrepreneur)."""
    application = permitted_or_404(Application, project_id, may_read_milestones)
    progress = db.session.scalar(
        visible_milestones(current_user, application).where(MilestoneProgress.key == key)
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
