"""Who may see or do what: one predicate per (subject, action).

How a person stands towards a dossier is worked out once, by :func:`standing`:

- ``owner``: the applicant who owns it;
- ``conflicted``: the person declared (or staff recorded) a conflict of interest with it.
  This is the only place that reads conflicts; :func:`conflicted_dossiers` is the same
  rule as a subquery for the scopes (app.access.scopes);
- ``staff``: programme staff, not conflicted;
- ``chair``: a chair of the dossier's call, not conflicted;
- ``juror``: assigned to the dossier, not conflicted;
- ``coach``: follows the project now.

Every predicate below reads that standing (one set of queries per person and dossier
and request: the answer is kept on ``g``). A person in conflict keeps only what an
owner has: a conflicted chair or staff member sees nothing of the dossier.

Longer than 400 lines on purpose: the issue asks for one place that answers every "may
this person see or do this", so that a conflict of interest is checked once and a
reader finds every rule side by side, in sections by area.
"""

from __future__ import annotations

from functools import wraps

from flask import abort, g, has_app_context
from flask_login import current_user
from sqlalchemy import Select, exists, select

from app.applications.models import Application
from app.auth.models import Role, User
from app.calls.models import Call
from app.coaching.models import ActionItem, CoachAssignment, CoachingSession, ItemOwner
from app.documents.models import Document
from app.extensions import db, login_manager
from app.jury.models import ConflictOfInterest, JuryAssignment, JuryMember, Review
from app.letters.models import Letter
from app.outbox.models import OutboxMessage
from app.privacy.models import ErasureRequest
from workflows import application as lifecycle
from workflows.application import COACHING_STATES, ApplicationStatus
from workflows.jury import ReviewStatus

OWNER, CONFLICTED, STAFF, CHAIR, JUROR, COACH = (
    "owner",
    "conflicted",
    "staff",
    "chair",
    "juror",
    "coach",
)


# Whole areas ----------------------------------------------------------------------------


def role_required(*roles: str):
    """Allow a view to logged-in users holding one of ``roles``; others get 404
    (anonymous visitors are sent to the login page)."""

    def decorator(view):
        @wraps(view)
        def wrapped(*args, **kwargs):
            if not current_user.is_authenticated:
                return login_manager.unauthorized()
            if not current_user.has_any_role(*roles):
                abort(404)
            return view(*args, **kwargs)

        wrapped.required_roles = frozenset(roles)
        return wrapped

    return decorator


def is_staff(user: User) -> bool:
    return user.is_authenticated and user.has_role(Role.STAFF)


# Conflicts of interest: the one rule ------------------------------------------------------


def conflicted_dossiers(user: User) -> Select:
    """The ids of the dossiers ``user`` is in conflict with, as a subquery."""
    return select(ConflictOfInterest.application_id).where(ConflictOfInterest.juror_id == user.id)


def in_conflict(user: User, application_id: int) -> bool:
    """Whether ``user`` declared (or staff recorded) a conflict with the dossier."""
    if not user.is_authenticated:
        return False
    query = conflicted_dossiers(user).where(ConflictOfInterest.application_id == application_id)
    return bool(db.session.scalar(select(exists(query))))


def conflicted_among(user: User, application_ids) -> set[int]:
    """Which of ``application_ids`` ``user`` is in conflict with (one query)."""
    ids = list(application_ids)
    if not user.is_authenticated or not ids:
        return set()
    query = conflicted_dossiers(user).where(ConflictOfInterest.application_id.in_(ids))
    return set(db.session.scalars(query))


# Juries ------------------------------------------------------------------------------------


def chairs(user: User, call_id: int) -> bool:
    """Whether ``user`` holds the chair role and chairs the jury of the call."""
    if not user.is_authenticated or not user.has_role(Role.CHAIR):
        return False
    query = select(JuryMember.id).where(
        JuryMember.call_id == call_id, JuryMember.user_id == user.id, JuryMember.is_chair
    )
    return bool(db.session.scalar(select(exists(query))))


