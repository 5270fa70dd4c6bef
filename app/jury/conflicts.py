"""Conflicts of interest: declared by jurors, recorded by staff, always audited.

A conflict between a juror and a dossier means: the juror is never assigned the
dossier, cannot open it nor its documents (``juror_may_read``), and does not count
towards its k jurors. When a conflict appears on a dossier the juror is assigned to:

- review not submitted (none, or a draft): the assignment and the draft are deleted
  ("removed"), and the slot is free for the next assignment run;
- review submitted: the review stays on record, but the assignment no longer counts,
  so the dossier is *flagged for reassignment* ("flagged"): the next run, or staff by
  hand, gives it another juror. Whether a conflicted review enters the scores is the
  scoring's decision (it should not).

Withdrawing a conflict does not restore a removed assignment. Every declaration,
change and withdrawal is a line of the dossier's audit trail (trigger
``declare_conflict``, ``change_conflict``, ``record_conflict``, ``withdraw_conflict``
or ``recuse``), with the juror's email, the kind and the note.
"""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import aliased

from app.applications.models import Application
from app.auth.models import Role, User
from app.events import Event
from app.extensions import db
from app.jury.models import CONFLICT_KINDS, ConflictOfInterest, JuryAssignment
from app.jury.services import JURY_STATES, JuryError, announce_jury_event, member_of

REMOVED, FLAGGED, UNASSIGNED = "removed", "flagged", ""

#: The audit event of each way a conflict is saved.
EVENT_OF_TRIGGER = {
    "declare_conflict": Event.CONFLICT_DECLARED,
    "change_conflict": Event.CONFLICT_CHANGED,
    "record_conflict": Event.CONFLICT_RECORDED,
    "recuse": Event.RECUSED,
}
NOTE_MAX = 1000


def _check(application: Application, juror: User, data: dict) -> tuple[str, str | None]:
    if member_of(application.call_id, juror.id) is None:
        raise JuryError(_l("%(name)s is not a member of this jury.", name=juror.full_name))
    if application.status not in JURY_STATES:
        raise JuryError(_l("This dossier is not before the jury."))
    kind = data.get("kind")
    note = (data.get("note") or "").strip() or None
    if kind not in CONFLICT_KINDS:
        raise JuryError(_l("Please choose the kind of conflict."))
    if kind == "other" and not note:
        raise JuryError(_l("Please describe the conflict."))
    if note and len(note) > NOTE_MAX:
        raise JuryError(_l("At most %(max)d characters.", max=NOTE_MAX))
    return kind, note


def find_conflict(application_id: int, juror_id: int) -> ConflictOfInterest | None:
    return db.session.scalar(
        select(ConflictOfInterest).where(
            ConflictOfInterest.application_id == application_id,
            ConflictOfInterest.juror_id == juror_id,
        )
    )


def _save(application: Application, juror: User, data: dict, *, actor: User, trigger: str) -> str:
    kind, note = _check(application, juror, data)
    conflict = find_conflict(application.id, juror.id)
    if conflict is None:
        conflict = ConflictOfInterest(
            application_id=application.id, juror_id=juror.id, declared_by_id=actor.id
        )
        db.session.add(conflict)
    elif trigger == "declare_conflict":
        trigger = "change_conflict"
    conflict.kind, conflict.note = kind, note
    try:
        db.session.flush()
    except IntegrityError as error:  # the same conflict, declared at the same moment
        raise JuryError(_l("This conflict was declared meanwhile: reload the page.")) from error
    outcome = _release_assignment(application.id, juror.id)
    announce_jury_event(
        EVENT_OF_TRIGGER[trigger],
        application,
        juror,
        actor=actor,
        subject=conflict,
        kind=kind,
        note=note,
        assignment=outcome or None,
    )
    db.session.flush()
    return outcome


def _release_assignment(application_id: int, juror_id: int) -> str:
    assignment = db.session.scalar(
        select(JuryAssignment).where(
            JuryAssignment.application_id == application_id, JuryAssignment.juror_id == juror_id
        )
    )
    if assignment is None:
        return UNASSIGNED
    review = assignment.review
    if review is not None and review.status == "submitted":
        return FLAGGED
    if review is not None:
        db.session.delete(review)
    db.session.delete(assignment)
    return REMOVED


def declare_conflict(
    application: Application, data: dict, *, actor: User, trigger: str = "declare_conflict"
) -> str:
    """The juror ``actor`` declares (or changes) their conflict with ``application``.

    ``data``: ``kind`` (one of CONFLICT_KINDS), ``note`` (required for "other").
    Side effects: the juror's assignment to the dossier is removed or the dossier
    flagged (see the module docstring); one audit line. Returns "removed", "flagged"
    or "" (the juror was not assigned). Raises JuryError when ``actor`` is not on
    the jury of the dossier's call, the dossier is not before the jury, or the data
    is invalid.
    """
    return _save(application, actor, data, actor=actor, trigger=trigger)


def record_conflict_by_staff(
    application: Application, juror: User, data: dict, *, actor: User
) -> str:
    """Staff record a conflict they know of between ``juror`` and ``application``.

    Same data, effects, result and refusals as :func:`declare_conflict`.
    """
    return _save(application, juror, data, actor=actor, trigger="record_conflict")


def withdraw_conflict(conflict: ConflictOfInterest, *, actor: User) -> None:
    """Delete a conflict (audited). A juror may withdraw only their own declaration;
    staff may withdraw any. A removed assignment is not restored.

    Raises JuryError when ``actor`` may not withdraw it.
    """
    own = conflict.declared_by_id == actor.id == conflict.juror_id
    if not own and not actor.has_role(Role.STAFF):
        raise JuryError(_l("This conflict was recorded by staff: ask them to withdraw it."))
    juror = db.session.get(User, conflict.juror_id)
    application = db.session.get(Application, conflict.application_id)
    announce_jury_event(
        Event.CONFLICT_WITHDRAWN,
        application,
        juror,
        actor=actor,
        subject=conflict,
        kind=conflict.kind,
    )
    db.session.delete(conflict)
    db.session.flush()


# Reading ----------------------------------------------------------------------------


def dossiers_for_declaration(call_id: int, juror_id: int):
    """The call's dossiers before the jury, as a juror may see them before any
    assignment (applicant's name, project title, region), each with the juror's
    conflict or None, in two queries."""
    rows = db.session.execute(
        select(Application, User.full_name)
        .join(User, User.id == Application.applicant_id)
        .where(Application.call_id == call_id, Application.status.in_(JURY_STATES))
        .order_by(User.full_name, Application.id)
    ).all()
    mine = {
        conflict.application_id: conflict
        for conflict in db.session.scalars(
            select(ConflictOfInterest).where(
                ConflictOfInterest.juror_id == juror_id,
                ConflictOfInterest.application_id.in_([row[0].id for row in rows]),
            )
        )
    }
    return [(application, name, mine.get(application.id)) for application, name in rows]


def conflicts_of_call(call_id: int):
    """Every conflict on the call's dossiers: (conflict, dossier, juror, declared by)."""
    juror, declarer = aliased(User), aliased(User)
    return db.session.execute(
        select(ConflictOfInterest, Application, juror, declarer)
        .join(Application, Application.id == ConflictOfInterest.application_id)
        .join(juror, juror.id == ConflictOfInterest.juror_id)
        .outerjoin(declarer, declarer.id == ConflictOfInterest.declared_by_id)
        .where(Application.call_id == call_id)
        .order_by(Application.number, juror.full_name)
    ).all()
