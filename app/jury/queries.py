"""What the jury's pages list, read through the access scopes (app.access.scopes): a
juror's own dossiers and progress, the staff's assignments, the reopenings of a dossier's
reviews. No writes here.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Select, func, select
from sqlalchemy.orm import contains_eager, joinedload

from app.access.policy import conflicted_dossiers
from app.access.scopes import visible_assignments, visible_audit
from app.applications.models import Application
from app.audit.models import AuditEvent
from app.auth.models import Role, RoleGrant, User
from app.calls.models import Call
from app.events import Event
from app.extensions import db
from app.jury.models import ConflictOfInterest, JuryAssignment, JuryMember, Review
from workflows.application import JURY_STATES, Trigger
from workflows.jury import ReviewStatus

SUBMITTED = Review.status == ReviewStatus.SUBMITTED
NOT_SUBMITTED = Review.id.is_(None) | (Review.status != ReviewStatus.SUBMITTED)


# A juror's own dossiers ---------------------------------------------------------------


def _own_assignments(call: Call, juror: User) -> Select:
    """The juror's own assignments in ``call`` that they may see (none in conflict),
    with their reviews joined (a query to refine)."""
    return (
        visible_assignments(juror, call)
        .where(JuryAssignment.juror_id == juror.id)
        .outerjoin(Review, Review.assignment_id == JuryAssignment.id)
    )


def juror_assignments_query(call: Call, juror: User) -> Select:
    """The juror's assignments in ``call`` in dossier order, with their applications and
    reviews loaded: the "my dossiers" list, to paginate."""
    return (
        _own_assignments(call, juror)
        .options(contains_eager(JuryAssignment.application), contains_eager(JuryAssignment.review))
        .order_by(Application.number, Application.id)
    )


def juror_progress(call: Call, juror: User) -> tuple[int, int]:
    """(submitted, total) of the juror's assignments in ``call``, in one aggregate query
    (what the list would count, without loading the dossiers)."""
    query = _own_assignments(call, juror).with_only_columns(
        func.count(JuryAssignment.id), func.count(Review.id).filter(SUBMITTED)
    )
    total, done = db.session.execute(query).one()
    return done, total


def next_unsubmitted(call: Call, juror: User, *, besides: int) -> int | None:
    """The id of the juror's first assignment, in dossier order, other than ``besides``
    and not submitted; None when every other one is."""
    return db.session.scalar(
        _own_assignments(call, juror)
        .with_only_columns(JuryAssignment.id)
        .where(JuryAssignment.id != besides, NOT_SUBMITTED)
        .order_by(Application.number, Application.id)
        .limit(1)
    )


def following_unsubmitted(assignment: JuryAssignment) -> int | None:
    """ "Save and next": the id of the juror's next assignment after ``assignment`` in
    dossier order that is not submitted, else the first such one before it (so that a
    juror who leaves drafts behind goes on, not back); None when every other one is."""
    call, juror, dossier = assignment.application.call, assignment.juror, assignment.application
    if dossier.number is None:
        return next_unsubmitted(call, juror, besides=assignment.id)
    later = (Application.number > dossier.number) | (
        (Application.number == dossier.number) & (Application.id > dossier.id)
    )
    following = db.session.scalar(
        _own_assignments(call, juror)
        .with_only_columns(JuryAssignment.id)
        .where(later, NOT_SUBMITTED)
        .order_by(Application.number, Application.id)
        .limit(1)
    )
    return following or next_unsubmitted(call, juror, besides=assignment.id)


# The jury home: each call's steps ------------------------------------------------------

#: The steps of a juror's work on a call, in order.
CONFLICTS_STEP, SCORE_STEP, DONE_STEP = "conflicts", "score", "done"


@dataclass(frozen=True)
class JuryCall:
    """One call on a jury member's home, with where they stand in its three steps:
    declare their conflicts (and confirm they have no other), score, done."""

    call: Call
    is_chair: bool
    #: Dossiers of the call before the jury: those to declare conflicts on.
    before_jury: int
    #: When they confirmed having no other conflict (None: not yet).
    confirmed_at: datetime | None
    #: Dossiers that reached the jury after that confirmation (and that they did not
    #: declare a conflict with since): to look through before confirming again.
    new_since: int
    #: Their own reviews submitted, and the dossiers assigned to them (none in conflict).
    done: int
    total: int
    #: Their first assignment not submitted, in dossier order.
    next_assignment: int | None

    @property
    def locked(self) -> bool:
        """The call requires the confirmation before any dossier opens, and it is missing."""
        return self.call.conflicts_confirmation_required and self.confirmed_at is None

    @property
    def conflicts_done(self) -> bool:
        return self.confirmed_at is not None and not self.new_since

    @property
    def scored_all(self) -> bool:
        return bool(self.total) and self.done == self.total

    @property
    def step(self) -> str:
        """The step to do now."""
        if self.scored_all:
            return DONE_STEP
        if not self.conflicts_done and self.before_jury:
            return CONFLICTS_STEP
        return SCORE_STEP

    @property
    def shown(self) -> bool:
        """Worth a card: dossiers to declare or score, or a chair's pages."""
        return bool(self.is_chair or self.before_jury or self.total)


