"""Conflicts of interest: declared by jurors, recorded by staff, withdrawn; recusals.

A conflict between a person and a dossier means (the one rule, app.access.policy): they
see nothing of the dossier, a juror is never assigned it and does not count towards its
k jurors. When a conflict appears on a dossier the juror is assigned to:

- review not submitted (none, or a draft): the assignment and the draft are deleted
  ("removed"), and the slot is free for the next assignment run;
- review submitted: the review stays on record, but the assignment no longer counts,
  so the dossier is *flagged for reassignment* ("flagged"): the next run, or staff by
  hand, gives it another juror.

A *recusal* is a late conflict the assigned juror declares from the score page, with its
reason: a conflict of kind "other" whose note is the reason. It is refused once the
review is submitted (the chair reopens it first), so that a submitted score never
disappears silently.

Withdrawing a conflict does not restore a removed assignment. Each declaration, change,
record by staff, withdrawal and recusal announces its event (``conflict_declared``,
``conflict_changed``, ``conflict_recorded``, ``conflict_withdrawn``, ``recused``) with
the juror, the kind and the note.

Having looked through the list, a member declares having *no other conflict* with the
call's dossiers (``no_other_conflict_declared``). A call may require it
(``conflicts_confirmation_required``): until then, none of the member's dossiers opens
(:func:`require_conflicts_confirmed`, checked by the score page and the scoring services).
"""

from __future__ import annotations

from dataclasses import dataclass

from flask_babel import lazy_gettext as _l
from sqlalchemy import exists, func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import aliased

from app.access.policy import conflicted_dossiers, forget_standing, is_staff, sits_on_jury
from app.access.scopes import dossiers_to_declare, visible_conflicts
from app.applications.models import Application
from app.auth.models import User
from app.calls.models import Call
from app.common.clock import utcnow
from app.common.errors import ConcurrentUpdate, NotPermitted, NotYet
from app.events import Event, announce
from app.extensions import db
from app.jury.models import (
    CONFLICT_KINDS,
    OTHER_KIND,
    ConflictOfInterest,
    JuryAssignment,
    JuryMember,
)
from app.jury.services import JuryError, NotAssigned, announce_jury_event
from workflows.application import JURY_STATES
from workflows.jury import ReviewStatus

#: What became of the juror's assignment to the dossier.
REMOVED, FLAGGED, UNASSIGNED = "removed", "flagged", ""
NOTE_MAX = 1000


def _checked(data: dict) -> tuple[str, str | None]:
    """The kind and note of a declaration, or JuryError."""
    kind = data.get("kind")
    note = (data.get("note") or "").strip() or None
    if kind not in CONFLICT_KINDS:
        raise JuryError(_l("Please choose the kind of conflict."))
    if kind == OTHER_KIND and not note:
        raise JuryError(_l("Please describe the conflict."))
    if note and len(note) > NOTE_MAX:
        raise JuryError(_l("At most %(max)d characters.", max=NOTE_MAX))
    return kind, note


def _check_before_jury(application: Application, juror: User) -> None:
    if not sits_on_jury(juror, application.call_id):
        raise JuryError(_l("%(name)s is not a member of this jury.", name=juror.full_name))
    if application.status not in JURY_STATES:
        raise JuryError(_l("This dossier is not before the jury."))


def _save(
    application: Application, juror: User, declared: tuple, *, actor: User, event: Event
) -> str:
    """Create or change the conflict, release the assignment, announce ``event``."""
    kind, note = declared
    conflict = db.session.scalar(
        select(ConflictOfInterest).where(
            ConflictOfInterest.application_id == application.id,
            ConflictOfInterest.juror_id == juror.id,
        )
    )
    if conflict is None:
        conflict = ConflictOfInterest(
            application_id=application.id, juror_id=juror.id, declared_by_id=actor.id
        )
        db.session.add(conflict)
    elif event == Event.CONFLICT_DECLARED:
        event = Event.CONFLICT_CHANGED
    conflict.kind, conflict.note = kind, note
    try:
        db.session.flush()
    except IntegrityError as error:  # the same conflict, declared at the same moment
        raise ConcurrentUpdate(
            _l("This conflict was declared meanwhile: reload the page.")
        ) from error
    outcome = _release_assignment(application.id, juror.id)
    announce_jury_event(
        event,
        application,
        juror.id,
        actor=actor,
        subject=conflict,
        kind=kind,
        note=note,
        assignment=outcome or None,
    )
    db.session.flush()
    forget_standing()
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
    if review is not None and review.status == ReviewStatus.SUBMITTED:
        return FLAGGED
    if review is not None:
        db.session.delete(review)
    db.session.delete(assignment)
    return REMOVED


