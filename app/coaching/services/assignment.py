"""Staff assign coaches: the first main coach starts coaching, later ones replace a
coach or add the coach in Morocco; ended assignments stay as history."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

from app.access.policy import forget_standing, may_assign_coaches
from app.applications.models import Application
from app.applications.services import apply_transition, flush_transitions
from app.auth.models import Role, User
from app.coaching.models import CoachAssignment
from app.coaching.overview import current_assignments
from app.coaching.services.common import CoachingError, CoachingNotPermitted, announce_on
from app.common.clock import utcnow
from app.events import Event
from app.extensions import db
from workflows.application import ApplicationStatus, Trigger
from workflows.coaching import CoachRole


def _require_assigner(application: Application, actor: User) -> None:
    if not may_assign_coaches(actor, application):
        raise CoachingNotPermitted(_l("Only the programme staff can do this."))


def assign_coach(
    application: Application, coach: User, role: str, *, actor: User
) -> CoachAssignment:
    """Assign ``coach`` to ``application`` as ``role`` (a CoachRole).

    The first main coach of a confirmed project starts coaching: its one audit row is
    the transition ``start_coaching``, naming the coach and role in its data. Later
    assignments are announced as ``coach_assigned``; a coach already holding the role
    is replaced (their assignment ends, kept as history; the row names whom it replaces).
    """
    _require_assigner(application, actor)
    if role not in tuple(CoachRole):
        raise CoachingError(_l("Choose the main coach or the coach in Morocco."))
    role = CoachRole(role)
    if application.status not in (ApplicationStatus.CONFIRMED, ApplicationStatus.COACHING):
        raise CoachingError(_l("Only a confirmed project holder or one in coaching gets a coach."))
    if not coach.active or not coach.has_role(Role.COACH):
        raise CoachingError(_l("This person is not an active coach."))
    current = current_assignments(application)
    if role == CoachRole.MOROCCO and CoachRole.PRIMARY not in current:
        raise CoachingError(_l("Assign the main coach first."))
    other = current.get(CoachRole.MOROCCO if role == CoachRole.PRIMARY else CoachRole.PRIMARY)
    if other is not None and other.coach_id == coach.id:
        raise CoachingError(_l("This coach already follows the project in the other role."))
    now = utcnow()
    previous = current.get(role)
    if previous is not None:
        if previous.coach_id == coach.id:
            raise CoachingError(_l("This coach already follows the project."))
        previous.ended_at = now
        previous.ended_by_id = actor.id
    assignment = CoachAssignment(
        application=application,
        coach_id=coach.id,
        role=role,
        started_at=now,
        assigned_by_id=actor.id,
    )
    db.session.add(assignment)
    forget_standing()
    facts = {"coach": coach.id, "role": str(role)}
    if application.status == ApplicationStatus.CONFIRMED:
        apply_transition(application, Trigger.START_COACHING, actor=actor, data=facts)
        return assignment
    db.session.flush()
    replaced = {"replaces": previous.coach_id} if previous is not None else {}
    data = {**facts, **replaced}
    announce_on(application, Event.COACH_ASSIGNED, assignment, actor=actor, data=data)
    # Bump the application's version: of two staff members reassigning at once, the
    # second one is refused (ConcurrentUpdate) instead of adding a second coach.
    application.updated_at = now
    flush_transitions()
    return assignment


def end_morocco_coach(application: Application, *, actor: User) -> None:
    """End the second coach's assignment (the main coach is only ever replaced);
    announced as ``coach_ended``."""
    _require_assigner(application, actor)
    assignment = current_assignments(application).get(CoachRole.MOROCCO)
    if assignment is None:
        raise CoachingError(_l("No coach in Morocco follows this project."))
    assignment.ended_at = utcnow()
    assignment.ended_by_id = actor.id
    forget_standing()
    facts = {"coach": assignment.coach_id, "role": str(CoachRole.MOROCCO)}
    announce_on(application, Event.COACH_ENDED, assignment, actor=actor, data=facts)
    db.session.flush()
