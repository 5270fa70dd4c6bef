"""Every write about the jury of a call: its members, and who reads which dossier.

Services only flush; the view or the CLI command commits once. A refusal raises
:class:`JuryError` with a message for the user, and nothing is written.

Counting rule, shared with :mod:`app.jury.assignment`: an assignment *counts* towards
the call's ``jurors_per_dossier`` (k) when its juror is an active member of the jury
and has no conflict with the dossier. A dossier with fewer counted jurors than k
(late conflict on a submitted review, a juror who left, a recusal) is *flagged for
reassignment*: the next automatic run, or staff by hand, fill the gap.
"""

from __future__ import annotations

import re

from flask_babel import lazy_gettext as _l
from sqlalchemy import delete, func, insert, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import joinedload

from app.applications.models import Application
from app.applications.services import apply_transition, flush_transitions
from app.auth.models import Role, RoleGrant, User
from app.calls.models import Call
from app.common.clock import utcnow
from app.common.errors import Refusal
from app.events import Event, announce
from app.extensions import db
from app.jury.assignment_plans import (
    ASSIGNABLE_STATES,
    AssignmentSummary,
    load_plan,
)
from app.jury.models import ConflictOfInterest, JuryAssignment, JuryMember, Review

#: Dossiers a juror may declare conflicts on.
JURY_STATES = ("eligible", "in_review", "scored")
LANGUAGE_CODE = re.compile(r"^[a-z]{2,3}$")


class JuryError(Refusal):
    """A refused jury operation; the message is shown to the user."""


def announce_jury_event(
    event: Event, application: Application, juror: User, *, actor: User | None, subject, **data
) -> None:
    """Announce a jury event about one juror and one dossier (a conflict, a recusal, an
    assignment by hand): one audit row with the juror and ``data``."""
    announce(
        event,
        actor=actor,
        subject=subject,
        call_id=application.call_id,
        application_id=application.id,
        data={"juror_id": juror.id, "juror": juror.email, **data},
    )


# Composition ------------------------------------------------------------------------


def member_of(call_id: int, user_id: int) -> JuryMember | None:
    return db.session.scalar(
        select(JuryMember).where(JuryMember.call_id == call_id, JuryMember.user_id == user_id)
    )


def parse_languages(text: str | None) -> str:
    """``"FR, ar nl"`` -> ``"fr,ar,nl"``. Raises JuryError on anything but language codes."""
    codes = [code for code in re.split(r"[\s,;]+", (text or "").strip().lower()) if code]
    if any(not LANGUAGE_CODE.match(code) for code in codes):
        raise JuryError(_l("Give language codes such as fr, nl, ar, en, separated by commas."))
    return ",".join(dict.fromkeys(codes))[:40]


def add_member(call: Call, user: User, data: dict, *, actor: User) -> JuryMember:
    """Put ``user`` on the jury of ``call`` (``data``: ``is_chair``, ``languages``).

    Raises JuryError when the account is deactivated, holds neither the juror nor
    the chair role, or is on this jury already.
    """
    if not user.active or not user.has_any_role(Role.JUROR, Role.CHAIR):
        raise JuryError(_l("Only active accounts with the juror or chair role can join a jury."))
    if member_of(call.id, user.id) is not None:
        raise JuryError(_l("%(name)s is on this jury already.", name=user.full_name))
    member = JuryMember(
        call_id=call.id,
        user_id=user.id,
        is_chair=bool(data.get("is_chair")),
        languages=parse_languages(data.get("languages")),
    )
    db.session.add(member)
    try:
        db.session.flush()
    except IntegrityError as error:
        raise JuryError(_l("%(name)s is on this jury already.", name=user.full_name)) from error
    return member


def remove_member(member: JuryMember, *, actor: User) -> int:
    """Take a member off the jury; returns the number of assignments released.

    Their assignments without a review are deleted; those with a review (draft or
    submitted) stay on record but no longer count, so those dossiers are flagged
    for reassignment.
    """
    started = select(Review.assignment_id)
    released = db.session.execute(
        delete(JuryAssignment)
        .where(
            JuryAssignment.juror_id == member.user_id,
            JuryAssignment.application_id.in_(
                select(Application.id).where(Application.call_id == member.call_id)
            ),
            JuryAssignment.id.not_in(started),
        )
        .execution_options(synchronize_session=False)
    ).rowcount
    db.session.delete(member)
    db.session.flush()
    return released


