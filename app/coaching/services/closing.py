"""The end of coaching: completed with the coach's closing report, or dropped out with a
reason, through the lifecycle (``complete_coaching``, ``drop_out``)."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

from app.access.policy import may_update_coaching
from app.applications.models import Application
from app.applications.services import apply_transition
from app.auth.models import User
from app.coaching.models import CoachingClosure
from app.coaching.services.common import TEXT_MAX, CoachingError, require_coach_of
from app.extensions import db
from workflows.application import ApplicationStatus, Trigger
from workflows.coaching import CoachingOutcome

#: How coaching ends -> the trigger that ends it, and what the text must be.
ENDINGS = {
    CoachingOutcome.COMPLETED: (Trigger.COMPLETE_COACHING, _l("Write the closing report first.")),
    CoachingOutcome.DROPPED_OUT: (
        Trigger.DROP_OUT,
        _l("Give the reason why the project dropped out."),
    ),
}


def close_coaching(application: Application, outcome: str, text: str, *, actor: User) -> None:
    """End coaching: completed with the coach's closing report, or dropped out with a
    reason, kept in :class:`CoachingClosure`. Its one audit row is the transition, without
    the text (the audit log keeps none of the words about the entrepreneur: erasure
    removes them from the closure)."""
    if not may_update_coaching(actor, application):
        require_coach_of(application, actor)  # refuses, saying why
    if outcome not in ENDINGS:
        raise CoachingError(_l("Choose how coaching ends."))
    trigger, missing = ENDINGS[CoachingOutcome(outcome)]
    text = (text or "").strip()
    if not text:
        raise CoachingError(missing)
    if len(text) > TEXT_MAX:
        raise CoachingError(_l("A text holds at most 10,000 characters."))
    if application.status != ApplicationStatus.COACHING:
        raise CoachingError(_l("This project is not in coaching."))
    apply_transition(application, trigger, actor=actor)
    db.session.add(
        CoachingClosure(
            application_id=application.id, outcome=outcome, text=text, closed_by_id=actor.id
        )
    )
    db.session.flush()
