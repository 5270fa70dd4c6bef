"""After publication: the applicants confirm or decline their places, deadlines lapse,
and the reserve list fills every place freed, best reserve position first.

Each change of a dossier goes through apply_transition (its audit row, the applicant's
email and letter); a place freed (declined, lapsed, withdrawn) is filled by the
selection's subscriber (app.selection.subscribers), whoever freed it.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from app.applications.models import Application
from app.applications.services import apply_transition
from app.auth.models import User
from app.calls.models import Call
from app.common.clock import utcnow
from app.extensions import db
from app.selection.errors import SelectionError
from app.selection.explanation import round_decisions
from app.selection.models import SelectionDecision, SelectionRound
from app.selection.services import current_round, decision_context, places_taken
from app.selection.standing import standings
from workflows.application import ApplicationStatus, TransitionRefused, Trigger
from workflows.selection import Decision, RoundStatus


def confirm_place(application: Application, *, actor: User) -> None:
    """The selected applicant (``actor``, the owner) confirms their place.

    Fires ``confirm`` through apply_transition (audit row). Raises NotPermitted (not the
    owner) and SelectionError (the application is not selected).
    """
    try:
        apply_transition(application, Trigger.CONFIRM, actor=actor)
    except TransitionRefused as error:
        raise SelectionError(_l("Only a selected application can be confirmed.")) from error


def decline_place(application: Application, *, actor: User) -> list[Application]:
    """The selected applicant (``actor``, the owner) declines their place; the reserve
    fills it: returns the promoted applications (see :func:`promote_from_reserve`).

    Fires ``decline`` through apply_transition (audit row), which refills the place.
    Raises NotPermitted (not the owner) and SelectionError (the application is not
    selected).
    """
    waiting = _on_reserve(application.call)
    try:
        apply_transition(application, Trigger.DECLINE, actor=actor)
    except TransitionRefused as error:
        raise SelectionError(_l("Only a selected application can be declined.")) from error
    return [a for a in waiting if a.status == ApplicationStatus.SELECTED]


def _on_reserve(call: Call) -> list[Application]:
    """The call's dossiers waiting on the reserve list, best position first."""
    return list(
        db.session.scalars(
            select(Application)
            .join(SelectionDecision, SelectionDecision.application_id == Application.id)
            .join(SelectionRound, SelectionRound.id == SelectionDecision.round_id)
            .where(
                SelectionRound.call_id == call.id, Application.status == ApplicationStatus.RESERVE
            )
            .order_by(SelectionDecision.reserve_position, SelectionDecision.rank)
        )
    )


def promote_from_reserve(call: Call, *, actor: User | None = None) -> list[Application]:
    """Fill the call's free places from the reserve, best reserve position first.

    While fewer than ``call.quota`` dossiers hold a place (:data:`PLACE_HOLDERS`), fires
    ``promote`` on the next dossier of the published round still in state ``reserve``
    (an audit row each, ``actor`` None for the system) and queues its own
    ``selection_decision`` email; stops when the quota is filled or the reserve empty.
    Locks the round's row so that two promotions cannot fill one place twice. Returns the
    promoted applications, in order; nothing happens before publication.
    """
    selection = current_round(call, lock=True)
    if selection is None or not selection.published:
        return []
    free = call.quota - places_taken(call)
    if free <= 0:
        return []
    waiting = db.session.execute(
        select(SelectionDecision, Application)
        .join(Application, Application.id == SelectionDecision.application_id)
        .where(
            SelectionDecision.round_id == selection.id,
            SelectionDecision.decision == Decision.RESERVE,
            Application.status == ApplicationStatus.RESERVE,
        )
        .order_by(SelectionDecision.reserve_position, SelectionDecision.rank)
        .limit(free)
    ).all()
    promoted = []
    confirm_by = utcnow() + timedelta(days=call.confirmation_days)
    standing = standings(round_decisions(selection.id)) if waiting else {}
    for decision, application in waiting:
        decision.confirm_by = confirm_by
        apply_transition(
            application,
            Trigger.PROMOTE,
            actor=actor,
            note=f"Promoted from reserve position {decision.reserve_position}.",
            email_context=decision_context(standing[application.id]),
        )
        promoted.append(application)
    return promoted


def expire_confirmations(call: Call, *, now: datetime | None = None) -> list[Application]:
    """Free the places of selected applicants whose confirmation deadline has passed.

    Fires ``lapse`` (by the system, audited) on each ``selected`` dossier of the call's
    published round whose ``confirm_by`` is before ``now``; each freed place is refilled
    from the reserve by apply_transition. Returns the lapsed applications.
    """
    now = now or utcnow()
    late = db.session.scalars(
        select(Application)
        .join(SelectionDecision, SelectionDecision.application_id == Application.id)
        .join(SelectionRound, SelectionRound.id == SelectionDecision.round_id)
        .where(
            SelectionRound.call_id == call.id,
            SelectionRound.status == RoundStatus.PUBLISHED,
            Application.status == ApplicationStatus.SELECTED,
            SelectionDecision.confirm_by < now,
        )
        .order_by(SelectionDecision.rank)
    ).all()
    for application in late:
        apply_transition(
            application, Trigger.LAPSE, actor=None, note="The confirmation deadline passed."
        )
    return late


def expire_all_confirmations(*, now: datetime | None = None) -> int:
    """:func:`expire_confirmations` for every call with a published selection; the count."""
    calls = db.session.scalars(
        select(Call)
        .join(SelectionRound, SelectionRound.call_id == Call.id)
        .where(SelectionRound.status == RoundStatus.PUBLISHED)
    ).all()
    return sum(len(expire_confirmations(call, now=now)) for call in calls)