def set_chair(member: JuryMember, is_chair: bool, *, actor: User) -> None:
    """Make a member a chair of the jury, or a plain juror again. A chair also reads dossiers."""
    member.is_chair = is_chair
    db.session.flush()


# Automatic assignment ---------------------------------------------------------------


def preview_assignment(call: Call, *, prefer_language: bool = True) -> AssignmentSummary:
    """What :func:`run_assignment` would do now, without writing anything."""
    return load_plan(call, prefer_language)[1]


def run_assignment(
    call: Call, *, actor: User | None, prefer_language: bool = True
) -> AssignmentSummary:
    """Give every eligible (or in review) dossier of ``call`` exactly k counted jurors.

    Runs :func:`app.jury.assignment.plan_assignment` on the jury's active members,
    the conflicts and the existing assignments, then, only when the plan has no
    problem: deletes the released assignments (unstarted, of a juror who left or is
    in conflict), inserts the new ones in one bulk statement, and fires
    ``start_review`` (through ``apply_transition``, audited, ``actor`` or the system)
    on every eligible dossier that now has its k jurors. With problems nothing is
    written and the summary lists them. Running it again only fills gaps.

    Raises JuryError when someone else assigned at the same moment.
    """
    db.session.execute(select(Call.id).where(Call.id == call.id).with_for_update())
    plan, summary, existing, waiting = load_plan(call, prefer_language)
    if not plan.ok:
        return summary
    ids = {(a, j): assignment_id for assignment_id, a, j, _ in existing}
    released = [ids[pair] for pair in plan.released]
    for start in range(0, len(released), 1000):
        db.session.execute(
            delete(JuryAssignment).where(JuryAssignment.id.in_(released[start : start + 1000]))
        )
    now = utcnow()
    rows = [
        {"application_id": a, "juror_id": j, "created_at": now, "assigned_by_id": None}
        for a, j in plan.new
    ]
    try:
        if rows:
            db.session.execute(insert(JuryAssignment), rows)
    except IntegrityError as error:
        raise JuryError(
            _l("Someone else changed the assignments meanwhile: run it again.")
        ) from error
    complete = set(plan.complete)
    summary.started_review = _start_reviews([d for d in waiting if d in complete], actor)
    return summary


def _start_reviews(application_ids: list[int], actor: User | None) -> int:
    for start in range(0, len(application_ids), 1000):
        chunk = application_ids[start : start + 1000]
        for application in db.session.scalars(
            select(Application).where(Application.id.in_(chunk)).order_by(Application.id)
        ):
            apply_transition(application, "start_review", actor=actor, flush=False)
        flush_transitions()
    return len(application_ids)


# By hand ----------------------------------------------------------------------------


def counted_jurors(application: Application) -> int:
    """Assignments of the dossier that count towards k (active member, no conflict)."""
    conflicted = select(ConflictOfInterest.juror_id).where(
        ConflictOfInterest.application_id == application.id
    )
    return db.session.scalar(
        select(func.count(JuryAssignment.id))
        .join(JuryMember, JuryMember.user_id == JuryAssignment.juror_id)
        .join(User, User.id == JuryAssignment.juror_id)
        .where(
            JuryAssignment.application_id == application.id,
            JuryMember.call_id == application.call_id,
            User.active.is_(True),
            JuryAssignment.juror_id.not_in(conflicted),
        )
    )


def has_conflict(application_id: int, juror_id: int) -> bool:
    return (
        db.session.scalar(
            select(ConflictOfInterest.id).where(
                ConflictOfInterest.application_id == application_id,
                ConflictOfInterest.juror_id == juror_id,
            )
        )
        is not None
    )