def _counts_by_call(query) -> dict[int, int]:
    return dict(db.session.execute(query).all())


def jury_home(user: User) -> list[JuryCall]:
    """The calls on whose jury ``user`` sits, or where dossiers are assigned to them,
    latest first, each with their steps (:class:`JuryCall`): a fixed number of queries
    and one per call with a dossier left to score."""
    calls = {
        call.id: (call, bool(is_chair), confirmed_at)
        for call, is_chair, confirmed_at in db.session.execute(
            select(Call, JuryMember.is_chair, JuryMember.conflicts_confirmed_at)
            .join(JuryMember, JuryMember.call_id == Call.id)
            .where(JuryMember.user_id == user.id)
        )
    }
    progress = {}
    for call, done, total in db.session.execute(
        select(Call, func.count(Review.id).filter(SUBMITTED), func.count(JuryAssignment.id))
        .join(Application, Application.call_id == Call.id)
        .join(JuryAssignment, JuryAssignment.application_id == Application.id)
        .outerjoin(Review, Review.assignment_id == JuryAssignment.id)
        .where(JuryAssignment.juror_id == user.id)
        .where(Application.id.not_in(conflicted_dossiers(user)))
        .group_by(Call.id)
    ):
        progress[call.id] = (done, total)
        calls.setdefault(call.id, (call, False, None))
    before_jury = _counts_by_call(
        select(Application.call_id, func.count(Application.id))
        .where(Application.call_id.in_(list(calls)), Application.status.in_(JURY_STATES))
        .group_by(Application.call_id)
    )
    new_since = _counts_by_call(_reached_jury_since_confirmation(user))
    cards = []
    for call_id, (call, is_chair, confirmed_at) in calls.items():
        done, total = progress.get(call_id, (0, 0))
        following = next_unsubmitted(call, user, besides=0) if done < total else None
        cards.append(
            JuryCall(
                call=call,
                is_chair=is_chair,
                before_jury=before_jury.get(call_id, 0),
                confirmed_at=confirmed_at,
                new_since=new_since.get(call_id, 0),
                done=done,
                total=total,
                next_assignment=following,
            )
        )
    cards.sort(key=lambda card: (card.call.closes_at, card.call.id), reverse=True)
    return [card for card in cards if card.shown]


def _reached_jury_since_confirmation(user: User, call: Call | None = None) -> Select:
    """(call id, count) of the dossiers before the jury declared eligible after ``user``
    confirmed having no other conflict on their call, but those they are in conflict
    with (they looked at those)."""
    query = (
        select(AuditEvent.call_id, func.count(func.distinct(AuditEvent.application_id)))
        .join(
            JuryMember,
            (JuryMember.call_id == AuditEvent.call_id) & (JuryMember.user_id == user.id),
        )
        .join(Application, Application.id == AuditEvent.application_id)
        .where(
            AuditEvent.event == Trigger.DECLARE_ELIGIBLE,
            JuryMember.conflicts_confirmed_at.is_not(None),
            AuditEvent.created_at > JuryMember.conflicts_confirmed_at,
            Application.status.in_(JURY_STATES),
            Application.id.not_in(conflicted_dossiers(user)),
        )
        .group_by(AuditEvent.call_id)
    )
    return query if call is None else query.where(AuditEvent.call_id == call.id)


