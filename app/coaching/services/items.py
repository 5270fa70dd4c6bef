"""Action items: coaches add them, the entrepreneur ticks their own, everyone taking part
comments (who takes part: app.access.policy.coaching_party)."""

from __future__ import annotations

from datetime import date

from flask_babel import lazy_gettext as _l

from app.access.policy import may_see_item, may_tick_item
from app.applications.models import Application
from app.auth.models import User
from app.coaching.models import ITEM_OWNERS, ActionComment, ActionItem
from app.coaching.services.common import (
    CoachingError,
    CoachingNotPermitted,
    announce_on,
    plain,
    require_coach_of,
)
from app.common.clock import utcnow
from app.events import Event
from app.extensions import db
from workflows.application import ApplicationStatus

#: Longest action item, and longest comment, in characters.
ITEM_MAX = 500
COMMENT_MAX = 2000


def clean_item(data: dict) -> dict:
    """A validated action item (text, owner, due date), or CoachingError."""
    text = " ".join((data.get("text") or "").split())
    if not text:
        raise CoachingError(_l("Describe the action item."))
    if len(text) > ITEM_MAX:
        raise CoachingError(_l("An action item holds at most 500 characters."))
    if data.get("owner") not in ITEM_OWNERS:
        raise CoachingError(_l("Say who does the action item: the entrepreneur or the coach."))
    due_on = data.get("due_on")
    if due_on is not None and not isinstance(due_on, date):
        raise CoachingError(_l("The due date is not a date."))
    return {"text": text, "owner": data["owner"], "due_on": due_on}


def add_item(application: Application, data: dict, *, actor: User) -> ActionItem:
    """A coach adds an action item to a project they follow; announced as
    ``action_item_added`` (who does it, and by when)."""
    require_coach_of(application, actor)
    item = ActionItem(application=application, created_by_id=actor.id, **clean_item(data))
    db.session.add(item)
    db.session.flush()
    facts = {"owner": str(item.owner), "due_on": plain(item.due_on)}
    announce_on(application, Event.ACTION_ITEM_ADDED, item, actor=actor, data=facts)
    db.session.flush()
    return item


def set_item_done(item: ActionItem, done: bool, *, actor: User) -> None:
    """Mark an item done (``action_item_done``) or open again (``action_item_reopened``).
    The entrepreneur may only tick their own items. Already so: nothing written."""
    if not may_see_item(actor, item):
        raise CoachingNotPermitted(_l("You cannot change this action item."))
    if item.application.status != ApplicationStatus.COACHING:
        raise CoachingError(_l("Coaching has ended: action items can no longer change."))
    if not may_tick_item(actor, item):
        raise CoachingError(_l("Only your coach can mark the coach's own items done."))
    if done == (item.done_at is not None):
        return
    item.done_at = utcnow() if done else None
    item.done_by_id = actor.id if done else None
    event = Event.ACTION_ITEM_DONE if done else Event.ACTION_ITEM_REOPENED
    announce_on(item.application, event, item, actor=actor, data={})
    db.session.flush()


def comment_item(item: ActionItem, body: str, *, actor: User) -> ActionComment:
    """The entrepreneur, a coach following the project or staff comment an action item;
    announced as ``action_item_commented`` (the comment itself stays out of the log)."""
    if not may_see_item(actor, item):
        raise CoachingNotPermitted(_l("You cannot comment on this action item."))
    body = (body or "").strip()
    if not body:
        raise CoachingError(_l("Write a comment first."))
    if len(body) > COMMENT_MAX:
        raise CoachingError(_l("A comment holds at most 2,000 characters."))
    comment = ActionComment(item=item, author_id=actor.id, body=body)
    db.session.add(comment)
    db.session.flush()
    data = {"item": item.id}
    announce_on(item.application, Event.ACTION_ITEM_COMMENTED, comment, actor=actor, data=data)
    db.session.flush()
    return comment
