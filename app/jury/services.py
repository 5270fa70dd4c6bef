"""Every write about the jury of a call: its members, and who reads which dossier.

Services only flush; the view or the CLI command commits once. A refusal raises
:class:`JuryError` with a message for the user, and nothing is written. Each change
announces its domain event (app.events): one audit row, with ``actor``.

Counting rule, shared with :mod:`app.jury.assignment`: an assignment *counts* towards
the call's ``jurors_per_dossier`` (k) when its juror is an active member of the jury
and has no conflict with the dossier. A dossier with fewer counted jurors than k
(late conflict on a submitted review, a juror who left, a recusal) is *flagged for
reassignment*: the next automatic run, or staff by hand, fill the gap.
"""

from __future__ import annotations

import re
from collections import Counter

from flask_babel import lazy_gettext as _l
from sqlalchemy import delete, func, insert, select
from sqlalchemy.exc import IntegrityError

from app.access.policy import conflicted_among, forget_standing, in_conflict, sits_on_jury
from app.applications.models import Application
from app.applications.services import apply_transition, flush_transitions
from app.auth.models import Role, User
from app.calls.models import Call
from app.common.clock import utcnow
from app.common.errors import ConcurrentUpdate, Conflict, Refusal
from app.events import Event, announce
from app.extensions import db
from app.jury.assignment_plans import AssignmentSummary, load_plan
from app.jury.models import ConflictOfInterest, JuryAssignment, JuryMember, Review
from workflows.application import AWAITING_JURY, ApplicationStatus, Trigger
from workflows.jury import ReviewStatus

LANGUAGE_CODE = re.compile(r"^[a-z]{2,3}$")

#: Rows deleted or moved per statement (a call may have thousands of dossiers).
CHUNK = 1000


class JuryError(Refusal):
    """A refused jury operation; the message is shown to the user."""


class NotAssigned(Conflict):
    """The dossier is no longer assigned to the juror (recusal, unassignment, a conflict
    recorded meanwhile): nothing was saved (409)."""

    def __init__(self) -> None:
        super().__init__(
            _l(
                "This dossier is no longer assigned to you (recusal or reassignment): "
                "nothing was saved."
            )
        )


class AssignmentImpossible(JuryError):
    """Some dossiers cannot get their jurors: nothing was assigned. ``summary`` lists
    them with the reason."""

    def __init__(self, summary: AssignmentSummary) -> None:
        super().__init__(_l("Nothing was assigned: some dossiers cannot get their jurors."))
        self.summary = summary


def announce_jury_event(
    event: Event, application: Application, juror_id: int, *, actor: User | None, subject, **data
) -> None:
    """Announce a jury event about one juror and one dossier (a conflict, a recusal, an
    assignment by hand, a review): one audit row with the juror's id and ``data``."""
    announce(
        event,
        actor=actor,
        subject=subject,
        call_id=application.call_id,
        application_id=application.id,
        data={"juror_id": juror_id, **data},
    )


# Composition ------------------------------------------------------------------------


def parse_languages(text: str | None) -> str:
    """``"FR, ar nl"`` -> ``"fr,ar,nl"``. Raises JuryError on anything but language codes."""
    codes = [code for code in re.split(r"[\s,;]+", (text or "").strip().lower()) if code]
    if any(not LANGUAGE_CODE.match(code) for code in codes):
        raise JuryError(_l("Give language codes such as fr, nl, ar, en, separated by commas."))
    return ",".join(dict.fromkeys(codes))[:40]


def add_member(call: Call, user: User, data: dict, *, actor: User) -> JuryMember:
    """Put ``user`` on the jury of ``call`` (``data``: ``is_chair``, ``languages``);
    announces ``jury_member_added``.

    Raises JuryError when the account is deactivated, holds neither the juror nor
    the chair role, or is on this jury already.
    """
    if not user.active or not user.has_any_role(Role.JUROR, Role.CHAIR):
        raise JuryError(_l("Only active accounts with the juror or chair role can join a jury."))
    if sits_on_jury(user, call.id):
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
    announce(
        Event.JURY_MEMBER_ADDED,
        actor=actor,
        subject=member,
        call_id=call.id,
        data={"user_id": user.id, "is_chair": member.is_chair, "languages": member.languages},
    )
    forget_standing()
    return member


