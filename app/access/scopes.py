"""One query per kind of record: what a person may list, as a SELECT to refine.

Each scope is the set version of a predicate of :mod:`app.access.policy` (the policy
tests check that they agree) and applies the one conflict rule,
:func:`~app.access.policy.conflicted_dossiers`. Pages, CSV and XLSX exports, the
decision record, dashboards, e-mails and the personal-data export list records through
these scopes, then add their own filters, order and pagination.
"""

from __future__ import annotations

from sqlalchemy import ColumnElement, Select, and_, false, not_, or_, select, true

from app.access.policy import (
    chairs,
    coaching_party,
    conflicted_dossiers,
    is_staff,
    may_read_coaching_file,
    may_read_documents,
    may_read_milestones,
    sits_on_jury,
)
from app.applications.models import Application
from app.audit.models import AuditEvent
from app.auth.models import Role, User
from app.calls.models import Call
from app.coaching.models import ActionItem, CoachAssignment, CoachingSession, MilestoneProgress
from app.documents.models import Document
from app.events import Event
from app.jury.models import ConflictOfInterest, JuryAssignment, Review
from app.letters.models import Letter
from app.outbox.models import OutboxMessage
from app.privacy.models import DocumentAccess, ErasureRequest
from workflows.application import COACHING_STATES, JURY_STATES, ApplicationStatus, Trigger


def _not_conflicted(user: User) -> ColumnElement[bool]:
    return Application.id.not_in(conflicted_dossiers(user))


def _assigned_to(user: User) -> ColumnElement[bool]:
    return Application.id.in_(
        select(JuryAssignment.application_id).where(JuryAssignment.juror_id == user.id)
    )


def _followed_by(user: User) -> ColumnElement[bool]:
    return Application.id.in_(
        select(CoachAssignment.application_id).where(
            CoachAssignment.coach_id == user.id, CoachAssignment.ended_at.is_(None)
        )
    )


def readable_dossiers(user: User, call: Call | None = None) -> ColumnElement[bool]:
    """The condition on :class:`Application` of :func:`~app.access.policy.may_read_dossier`:
    own dossiers; for staff and the call's chairs every dossier of the call; for jurors
    their assigned ones; none of them in conflict; for coaches the projects they follow."""
    if not user.is_authenticated:
        return false()
    allowed = [Application.applicant_id == user.id]
    whole_call = is_staff(user) or (call is not None and chairs(user, call.id))
    if whole_call:
        allowed.append(_not_conflicted(user))
    elif user.has_any_role(Role.JUROR, Role.CHAIR):
        allowed.append(and_(_assigned_to(user), _not_conflicted(user)))
    if user.has_role(Role.COACH):
        allowed.append(_followed_by(user))
    return or_(*allowed)


def _of_call(model, call: Call) -> Select:
    """Every ``model`` row (a record of one dossier) of the call's dossiers, joined to its
    dossier: what a scope narrows down."""
    return (
        select(model)
        .join(Application, Application.id == model.application_id)
        .where(Application.call_id == call.id)
    )


def visible_applications(user: User, call: Call) -> Select:
    """The call's dossiers ``user`` may read (identity, answers), as ``Application`` rows."""
    return select(Application).where(Application.call_id == call.id, readable_dossiers(user, call))


def hidden_applications(user: User, call: Call) -> Select:
    """The call's dossiers ``user`` may not read: exactly those :func:`visible_applications`
    leaves out. For staff and the call's chairs, a subset of the dossiers they are in
    conflict with (few), which lets a figure kept for every dossier (app.dashboard.kept)
    be corrected for them."""
    hidden = not_(readable_dossiers(user, call))
    if user.is_authenticated and (is_staff(user) or chairs(user, call.id)):
        hidden = and_(Application.id.in_(conflicted_dossiers(user)), hidden)
    return select(Application).where(Application.call_id == call.id, hidden)


def visible_reviews(user: User, call: Call) -> Select:
    """The call's reviews ``user`` may read with their jurors: every review for staff and
    the call's chairs, but none of a dossier they are in conflict with; a juror's own."""
    query = (
        select(Review)
        .join(JuryAssignment, JuryAssignment.id == Review.assignment_id)
        .join(Application, Application.id == JuryAssignment.application_id)
        .where(Application.call_id == call.id)
    )
    if not user.is_authenticated:
        return query.where(false())
    if is_staff(user) or chairs(user, call.id):
        return query.where(_not_conflicted(user))
    return query.where(JuryAssignment.juror_id == user.id, _not_conflicted(user))