def assign_by_hand(application: Application, juror: User, *, actor: User) -> JuryAssignment:
    """Assign ``juror`` to ``application`` by hand (audited; ``assigned_by`` is ``actor``).

    Fires ``start_review`` when this gives an eligible dossier its k jurors.
    Raises JuryError: dossier not eligible nor in review, not a (active) member of
    the jury, in conflict, already assigned, or the dossier has its k jurors.
    """
    if application.status not in ASSIGNABLE_STATES:
        raise JuryError(_l("Only eligible dossiers and dossiers in review get jurors."))
    if member_of(application.call_id, juror.id) is None or not juror.active:
        raise JuryError(_l("%(name)s is not an active member of this jury.", name=juror.full_name))
    if has_conflict(application.id, juror.id):
        raise JuryError(_l("%(name)s has a conflict with this dossier.", name=juror.full_name))
    taken = db.session.scalar(
        select(JuryAssignment.id).where(
            JuryAssignment.application_id == application.id, JuryAssignment.juror_id == juror.id
        )
    )
    if taken is not None:
        raise JuryError(_l("%(name)s is already assigned to this dossier.", name=juror.full_name))
    k = application.call.jurors_per_dossier
    if counted_jurors(application) >= k:
        raise JuryError(_l("This dossier has its %(k)d jurors: unassign one first.", k=k))
    assignment = JuryAssignment(
        application_id=application.id, juror_id=juror.id, assigned_by_id=actor.id
    )
    db.session.add(assignment)
    try:
        db.session.flush()
    except IntegrityError as error:
        raise JuryError(
            _l("%(name)s is already assigned to this dossier.", name=juror.full_name)
        ) from error
    announce_jury_event(Event.JUROR_ASSIGNED, application, juror, actor=actor, subject=assignment)
    if application.status == "eligible" and counted_jurors(application) >= k:
        apply_transition(application, "start_review", actor=actor)
    db.session.flush()
    return assignment


def unassign_by_hand(assignment: JuryAssignment, *, actor: User) -> None:
    """Take a juror off a dossier (audited). A draft review is deleted with it.

    Raises JuryError when the review is submitted: it stays on record (reopening
    or a declared conflict are the ways to deal with it).
    """
    review = assignment.review
    if review is not None and review.status == "submitted":
        raise JuryError(_l("This juror has submitted their review: it cannot be unassigned."))
    if review is not None:
        db.session.delete(review)
    announce_jury_event(
        Event.JUROR_UNASSIGNED,
        assignment.application,
        assignment.juror,
        actor=actor,
        subject=assignment,
        review=review.status if review is not None else None,
    )
    db.session.delete(assignment)
    db.session.flush()


def recuse(assignment: JuryAssignment, *, actor: User, reason: str) -> str:
    """The assigned juror steps back from a dossier (a late conflict), giving ``reason``.

    Recorded as a conflict of kind "other" with the reason as its note, with the
    effects of :func:`app.jury.conflicts.declare_conflict`: the assignment is removed
    when its review is not submitted ("removed"); a submitted review stays on record
    and the dossier is flagged for reassignment ("flagged"). Either way the slot is
    free for the next run. Raises JuryError when ``actor`` is not that juror or gives
    no reason.
    """
    from app.jury.conflicts import declare_conflict

    if actor.id != assignment.juror_id:
        raise JuryError(_l("Only the juror assigned can recuse from this dossier."))
    if not (reason or "").strip():
        raise JuryError(_l("Please say why you recuse from this dossier."))
    return declare_conflict(
        assignment.application, {"kind": "other", "note": reason}, actor=actor, trigger="recuse"
    )


# Reading ----------------------------------------------------------------------------


def jury_candidates(call: Call) -> list[User]:
    """Active accounts with the juror or chair role who are not on the jury yet."""
    members = select(JuryMember.user_id).where(JuryMember.call_id == call.id)
    return db.session.scalars(
        select(User)
        .where(
            User.active.is_(True),
            User.grants.any(RoleGrant.role.in_([Role.JUROR, Role.CHAIR])),
            User.id.not_in(members),
        )
        .order_by(User.full_name, User.id)
    ).all()


def assignments_of(application_ids: list[int]) -> dict[int, list[JuryAssignment]]:
    """The assignments of these dossiers, with juror and review, by dossier (one query)."""
    found: dict[int, list[JuryAssignment]] = {key: [] for key in application_ids}
    for assignment in db.session.scalars(
        select(JuryAssignment)
        .where(JuryAssignment.application_id.in_(application_ids))
        .options(joinedload(JuryAssignment.juror), joinedload(JuryAssignment.review))
        .order_by(JuryAssignment.id)
    ).unique():
        found[assignment.application_id].append(assignment)
    return found
