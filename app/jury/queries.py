"""What the jury's pages list, read through the access scopes (app.access.scopes): a
juror's own dossiers and progress, the staff's assignments, the reopenings of a dossier's
reviews. No writes here.
"""

from __future__ import annotations

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
from app.jury.models import JuryAssignment, JuryMember, Review
from workflows.application import JURY_STATES
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


def jury_calls(user: User) -> list[tuple[Call, int]]:
    """The calls on whose jury ``user`` sits that have dossiers before the jury, latest
    first, each with the number of those dossiers."""
    return db.session.execute(
        select(Call, func.count(Application.id))
        .join(Application, Application.call_id == Call.id)
        .join(JuryMember, JuryMember.call_id == Call.id)
        .where(JuryMember.user_id == user.id, Application.status.in_(JURY_STATES))
        .group_by(Call.id)
        .order_by(Call.closes_at.desc())
    ).all()


def jury_home_progress(user: User) -> dict:
    """For the jury home page: ``progress`` {call: (submitted, assigned)} of the user's own
    dossiers (none in conflict) in every call, and ``chaired`` (the calls they chair, in
    every phase: the board, the selection and the decision record stay theirs after the
    publication), in two queries."""
    rows = db.session.execute(
        select(Call, func.count(Review.id).filter(SUBMITTED), func.count(JuryAssignment.id))
        .join(Application, Application.call_id == Call.id)
        .join(JuryAssignment, JuryAssignment.application_id == Application.id)
        .outerjoin(Review, Review.assignment_id == JuryAssignment.id)
        .where(JuryAssignment.juror_id == user.id)
        .where(Application.id.not_in(conflicted_dossiers(user)))
        .group_by(Call.id)
    ).all()
    chaired = db.session.scalars(
        select(Call)
        .join(JuryMember, JuryMember.call_id == Call.id)
        .where(JuryMember.user_id == user.id, JuryMember.is_chair)
        .order_by(Call.closes_at.desc())
    ).all()
    return {"progress": {call: (done, total) for call, done, total in rows}, "chaired": chaired}


# The call's assignments ----------------------------------------------------------------


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