def declare_conflict(application: Application, data: dict, *, actor: User) -> str:
    """The juror ``actor`` declares (or changes) their conflict with ``application``;
    announces ``conflict_declared`` (``conflict_changed`` for a change).

    ``data``: ``kind`` (one of CONFLICT_KINDS), ``note`` (required for "other").
    Side effects: the juror's assignment to the dossier is removed or the dossier
    flagged (see the module docstring). Returns "removed", "flagged" or "" (the juror
    was not assigned). Raises JuryError when ``actor`` is not on the jury of the
    dossier's call, the dossier is not before the jury, or the data is invalid.
    """
    declared = _checked(data)
    _check_before_jury(application, actor)
    return _save(application, actor, declared, actor=actor, event=Event.CONFLICT_DECLARED)


def record_conflict_by_staff(
    application: Application, juror: User, data: dict, *, actor: User
) -> str:
    """Staff record a conflict they know of between ``juror`` and ``application``;
    announces ``conflict_recorded``.

    Same data, effects, result and refusals as :func:`declare_conflict`.
    """
    declared = _checked(data)
    _check_before_jury(application, juror)
    return _save(application, juror, declared, actor=actor, event=Event.CONFLICT_RECORDED)


def recuse(assignment: JuryAssignment, reason: str, *, actor: User) -> str:
    """The assigned juror ``actor`` steps back from the dossier, giving ``reason``;
    announces ``recused`` (with the reason as its note).

    Recorded as a conflict of kind "other" whose note is the reason; the assignment and
    its draft review are deleted, so that the assignment can fill the gap (returns
    "removed"). Raises NotAssigned (the assignment is gone), NotPermitted (not the
    actor's), JuryError (no reason, or the review is submitted: the chair must reopen
    it first).
    """
    if not (reason or "").strip():
        raise JuryError(_l("Please give the reason of your recusal."))
    declared = _checked({"kind": OTHER_KIND, "note": reason})
    if not db.session.scalar(select(exists().where(JuryAssignment.id == assignment.id))):
        raise NotAssigned()
    if actor.id != assignment.juror_id:
        raise NotPermitted(_l("This dossier is not assigned to you."))
    if assignment.review is not None and assignment.review.status == ReviewStatus.SUBMITTED:
        raise JuryError(_l("Your review is submitted: ask the chair to reopen it before recusing."))
    return _save(assignment.application, actor, declared, actor=actor, event=Event.RECUSED)


def withdraw_conflict(conflict: ConflictOfInterest, *, actor: User) -> None:
    """Delete a conflict (announces ``conflict_withdrawn``). A juror may withdraw only
    their own declaration; staff may withdraw any. A removed assignment is not restored.

    Raises JuryError when ``actor`` may not withdraw it.
    """
    own = conflict.declared_by_id == actor.id == conflict.juror_id
    if not own and not is_staff(actor):
        raise JuryError(_l("This conflict was recorded by staff: ask them to withdraw it."))
    application = db.session.get(Application, conflict.application_id)
    announce_jury_event(
        Event.CONFLICT_WITHDRAWN,
        application,
        conflict.juror_id,
        actor=actor,
        subject=conflict,
        kind=conflict.kind,
    )
    db.session.delete(conflict)
    db.session.flush()
    forget_standing()


# No other conflict ------------------------------------------------------------------


class ConflictsNotConfirmed(NotYet):
    """The call asks its jurors to confirm having no other conflict of interest before
    their first dossier opens, and this one has not (409, with a link to the call's
    conflicts page)."""

    def __init__(self, call: Call) -> None:
        super().__init__(
            _l(
                "Before your first dossier of %(call)s opens, look through the list of its "
                "dossiers, declare your conflicts of interest and confirm that you have "
                "no other.",
                call=call.name,
            ),
            label=_l("Declare conflicts"),
            endpoint="jury.conflicts",
            call_id=call.id,
        )


def _membership(call: Call, user: User, *, lock: bool = False) -> JuryMember | None:
    query = select(JuryMember).where(JuryMember.call_id == call.id, JuryMember.user_id == user.id)
    return db.session.scalar(query.with_for_update() if lock else query)