def sits_on_jury(user: User, call_id: int) -> bool:
    """Whether ``user`` is a member (juror or chair) of the jury of the call."""
    if not user.is_authenticated:
        return False
    query = select(JuryMember.id).where(
        JuryMember.call_id == call_id, JuryMember.user_id == user.id
    )
    return bool(db.session.scalar(select(exists(query))))


def may_steer_jury(user: User, call: Call) -> bool:
    """Staff, or a chair of the call: the board, scoring open or closed, the selection
    pages and the call's jury exports."""
    return is_staff(user) or chairs(user, call.id)


def may_reopen_review(user: User, review: Review) -> bool:
    """Only a chair of the call, not in conflict with the dossier, reopens a submitted
    review."""
    return CHAIR in standing(user, review.assignment.application)


def may_decide_selection(user: User, call: Call) -> bool:
    """Only a chair of the call computes, moves and publishes the selection."""
    return chairs(user, call.id)


# One dossier --------------------------------------------------------------------------------


def _assigned(user: User, application_id: int) -> bool:
    query = select(JuryAssignment.id).where(
        JuryAssignment.application_id == application_id, JuryAssignment.juror_id == user.id
    )
    return bool(db.session.scalar(select(exists(query))))


def _follows(user: User, application_id: int) -> bool:
    query = select(CoachAssignment.id).where(
        CoachAssignment.application_id == application_id,
        CoachAssignment.coach_id == user.id,
        CoachAssignment.ended_at.is_(None),
    )
    return bool(db.session.scalar(select(exists(query))))


def _compute_standing(user: User, application: Application, known=None) -> frozenset[str]:
    """``known``: the answers of :func:`remember_standings`' queries (conflicted,
    chaired calls, assigned, followed), instead of one query each."""
    if not user.is_authenticated:
        return frozenset()
    found = set()
    if user.id == application.applicant_id:
        found.add(OWNER)
    if known.conflicted(application) if known else in_conflict(user, application.id):
        return frozenset(found | {CONFLICTED})
    if user.has_role(Role.STAFF):
        found.add(STAFF)
    if known.chairs(application) if known else chairs(user, application.call_id):
        found.add(CHAIR)
    if user.has_any_role(Role.JUROR, Role.CHAIR) and (
        known.assigned(application) if known else _assigned(user, application.id)
    ):
        found.add(JUROR)
    if user.has_role(Role.COACH) and (
        known.follows(application) if known else _follows(user, application.id)
    ):
        found.add(COACH)
    return frozenset(found)


class _Known:
    """What :func:`_compute_standing` asks about ``user`` and many dossiers, in one query
    per question."""

    def __init__(self, user: User, applications: list[Application]) -> None:
        ids = [application.id for application in applications]
        self._conflicted = conflicted_among(user, ids)
        self._chaired = {
            call_id for call_id in {a.call_id for a in applications} if chairs(user, call_id)
        }
        self._assigned = self._among(user, ids, JuryAssignment, JuryAssignment.juror_id)
        self._follows = self._among(
            user, ids, CoachAssignment, CoachAssignment.coach_id, CoachAssignment.ended_at.is_(None)
        )

    @staticmethod
    def _among(user, ids, model, person, *conditions) -> set[int]:
        query = select(model.application_id).where(
            person == user.id, model.application_id.in_(ids), *conditions
        )
        return set(db.session.scalars(query))

    def conflicted(self, application) -> bool:
        return application.id in self._conflicted

    def chairs(self, application) -> bool:
        return application.call_id in self._chaired

    def assigned(self, application) -> bool:
        return application.id in self._assigned

    def follows(self, application) -> bool:
        return application.id in self._follows


def remember_standings(user: User, applications) -> None:
    """Work out how ``user`` stands towards each of ``applications`` with a few queries
    for them all, and keep it for the rest of the request as :func:`standing` keeps one.
    For a service that fires a transition on every dossier of a call (closing scoring,
    publishing the selection): each :func:`may_fire` then asks nothing of the database
    (no query, no autoflush of the transitions pending)."""
    applications = list(applications)
    if not has_app_context() or not user.is_authenticated or not applications:
        return
    memo = g.setdefault("access_standing", {})
    for offset in range(0, len(applications), 500):  # bound the IN lists
        chunk = applications[offset : offset + 500]
        known = _Known(user, chunk)
        for application in chunk:
            key = (user.id, application.id, application.call_id)
            if key not in memo:
                memo[key] = _compute_standing(user, application, known)