def hidden_reviews(user: User, call: Call) -> Select:
    """The ids of the call's reviews ``user`` may not read: exactly the call's reviews
    :func:`visible_reviews` leaves out. For staff and the call's chairs, those of the
    dossiers they are in conflict with: few, which lets a figure kept for every review
    (app.jury.figures) be corrected for them."""
    query = (
        select(Review.id)
        .join(JuryAssignment, JuryAssignment.id == Review.assignment_id)
        .join(Application, Application.id == JuryAssignment.application_id)
        .where(Application.call_id == call.id)
    )
    if not user.is_authenticated:
        return query
    conflicted = JuryAssignment.application_id.in_(conflicted_dossiers(user))
    if is_staff(user) or chairs(user, call.id):
        return query.where(conflicted)
    return query.where(or_(JuryAssignment.juror_id != user.id, conflicted))


def visible_assignments(user: User, call: Call) -> Select:
    """The call's jury assignments ``user`` may see: all for staff and the call's chairs
    (but those of a dossier they are in conflict with), a juror's own otherwise."""
    query = _of_call(JuryAssignment, call)
    if is_staff(user) or chairs(user, call.id):
        return query.where(_not_conflicted(user))
    if not user.is_authenticated:
        return query.where(false())
    return query.where(JuryAssignment.juror_id == user.id, _not_conflicted(user))


def visible_conflicts(user: User, call: Call) -> Select:
    """Conflicts declared on the call's dossiers: everyone sees their own; staff and the
    call's chairs see the others' too, but those on a dossier they are in conflict with
    themselves."""
    query = _of_call(ConflictOfInterest, call)
    if is_staff(user) or chairs(user, call.id):
        return query.where(or_(ConflictOfInterest.juror_id == user.id, _not_conflicted(user)))
    if not user.is_authenticated:
        return query.where(false())
    return query.where(ConflictOfInterest.juror_id == user.id)


def visible_documents(user: User, application: Application) -> Select:
    """The dossier's documents, if ``user`` may download them."""
    allowed = true() if may_read_documents(user, application) else false()
    return select(Document).where(Document.application_id == application.id, allowed)


def visible_letters(user: User, call: Call) -> Select:
    """The call's decision letters ``user`` may read: the applicant's own, every one for
    staff but those of a dossier they are in conflict with."""
    query = (
        select(Letter)
        .join(Application, Application.id == Letter.application_id)
        .where(Letter.call_id == call.id)
    )
    if not user.is_authenticated:
        return query.where(false())
    own = Application.applicant_id == user.id
    if is_staff(user):
        return query.where(or_(own, _not_conflicted(user)))
    return query.where(own)


def visible_coaching_sessions(user: User, call: Call) -> Select:
    """The call's coaching sessions ``user`` may read: staff (not in conflict), the coaches
    following the project, and the entrepreneur (who reads only the shared summary:
    private notes are for :func:`~app.access.policy.may_read_private_notes`)."""
    query = _of_call(CoachingSession, call)
    if not user.is_authenticated:
        return query.where(false())
    allowed = [Application.applicant_id == user.id]
    if is_staff(user):
        allowed.append(_not_conflicted(user))
    if user.has_role(Role.COACH):
        allowed.append(_followed_by(user))
    return query.where(or_(*allowed))


#: Events an applicant reads in their own dossier's history: its changes of state.
APPLICANT_EVENTS = tuple(str(trigger) for trigger in Trigger)


def visible_audit(user: User, call: Call | None = None) -> Select:
    """Audit rows ``user`` may read. Staff, and the chairs of ``call``: every row (of
    ``call`` when given) but those of a dossier they are in conflict with. Anyone else:
    the changes of state of their own dossiers, whoever made them (shown by role, never
    by name)."""
    query = select(AuditEvent).outerjoin(Application, Application.id == AuditEvent.application_id)
    if call is not None:
        query = query.where(AuditEvent.call_id == call.id)
    if not user.is_authenticated:
        return query.where(false())
    if is_staff(user) or (call is not None and chairs(user, call.id)):
        return query.where(or_(AuditEvent.application_id.is_(None), _not_conflicted(user)))
    return query.where(Application.applicant_id == user.id, AuditEvent.event.in_(APPLICANT_EVENTS))


# Personal data (privacy) ------------------------------------------------------------------


def own_dossiers(user: User) -> Select:
    """The dossiers ``user`` applied with, oldest first: what their personal-data
    download holds and what an erasure reduces (a deactivated account's too)."""
    if user.is_anonymous:
        return select(Application).where(false())
    return select(Application).where(Application.applicant_id == user.id).order_by(Application.id)


def visible_document_reads(user: User) -> Select:
    """The log of reads of sensitive documents ``user`` may see: the reads of their own
    dossiers' documents, newest first. The reader is shown by role, never by name
    (app.privacy); nobody else lists this log."""
    query = (
        select(DocumentAccess)
        .join(Application, Application.id == DocumentAccess.application_id)
        .order_by(DocumentAccess.at.desc(), DocumentAccess.id.desc())
    )
    if user.is_anonymous:
        return query.where(false())
    return query.where(Application.applicant_id == user.id)