def confirm_no_other_conflict(call: Call, *, actor: User) -> JuryMember:
    """The jury member ``actor`` declares having no conflict of interest with the call's
    dossiers before the jury besides those they declared; announces
    ``no_other_conflict_declared`` with the number of dossiers before the jury and of
    their own declarations on them.

    Stamps the membership's ``conflicts_confirmed_at`` (confirming again, after more
    dossiers reached the jury, stamps it anew). Raises JuryError when ``actor`` is not on
    the jury of ``call`` or no dossier is before the jury yet (nothing to confirm).
    """
    member = _membership(call, actor, lock=True)
    if member is None:
        raise JuryError(_l("%(name)s is not a member of this jury.", name=actor.full_name))
    before_jury = select(Application.id).where(
        Application.call_id == call.id, Application.status.in_(JURY_STATES)
    )
    dossiers = db.session.scalar(select(func.count()).select_from(before_jury.subquery()))
    if not dossiers:
        raise JuryError(_l("No dossier is before the jury yet: there is nothing to confirm."))
    declared = db.session.scalar(
        select(func.count(ConflictOfInterest.id)).where(
            ConflictOfInterest.juror_id == actor.id,
            ConflictOfInterest.application_id.in_(before_jury),
        )
    )
    member.conflicts_confirmed_at = utcnow()
    announce(
        Event.NO_OTHER_CONFLICT_DECLARED,
        actor=actor,
        subject=member,
        data={"juror_id": actor.id, "dossiers": dossiers, "declared": declared},
    )
    db.session.flush()
    return member


def require_conflicts_confirmed(call: Call, juror: User) -> None:
    """Raises ConflictsNotConfirmed when ``call`` requires its jurors to confirm having no
    other conflict before scoring and ``juror`` has not confirmed it."""
    if not call.conflicts_confirmation_required:
        return
    member = _membership(call, juror)
    if member is None or member.conflicts_confirmed_at is None:
        raise ConflictsNotConfirmed(call)


# Reading ----------------------------------------------------------------------------


@dataclass(frozen=True)
class DeclarationRow:
    """One dossier of the declaration page. A dossier the reader declared a conflict with
    shows only their declaration: no applicant, project nor region (they see nothing of
    it), so that they can still change or withdraw it."""

    dossier_id: int
    conflict: ConflictOfInterest | None
    applicant: str = ""
    title: str = ""
    region: str = ""


def dossiers_for_declaration(viewer: User, call: Call) -> list[DeclarationRow]:
    """The call's dossiers before the jury as a member of its jury may see them before
    any assignment (applicant's name, project title, region), those the viewer declared
    a conflict with first and without them, in two queries."""
    mine = {
        conflict.application_id: conflict
        for conflict in db.session.scalars(
            visible_conflicts(viewer, call).where(
                ConflictOfInterest.juror_id == viewer.id, Application.status.in_(JURY_STATES)
            )
        )
    }
    declared = [DeclarationRow(dossier_id, conflict) for dossier_id, conflict in mine.items()]
    rows = db.session.execute(
        dossiers_to_declare(viewer, call)
        .add_columns(User.full_name)
        .join(User, User.id == Application.applicant_id)
        .where(Application.id.not_in(list(mine)))
        .order_by(User.full_name, Application.id)
    ).all()
    return sorted(declared, key=lambda row: row.dossier_id) + [
        DeclarationRow(
            application.id,
            None,
            name,
            application.title,
            (application.answers or {}).get("moroccan_region", ""),
        )
        for application, name in rows
    ]


def conflicts_of_call(viewer: User, call: Call):
    """The conflicts on the call's dossiers ``viewer`` may see, but those on a dossier
    they are in conflict with themselves (the staff's list names the dossiers): (conflict,
    dossier, juror, declared by)."""
    juror, declarer = aliased(User), aliased(User)
    return db.session.execute(
        visible_conflicts(viewer, call)
        .where(Application.id.not_in(conflicted_dossiers(viewer)))
        .add_columns(Application, juror, declarer)
        .join(juror, juror.id == ConflictOfInterest.juror_id)
        .outerjoin(declarer, declarer.id == ConflictOfInterest.declared_by_id)
        .order_by(Application.number, juror.full_name)
    ).all()