def standing(user: User, application: Application) -> frozenset[str]:
    """How ``user`` stands towards ``application`` (see the module docstring); kept for
    the rest of the request."""
    if not has_app_context() or not user.is_authenticated:
        return _compute_standing(user, application)
    memo = g.setdefault("access_standing", {})
    key = (user.id, application.id, application.call_id)
    if key not in memo:
        memo[key] = _compute_standing(user, application)
    return memo[key]


def forget_standing() -> None:
    """Drop what :func:`standing` kept: after a change of assignments or conflicts."""
    if has_app_context():
        g.pop("access_standing", None)


def may_view_application(user: User, application: Application) -> bool:
    """The dossier page: its owner, staff and the call's chairs (not in conflict)."""
    return bool(standing(user, application) & {OWNER, STAFF, CHAIR})


def may_read_dossier(user: User, application: Application) -> bool:
    """The dossier's identity and answers wherever they show: its owner, staff, the call's
    chairs and its assigned jurors (none of them in conflict), its coaches."""
    return bool(standing(user, application) & {OWNER, STAFF, CHAIR, JUROR, COACH})


def may_read_documents(user: User, application: Application) -> bool:
    """Download its documents: the owner, staff, the call's chairs and the jurors
    assigned to it, none in conflict; a juror only once their dossiers have opened
    (:func:`dossiers_opened`), as the score page that links to them."""
    found = standing(user, application)
    if found & {OWNER, STAFF, CHAIR}:
        return True
    return JUROR in found and dossiers_opened(user, application.call)


def dossiers_opened(user: User, call: Call) -> bool:
    """Whether ``call``'s dossiers are open to ``user`` as a juror: always, unless the call
    requires its jurors to confirm "no other conflict of interest" first and ``user``
    has not (app.jury.conflicts.confirm_no_other_conflict)."""
    if not call.conflicts_confirmation_required:
        return True
    confirmed = select(JuryMember.id).where(
        JuryMember.call_id == call.id,
        JuryMember.user_id == user.id,
        JuryMember.conflicts_confirmed_at.is_not(None),
    )
    return bool(db.session.scalar(select(exists(confirmed))))


def may_download(user: User, document: Document) -> bool:
    return may_read_documents(user, document.application)


def may_read_reviews(user: User, application: Application) -> bool:
    """Every review of the dossier with its jurors: staff and the call's chairs, not in
    conflict (jurors see the others' reviews through :func:`may_read_others_reviews`)."""
    return bool(standing(user, application) & {STAFF, CHAIR})


def may_read_others_reviews(user: User, own: Review | None, application: Application) -> bool:
    """Blind until done: a juror sees the other submitted reviews of a dossier once they
    submitted their own, when the call shows them."""
    return (
        JUROR in standing(user, application)
        and own is not None
        and own.status == ReviewStatus.SUBMITTED
        and application.call.jurors_see_others
    )


def may_read_review(user: User, review: Review) -> bool:
    """One review with its juror: its own juror, staff and the call's chairs, and the
    other jurors of the dossier once blind reading is over (none in conflict)."""
    application = review.assignment.application
    if review.assignment.juror_id == user.id:
        return JUROR in standing(user, application)
    if may_read_reviews(user, application):
        return True
    own = next(
        (a.review for a in _assignments_of(user, application.id)),
        None,
    )
    return review.status == ReviewStatus.SUBMITTED and may_read_others_reviews(
        user, own, application
    )


def _assignments_of(user: User, application_id: int) -> list[JuryAssignment]:
    return list(
        db.session.scalars(
            select(JuryAssignment).where(
                JuryAssignment.application_id == application_id,
                JuryAssignment.juror_id == user.id,
            )
        )
    )