def visible_erasure_requests(user: User) -> Select:
    """Requests to be erased ``user`` may see: for staff every one but those of a person
    with a dossier they are in conflict with (the set version of
    :func:`~app.access.policy.may_decide_erasure`); anyone else their own."""
    query = select(ErasureRequest)
    if user.is_anonymous:
        return query.where(false())
    if is_staff(user):
        conflicted_people = select(Application.applicant_id).where(
            Application.id.in_(conflicted_dossiers(user))
        )
        return query.where(ErasureRequest.user_id.not_in(conflicted_people))
    return query.where(ErasureRequest.user_id == user.id)


# Coaching ---------------------------------------------------------------------------------


def visible_coaching_files(user: User, call: Call | None = None) -> Select:
    """Projects (``Application`` rows) whose coaching file ``user`` may read, as
    :func:`~app.access.policy.may_read_coaching_file`: for staff every project from the
    confirmed place on, for a coach the projects they follow while their coaching exists;
    none in conflict. Of ``call`` when given."""
    query = select(Application)
    if call is not None:
        query = query.where(Application.call_id == call.id)
    if not user.is_authenticated:
        return query.where(false())
    allowed = []
    if is_staff(user):
        allowed.append(Application.status.in_((ApplicationStatus.CONFIRMED, *COACHING_STATES)))
    if user.has_role(Role.COACH):
        allowed.append(and_(Application.status.in_(COACHING_STATES), _followed_by(user)))
    if not allowed:
        return query.where(false())
    return query.where(or_(*allowed), _not_conflicted(user))


def followed_projects(user: User) -> Select:
    """The projects ``user`` coaches now (:func:`~app.access.policy.may_coach`): followed
    by them, in coaching, not in conflict."""
    query = select(Application)
    if not user.is_authenticated or not user.has_role(Role.COACH):
        return query.where(false())
    return query.where(
        Application.status == ApplicationStatus.COACHING,
        _followed_by(user),
        _not_conflicted(user),
    )


def visible_action_items(user: User, application: Application) -> Select:
    """The project's action items, for anyone taking part in them
    (:func:`~app.access.policy.coaching_party`)."""
    allowed = true() if coaching_party(user, application) is not None else false()
    return select(ActionItem).where(ActionItem.application_id == application.id, allowed)


def visible_milestones(user: User, application: Application) -> Select:
    """Where the project stands on its milestones
    (:func:`~app.access.policy.may_read_milestones`)."""
    allowed = true() if may_read_milestones(user, application) else false()
    return select(MilestoneProgress).where(
        MilestoneProgress.application_id == application.id, allowed
    )


#: A project's coaching history: the coaching's own events and the changes of state that
#: start and end it.
COACHING_EVENTS = (
    Trigger.START_COACHING,
    Trigger.COMPLETE_COACHING,
    Trigger.DROP_OUT,
    Event.COACH_ASSIGNED,
    Event.COACH_ENDED,
    Event.COACHING_SESSION_LOGGED,
    Event.COACHING_SESSION_EDITED,
    Event.COACHING_SESSION_UNLOCKED,
    Event.ACTION_ITEM_ADDED,
    Event.ACTION_ITEM_DONE,
    Event.ACTION_ITEM_REOPENED,
    Event.ACTION_ITEM_COMMENTED,
    Event.MILESTONE_SAVED,
)


def visible_coaching_history(user: User, application: Application) -> Select:
    """The project's coaching events (audit rows), for who reads its coaching file
    (:func:`~app.access.policy.may_read_coaching_file`); nothing for anyone else."""
    allowed = true() if may_read_coaching_file(user, application) else false()
    return select(AuditEvent).where(
        AuditEvent.application_id == application.id,
        AuditEvent.event.in_([str(name) for name in COACHING_EVENTS]),
        allowed,
    )


# Jury ----------------------------------------------------------------------------------------


def dossiers_to_declare(user: User, call: Call) -> Select:
    """The call's dossiers before the jury, for a member of its jury to declare conflicts
    on before any assignment (the page shows the applicant's name, the project and the
    region only); none for anyone else."""
    query = select(Application).where(
        Application.call_id == call.id, Application.status.in_(JURY_STATES)
    )
    return query.where(true() if sits_on_jury(user, call.id) else false())


# Letters ------------------------------------------------------------------------------


def own_letters(user: User) -> Select:
    """Every decision letter of ``user``'s own dossiers, in every call: what their
    personal-data download holds and their erasure removes."""
    if not user.is_authenticated:
        return select(Letter).where(false())
    return (
        select(Letter)
        .join(Application, Application.id == Letter.application_id)
        .where(Application.applicant_id == user.id)
    )


# Dossiers area: the outbox ------------------------------------------------------------------


def visible_messages(user: User) -> Select:
    """The outbox ``user`` may read: every e-mail for staff, but those about a dossier
    they are in conflict with; nothing for anyone else."""
    if not is_staff(user):
        return select(OutboxMessage).where(false())
    return select(OutboxMessage).where(
        or_(
            OutboxMessage.application_id.is_(None),
            OutboxMessage.application_id.not_in(conflicted_dossiers(user)),
        )
    )
