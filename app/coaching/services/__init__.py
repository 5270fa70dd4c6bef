"""Every write of coaching, one module per subject: settings and profiles, assignment,
sessions, action items, milestones, closing (what they read: app.coaching.overview).

Services flush; the view (app.common.views.run_service) or the command commits once, or
rolls back on a refusal, so that a refused operation leaves nothing half-written. Who
may do what is asked of app.access.policy. Each change announces its one domain event
(app.events.announce: one row of the audit log); a change of the project's state goes
through apply_transition, whose row is that change's only one.
"""

from app.coaching.services.assignment import assign_coach, end_morocco_coach
from app.coaching.services.closing import close_coaching
from app.coaching.services.common import CoachingError, CoachingNotPermitted
from app.coaching.services.items import add_item, comment_item, set_item_done
from app.coaching.services.milestones import EVIDENCE_LIMIT, save_milestone
from app.coaching.services.sessions import (
    edit_session,
    log_session,
    selection_date,
    unlock_session,
)
from app.coaching.services.settings import save_profile, save_settings

__all__ = [
    "EVIDENCE_LIMIT",
    "CoachingError",
    "CoachingNotPermitted",
    "add_item",
    "assign_coach",
    "close_coaching",
    "comment_item",
    "edit_session",
    "end_morocco_coach",
    "log_session",
    "save_milestone",
    "save_profile",
    "save_settings",
    "selection_date",
    "set_item_done",
    "unlock_session",
]