def conflicts_confirmation(call: Call, user: User) -> tuple[datetime | None, int]:
    """When ``user`` confirmed having no other conflict on ``call`` (None: not yet), and
    how many dossiers reached the jury since."""
    confirmed_at = db.session.scalar(
        select(JuryMember.conflicts_confirmed_at).where(
            JuryMember.call_id == call.id, JuryMember.user_id == user.id
        )
    )
    if confirmed_at is None:
        return None, 0
    counted = _counts_by_call(_reached_jury_since_confirmation(user, call))
    return confirmed_at, counted.get(call.id, 0)


# The call's assignments ----------------------------------------------------------------


def progress_by_juror(call: Call, juror_ids=None, *, not_reminded: bool = False) -> dict:
    """{juror id: (submitted, assigned)} of the call's active jurors (those among
    ``juror_ids`` when given; with ``not_reminded``, members not reminded yet), counting
    only assignments without a conflict, in one query: what each juror's e-mail says."""
    conflicted = (
        select(ConflictOfInterest.id)
        .where(
            ConflictOfInterest.application_id == JuryAssignment.application_id,
            ConflictOfInterest.juror_id == JuryAssignment.juror_id,
        )
        .exists()
    )
    query = (
        select(
            JuryAssignment.juror_id,
            func.count(Review.id).filter(SUBMITTED),
            func.count(JuryAssignment.id),
        )
        .join(Application, Application.id == JuryAssignment.application_id)
        .join(User, User.id == JuryAssignment.juror_id)
        .outerjoin(Review, Review.assignment_id == JuryAssignment.id)
        .where(Application.call_id == call.id, User.active.is_(True), ~conflicted)
        .group_by(JuryAssignment.juror_id)
    )
    if juror_ids is not None:
        query = query.where(JuryAssignment.juror_id.in_(list(juror_ids)))
    if not_reminded:
        query = query.join(
            JuryMember,
            (JuryMember.call_id == call.id) & (JuryMember.user_id == JuryAssignment.juror_id),
        ).where(JuryMember.scoring_reminded_at.is_(None))
    return {juror_id: (done, total) for juror_id, done, total in db.session.execute(query)}


def pending_assignments(call: Call) -> list[JuryAssignment]:
    """The call's assignments whose review is not submitted (draft or not started)."""
    return list(
        db.session.scalars(
            select(JuryAssignment)
            .join(Application, Application.id == JuryAssignment.application_id)
            .outerjoin(Review, Review.assignment_id == JuryAssignment.id)
            .where(Application.call_id == call.id, NOT_SUBMITTED)
            .order_by(Application.number, JuryAssignment.juror_id)
        )
    )


def assignments_of(
    viewer: User, call: Call, application_ids: list[int]
) -> dict[int, list[JuryAssignment]]:
    """The assignments of these dossiers ``viewer`` may see, with juror and review, by
    dossier (one query)."""
    found: dict[int, list[JuryAssignment]] = {key: [] for key in application_ids}
    for assignment in db.session.scalars(
        visible_assignments(viewer, call)
        .where(JuryAssignment.application_id.in_(application_ids))
        .options(joinedload(JuryAssignment.juror), joinedload(JuryAssignment.review))
        .order_by(JuryAssignment.id)
    ).unique():
        found[assignment.application_id].append(assignment)
    return found


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


# Reopenings -----------------------------------------------------------------------------


def reopenings(viewer: User, application: Application) -> list[AuditEvent]:
    """The chair's reopenings of the dossier's reviews that ``viewer`` may read in the
    audit log, oldest first, with who reopened."""
    return list(
        db.session.scalars(
            visible_audit(viewer, application.call)
            .where(
                AuditEvent.application_id == application.id,
                AuditEvent.event == Event.REVIEW_REOPENED,
            )
            .options(joinedload(AuditEvent.actor))
            .order_by(AuditEvent.id)
        )
    )