def may_read_conflict(user: User, conflict: ConflictOfInterest) -> bool:
    """A declared conflict with its kind and note: the juror it names, staff and the
    call's chairs, unless they are in conflict with that dossier themselves."""
    if user.is_authenticated and conflict.juror_id == user.id:
        return True
    application = db.session.get(Application, conflict.application_id)
    return bool(standing(user, application) & {STAFF, CHAIR})


def may_score(user: User, assignment: JuryAssignment) -> bool:
    """A juror scores their own assignment, unless in conflict with its dossier."""
    return (
        user.is_authenticated
        and assignment.juror_id == user.id
        and JUROR in standing(user, assignment.application)
    )


def actor_kinds(user: User, application: Application) -> set[str]:
    """How ``user`` stands towards ``application`` in the lifecycle's words (owner, staff,
    chair, coach), for the triggers they may fire."""
    kinds = standing(user, application)
    names = {OWNER: lifecycle.OWNER, STAFF: lifecycle.STAFF, CHAIR: lifecycle.CHAIR}
    names[COACH] = lifecycle.COACH
    return {names[kind] for kind in kinds if kind in names}


def may_fire(user: User, application: Application, trigger: str) -> bool:
    """Whether ``user`` may fire ``trigger`` on ``application`` (the lifecycle's actors)."""
    spec = lifecycle.SPECS.get(trigger)
    return spec is not None and bool(spec.actors & actor_kinds(user, application))


def triggers_for(user: User, application: Application) -> list[str]:
    """The actions the lifecycle allows now and ``user`` may take: the buttons to show."""
    return [
        trigger
        for trigger in lifecycle.available_triggers(application.status)
        if may_fire(user, application, trigger)
    ]


# Dossiers: a call's list, documents, eligibility (dossiers area) ---------------------------


def may_list_applications(user: User, call: Call) -> bool:
    """A call's list of dossiers, its filters and exports: staff and the call's chairs
    (each sees the dossiers of :func:`app.access.scopes.visible_applications`)."""
    return is_staff(user) or chairs(user, call.id)


def owns_dossier(user: User, application: Application) -> bool:
    """The applicant's own pages of the dossier (its steps, its documents page)."""
    return OWNER in standing(user, application)


def may_change_documents(user: User, application: Application) -> bool:
    """Upload, replace or delete the dossier's documents: its owner, while it is editable."""
    return OWNER in standing(user, application) and application.status in lifecycle.EDITABLE


def may_check_eligibility(user: User, application: Application) -> bool:
    """Review a dossier's eligibility and decide on it: staff, not in conflict."""
    return STAFF in standing(user, application)


def may_read_message(user: User, message: OutboxMessage) -> bool:
    """One e-mail of the outbox: staff, unless it is about a dossier they are in
    conflict with."""
    if not is_staff(user):
        return False
    return message.application_id is None or not in_conflict(user, message.application_id)


# Letters ------------------------------------------------------------------------------------


def may_read_letter(user: User, letter: Letter) -> bool:
    """A decision letter: its applicant once it is released to them (generated, and an
    ineligibility once the call's eligibility decisions are published), and staff (not
    in conflict)."""
    kinds = standing(user, letter.application)
    return STAFF in kinds or (OWNER in kinds and letter.released)


def may_list_own_letters(user: User, application: Application) -> bool:
    """The applicant's page of their dossier's letters: its owner."""
    return OWNER in standing(user, application)


def may_manage_letters(user: User, application: Application) -> bool:
    """Every version of the dossier's letters, and generating them again: staff."""
    return STAFF in standing(user, application)


# Coaching -----------------------------------------------------------------------------------


def may_read_coaching_file(user: User, application: Application) -> bool:
    """The coaching file with its private notes: staff (from the confirmed place on) and
    the coaches following the project (while its coaching exists)."""
    kinds = standing(user, application)
    if STAFF in kinds:
        return application.status in (ApplicationStatus.CONFIRMED, *COACHING_STATES)
    return COACH in kinds and application.status in COACHING_STATES


def may_follow_as_entrepreneur(user: User, application: Application) -> bool:
    """The entrepreneur's own coaching page (shared summaries, their items, milestones)."""
    return OWNER in standing(user, application) and application.status in COACHING_STATES