def remove_member(member: JuryMember, *, actor: User) -> int:
    """Take a member off the jury (announces ``jury_member_removed``); returns the number
    of assignments released.

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
    announce(
        Event.JURY_MEMBER_REMOVED,
        actor=actor,
        subject=member,
        data={"user_id": member.user_id, "released": released},
    )
    db.session.delete(member)
    db.session.flush()
    forget_standing()
    return released


def set_chair(member: JuryMember, is_chair: bool, *, actor: User) -> None:
    """Make a member a chair of the jury, or a plain juror again (announces
    ``jury_chair_changed``). A chair also reads dossiers."""
    announce(
        Event.JURY_CHAIR_CHANGED,
        actor=actor,
        subject=member,
        data={"user_id": member.user_id, "is_chair": [member.is_chair, bool(is_chair)]},
    )
    member.is_chair = bool(is_chair)
    db.session.flush()
    forget_standing()


# Automatic assignment ---------------------------------------------------------------


#: How a dossier the reader is in conflict with is named in a summary.
IN_CONFLICT = _l("a dossier you are in conflict with")


def preview_assignment(
    call: Call, *, viewer: User | None = None, prefer_language: bool = True
) -> AssignmentSummary:
    """What :func:`run_assignment` would do now, without writing anything; a dossier
    ``viewer`` is in conflict with is not named."""
    summary = load_plan(call, prefer_language)[1]
    if viewer is not None:
        hidden = conflicted_among(viewer, [problem.dossier_id for _, problem in summary.problems])
        summary.problems = [
            (IN_CONFLICT if problem.dossier_id in hidden else reference, problem)
            for reference, problem in summary.problems
        ]
    return summary


def run_assignment(
    call: Call, *, actor: User | None, prefer_language: bool = True
) -> AssignmentSummary:
    """Give every eligible (or in review) dossier of ``call`` exactly k counted jurors.

    Runs :func:`app.jury.assignment.plan_assignment` on the jury's active members,
    the conflicts and the existing assignments, then: deletes the released assignments
    (unstarted, of a juror who left or is in conflict), inserts the new ones in one
    bulk statement, fires ``start_review`` (through ``apply_transition``, ``actor`` or
    the system) on every eligible dossier that now has its k jurors, and announces
    ``assignment_run`` once with the counts (and, for its subscribers, ``assigned``: the
    new dossiers of each juror, whom the jury's subscribers e-mail once each). Running
    it again only fills gaps.

    Raises AssignmentImpossible (nothing written) when some dossiers cannot get their
    jurors, ConcurrentUpdate when someone else assigned at the same moment.
    """
    db.session.execute(select(Call.id).where(Call.id == call.id).with_for_update())
    plan, summary, existing, waiting = load_plan(call, prefer_language)
    if not plan.ok:
        raise AssignmentImpossible(summary)
    ids = {(a, j): assignment_id for assignment_id, a, j, _ in existing}
    released = [ids[pair] for pair in plan.released]
    for start in range(0, len(released), CHUNK):
        db.session.execute(
            delete(JuryAssignment).where(JuryAssignment.id.in_(released[start : start + CHUNK]))
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
        raise ConcurrentUpdate(
            _l("Someone else changed the assignments meanwhile: run it again.")
        ) from error
    complete = set(plan.complete)
    summary.started_review = _start_reviews([d for d in waiting if d in complete], actor)
    announce(
        Event.ASSIGNMENT_RUN,
        actor=actor,
        subject=call,
        data=summary.counts() | {"prefer_language": bool(prefer_language)},
        assigned=dict(Counter(juror_id for _dossier, juror_id in plan.new)),
    )
    db.session.flush()
    forget_standing()
    return summary


def _start_reviews(application_ids: list[int], actor: User | None) -> int:
    for start in range(0, len(application_ids), CHUNK):
        chunk = application_ids[start : start + CHUNK]
        for application in db.session.scalars(
            select(Application).where(Application.id.in_(chunk)).order_by(Application.id)
        ):
            apply_transition(application, Trigger.START_REVIEW, actor=actor, flush=False)
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


def _check_assignable(application: Application, juror: User) -> None:
    if application.status not in AWAITING_JURY:
        raise JuryError(_l("Only eligible dossiers and dossiers in review get jurors."))
    if not juror.active or not sits_on_jury(juror, application.call_id):
        raise JuryError(_l("%(name)s is not an active member of this jury.", name=juror.full_name))
    if in_conflict(juror, application.id):
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


def assign_by_hand(application: Application, juror: User, *, actor: User) -> JuryAssignment:
    """Assign ``juror`` to ``application`` by hand (``assigned_by`` is ``actor``);
    announces ``juror_assigned``.

    Fires ``start_review`` when this gives an eligible dossier its k jurors.
    Raises JuryError: dossier not eligible nor in review, not a (active) member of
    the jury, in conflict, already assigned, or the dossier has its k jurors.
    """
    _check_assignable(application, juror)
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
    announce_jury_event(
        Event.JUROR_ASSIGNED, application, juror.id, actor=actor, subject=assignment
    )
    k = application.call.jurors_per_dossier
    if application.status == ApplicationStatus.ELIGIBLE and counted_jurors(application) >= k:
        apply_transition(application, Trigger.START_REVIEW, actor=actor)
    db.session.flush()
    forget_standing()
    return assignment


def unassign_by_hand(assignment: JuryAssignment, *, actor: User) -> None:
    """Take a juror off a dossier (announces ``juror_unassigned``). A draft review is
    deleted with it.

    Raises JuryError when the review is submitted: it stays on record (reopening
    or a declared conflict are the ways to deal with it).
    """
    review = assignment.review
    if review is not None and review.status == ReviewStatus.SUBMITTED:
        raise JuryError(_l("This juror has submitted their review: it cannot be unassigned."))
    if review is not None:
        db.session.delete(review)
    announce_jury_event(
        Event.JUROR_UNASSIGNED,
        assignment.application,
        assignment.juror_id,
        actor=actor,
        subject=assignment,
        review=review.status if review is not None else None,
    )
    db.session.delete(assignment)
    db.session.flush()
    forget_standing()
