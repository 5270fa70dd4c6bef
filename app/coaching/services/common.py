"""What every write of coaching shares: its refusals, who may write, and how an edit is
written down in the audit log."""

from __future__ import annotations

from datetime import date

from flask_babel import lazy_gettext as _l

from app.access.policy import may_coach, may_manage_coaching
from app.applications.models import Application
from app.auth.models import User
from app.common.errors import NotPermitted, Refusal
from app.events import Event, announce
from workflows.application import ApplicationStatus

#: Longest free text (a summary, private notes, a closing report), in characters.
TEXT_MAX = 10000
#: What an edit's audit row says of words typed (a summary, private notes, tags, a
#: note): that they changed, never the words (nothing of an entrepreneur's words stays
#: in the audit log, so erasure need not touch it).
CHANGED = "changed"


class CoachingError(Refusal):
    """A refused coaching operation; the message is shown to the user."""


class CoachingNotPermitted(CoachingError, NotPermitted):
    """The person may not do this (not staff, or not coaching the project any more): a
    page answers "not found" (404)."""


def require_staff(actor: User) -> None:
    if not may_manage_coaching(actor):
        raise CoachingNotPermitted(_l("Only the programme staff can do this."))


def require_coach_of(application: Application, actor: User) -> None:
    """Refuse unless ``actor`` coaches ``application`` now (app.access.policy.may_coach)."""
    if application.status != ApplicationStatus.COACHING:
        raise CoachingError(_l("This project is not in coaching."))
    if not may_coach(actor, application):
        raise CoachingNotPermitted(_l("You do not follow this entrepreneur (any more)."))


def plain(value):
    """``value`` as JSON holds it: a date as its ISO text."""
    return value.isoformat() if isinstance(value, date) else value


def changes(before: dict, after: dict, *, words: tuple[str, ...] = ()) -> dict:
    """``{field: [old, new]}`` for each field of ``after`` that differs from ``before``;
    the fields in ``words`` only say that they changed."""
    found = {}
    for name, value in after.items():
        old = before.get(name)
        if old != value:
            found[name] = CHANGED if name in words else [plain(old), plain(value)]
    return found


def announce_on(application: Application, event: Event, subject, *, actor: User, data: dict):
    """Announce ``event`` about ``subject``, a record of ``application``'s coaching: one
    audit row, found by the call's audit viewer and the project's history."""
    return announce(
        event,
        actor=actor,
        subject=subject,
        call_id=application.call_id,
        application_id=application.id,
        data=data,
    )