def may_coach(user: User, application: Application) -> bool:
    """Log sessions and add items: a coach following a project in coaching."""
    return COACH in standing(user, application) and application.status == ApplicationStatus.COACHING


def may_read_session(user: User, session: CoachingSession) -> bool:
    """A coaching session's shared part (date, topics, summary): those who read the
    coaching file, and the entrepreneur."""
    application = session.application
    return may_read_coaching_file(user, application) or may_follow_as_entrepreneur(
        user, application
    )


def may_read_private_notes(user: User, session: CoachingSession) -> bool:
    """A session's private notes: coaches following the project and staff, never the
    entrepreneur."""
    return bool(standing(user, session.application) & {STAFF, COACH})


def follows_project(user: User, application: Application) -> bool:
    """A coach following the project now, whatever its state."""
    return COACH in standing(user, application)


def may_manage_coaching(user: User) -> bool:
    """A call's coaching pages, its topics and milestones, the coaches' profiles and the
    programme report: staff."""
    return is_staff(user)


def may_assign_coaches(user: User, application: Application) -> bool:
    """Assign, replace or end the project's coaches: staff, not in conflict (the service
    says when the project's state does not allow it)."""
    return STAFF in standing(user, application)


def may_update_coaching(user: User, application: Application) -> bool:
    """Record milestones and end coaching: staff (not in conflict), and the coaches
    following the project while it is in coaching."""
    return STAFF in standing(user, application) or may_coach(user, application)


def may_edit_session(user: User, session: CoachingSession) -> bool:
    """Change a session: its author, still coaching the project, before the session locks
    (EDIT_DAYS after logging it, or after a staff unlock)."""
    return (
        user.is_authenticated
        and session.coach_id == user.id
        and may_coach(user, session.application)
        and not session.locked
    )


def may_unlock_session(user: User, session: CoachingSession) -> bool:
    """Reopen a session for its author: staff, not in conflict, while the project is in
    coaching (the service refuses a session that is not locked)."""
    application = session.application
    return STAFF in standing(user, application) and application.status == ApplicationStatus.COACHING


def may_read_milestones(user: User, application: Application) -> bool:
    """The project's milestones and their evidence files: who reads its coaching file,
    and the entrepreneur."""
    return may_read_coaching_file(user, application) or may_follow_as_entrepreneur(
        user, application
    )


#: How a person takes part in a project's action items (:func:`coaching_party`).
ENTREPRENEUR = "entrepreneur"


def coaching_party(user: User, application: Application) -> str | None:
    """How ``user`` takes part in the project's action items: ``entrepreneur`` (its holder,
    while its coaching file exists), ``staff`` (not in conflict), ``coach`` (following it
    while it is in coaching), or None."""
    kinds = standing(user, application)
    if OWNER in kinds and application.status in COACHING_STATES:
        return ENTREPRENEUR
    if STAFF in kinds:
        return STAFF
    if may_coach(user, application):
        return COACH
    return None


def may_see_item(user: User, item: ActionItem) -> bool:
    """Read an action item and comment on it: anyone taking part (:func:`coaching_party`)."""
    return coaching_party(user, item.application) is not None


def may_tick_item(user: User, item: ActionItem) -> bool:
    """Mark an action item done or open again, while the project is in coaching: its coaches
    and staff, and the entrepreneur their own items (not the coach's)."""
    party = coaching_party(user, item.application)
    if party is None or item.application.status != ApplicationStatus.COACHING:
        return False
    return party != ENTREPRENEUR or item.owner == ItemOwner.ENTREPRENEUR


# Personal data -------------------------------------------------------------------------------


def may_decide_erasure(user: User, erasure: ErasureRequest) -> bool:
    """Approve or refuse a request to be erased: staff, unless in conflict with one of the
    person's dossiers (they would read it, and erase it)."""
    if not is_staff(user):
        return False
    dossiers = db.session.scalars(
        select(Application.id).where(Application.applicant_id == erasure.user_id)
    )
    return not conflicted_among(user, dossiers)


# The audit log ------------------------------------------------------------------------------


def may_read_audit(user: User, call: Call) -> bool:
    """The call's audit viewer and its export: staff."""
    return is_staff(user)
