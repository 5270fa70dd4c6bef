"""Every write of the scoring phase: drafts, submission, reopening, recusal, opening and
closing the phase. Services only flush: the view (or command) commits once.

Data of a review (``data``): ``scores`` {criterion id: int or None}, ``comments``
{criterion id: str}, ``overall_comment`` and ``private_notes``. Everything is checked
before anything is changed, so a refusal writes nothing.
"""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from sqlalchemy import exists, func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import contains_eager
from sqlalchemy.orm.exc import StaleDataError

from app.applications.models import Application
from app.auth.models import Role, User
from app.calls.models import Call
from app.common.clock import utcnow
from app.common.errors import Refusal
from app.extensions import db
from app.i18n import localized
from app.jury.models import (
    ConflictOfInterest,
    CriterionScore,
    JuryAssignment,
    JuryMember,
    Review,
    ReviewReopening,
)
from app.jury.ranking import CriterionScale, review_total


class ScoringError(Refusal):
    """A refused scoring operation; the message is shown to the user."""


class ConcurrentReview(ScoringError):
    """The review changed since it was loaded (another tab, another device)."""

    def __init__(self) -> None:
        super().__init__(
            _l(
                "This review was saved from another tab or device in the meantime. "
                "Reload the page: your changes here were not saved."
            )
        )


class NotAssigned(ScoringError):
    """The dossier is no longer assigned to the juror (recusal, unassignment)."""

    def __init__(self) -> None:
        super().__init__(
            _l(
                "This dossier is no longer assigned to you (recusal or reassignment): "
                "nothing was saved."
            )
        )


class NotPermitted(ScoringError):
    """The actor may not do this (shown as 404)."""


# Reading ---------------------------------------------------------------------------


def is_chair_of(call: Call, user: User) -> bool:
    """Whether ``user`` sits on the call's jury as a chair."""
    return bool(
        db.session.scalar(
            select(
                exists().where(
                    JuryMember.call_id == call.id,
                    JuryMember.user_id == user.id,
                    JuryMember.is_chair.is_(True),
                )
            )
        )
    )


def may_steer(call: Call, user: User) -> bool:
    """Staff, or a chair of this call: may see the board, open and close scoring."""
    return user.has_role(Role.STAFF) or (user.has_role(Role.CHAIR) and is_chair_of(call, user))


def is_conflicted(application_id: int, juror_id: int) -> bool:
    return bool(
        db.session.scalar(
            select(
                exists().where(
                    ConflictOfInterest.application_id == application_id,
                    ConflictOfInterest.juror_id == juror_id,
                )
            )
        )
    )


def pending_assignments(call: Call) -> list[JuryAssignment]:
    """The call's assignments whose review is not submitted (draft or not started)."""
    return list(
        db.session.scalars(
            select(JuryAssignment)
            .join(Application, Application.id == JuryAssignment.application_id)
            .outerjoin(Review, Review.assignment_id == JuryAssignment.id)
            .where(Application.call_id == call.id)
            .where((Review.id.is_(None)) | (Review.status == "draft"))
            .order_by(Application.number, JuryAssignment.juror_id)
        )
    )


# Jurors ----------------------------------------------------------------------------


def _check_may_score(assignment: JuryAssignment, actor: User) -> Review | None:
    """Everything a juror needs to write their review; returns the current review."""
    still_there = db.session.scalar(select(exists().where(JuryAssignment.id == assignment.id)))
    if not still_there:
        raise NotAssigned()
    if actor.id != assignment.juror_id:
        raise NotPermitted(_l("This dossier is not assigned to you."))
    if not actor.active:
        raise ScoringError(_l("Your account is deactivated: you can no longer score."))
    if is_conflicted(assignment.application_id, actor.id):
        raise NotAssigned()
    if not assignment.application.call.scoring_open:
        raise ScoringError(_l("Scoring is closed for this call: nothing was saved."))
    review = assignment.review
    if review is not None and review.status == "submitted":
        raise ScoringError(_l("Your review is submitted and locked. Only the chair can reopen it."))
    return review


def _check_scores(call: Call, data: dict, *, complete: bool) -> None:
    scores = data.get("scores") or {}
    missing = []
    for criterion in call.criteria:
        score = scores.get(criterion.id)
        if score is None:
            missing.append(localized(criterion, "name"))
        elif not criterion.scale_min <= score <= criterion.scale_max:
            raise ScoringError(
                _l(
                    "The score for “%(name)s” must be between %(min)d and %(max)d.",
                    name=localized(criterion, "name"),
                    min=criterion.scale_min,
                    max=criterion.scale_max,
                )
            )
    if complete and missing:
        raise ScoringError(
            _l("Score every criterion before submitting: %(names)s.", names=", ".join(missing))
        )


def _write(assignment: JuryAssignment, review: Review | None, data: dict) -> Review:
    if review is None:
        review = Review(assignment=assignment)
        db.session.add(review)
    by_criterion = {score.criterion_id: score for score in review.scores}
    for criterion in assignment.application.call.criteria:
        row = by_criterion.get(criterion.id)
        if row is None:
            row = CriterionScore(criterion=criterion)
            review.scores.append(row)
        row.score = (data.get("scores") or {}).get(criterion.id)
        row.comment = ((data.get("comments") or {}).get(criterion.id) or "").strip()
    review.overall_comment = (data.get("overall_comment") or "").strip()
    review.private_notes = (data.get("private_notes") or "").strip()
    review.updated_at = utcnow()  # always an UPDATE, so that the version moves on
    return review


def _flush() -> None:
    try:
        db.session.flush()
    except (StaleDataError, IntegrityError) as error:
        raise ConcurrentReview() from error


def save_review_draft(
    assignment: JuryAssignment, data: dict, *, actor: User, expected_version: int
) -> Review:
    """Save the juror's review of an assigned dossier as a draft (created on first save).

    ``expected_version`` is the review version the form showed (0 before the first
    save). Empty scores are allowed in a draft; given ones must be on the scale.

    Raises NotAssigned (assignment deleted, or a conflict recorded since), NotPermitted
    (not the actor's assignment), ScoringError (account deactivated, scoring closed,
    review already submitted, score off the scale), ConcurrentReview (another tab saved
    first). Nothing is written when it raises.
    """
    review = _check_may_score(assignment, actor)
    if (review.version if review is not None else 0) != expected_version:
        raise ConcurrentReview()
    _check_scores(assignment.application.call, data, complete=False)
    review = _write(assignment, review, data)
    _flush()
    return review


def submit_review(
    assignment: JuryAssignment, data: dict, *, actor: User, expected_version: int
) -> Review:
    """Save and submit the juror's review: it is locked until the chair reopens it.

    Every criterion must be scored. Stores the weighted total (0-100, see
    app.jury.ranking.review_total) and stamps ``submitted_at``. Raises as
    :func:`save_review_draft`, and ScoringError when a criterion is not scored.
    """
    review = _check_may_score(assignment, actor)
    if (review.version if review is not None else 0) != expected_version:
        raise ConcurrentReview()
    call = assignment.application.call
    _check_scores(call, data, complete=True)
    review = _write(assignment, review, data)
    scales = [CriterionScale(c.id, c.weight, c.scale_min, c.scale_max) for c in call.criteria]
    review.total = round(review_total(scales, data["scores"]), 3)
    review.status = "submitted"
    review.submitted_at = utcnow()
    _flush()
    return review


def recuse_from_dossier(assignment: JuryAssignment, reason: str, *, actor: User) -> None:
    """The juror declares a late conflict: records it and frees the slot.

    Creates a ConflictOfInterest of kind "other" (note: ``reason``, declared by the
    juror) unless one exists, then deletes the assignment and its draft review, so that
    the assignment can fill the gap. Raises NotAssigned, NotPermitted, ScoringError
    (no reason; review submitted: the chair must reopen it first, so that a submitted
    score never disappears silently).
    """
    reason = (reason or "").strip()
    if not reason:
        raise ScoringError(_l("Please give the reason of your recusal."))
    if not db.session.scalar(select(exists().where(JuryAssignment.id == assignment.id))):
        raise NotAssigned()
    if actor.id != assignment.juror_id:
        raise NotPermitted(_l("This dossier is not assigned to you."))
    if assignment.review is not None and assignment.review.status == "submitted":
        raise ScoringError(
            _l("Your review is submitted: ask the chair to reopen it before recusing.")
        )
    if not is_conflicted(assignment.application_id, actor.id):
        db.session.add(
            ConflictOfInterest(
                application_id=assignment.application_id,
                juror_id=actor.id,
                kind="other",
                note=reason,
                declared_by_id=actor.id,
            )
        )
    if assignment.review is not None:
        db.session.delete(assignment.review)
    db.session.delete(assignment)
    _flush()


# Chair -----------------------------------------------------------------------------


def reopen_review(review: Review, *, actor: User, reason: str) -> ReviewReopening:
    """The chair unlocks a submitted review so that its juror can change it.

    The review goes back to draft (no total, no submission time: it leaves the
    ranking until submitted again) and a ReviewReopening keeps who, when and why.
    Scoring must be open for the juror to submit again. Raises NotPermitted (not a
    chair of the call), ScoringError (no reason, review not submitted).
    """
    call = review.assignment.application.call
    if not is_chair_of(call, actor):
        raise NotPermitted(_l("Only the chair can reopen a review."))
    reason = (reason or "").strip()
    if not reason:
        raise ScoringError(_l("Please give the reason for reopening this review."))
    if review.status != "submitted":
        raise ScoringError(_l("This review is not submitted: there is nothing to reopen."))
    review.status = "draft"
    review.total = None
    review.submitted_at = None
    reopening = ReviewReopening(review_id=review.id, reopened_by_id=actor.id, reason=reason)
    db.session.add(reopening)
    _flush()
    return reopening


def set_scoring_open(call: Call, open: bool, *, actor: User) -> list[JuryAssignment]:
    """Open or close the scoring phase of ``call`` (staff, or a chair of the call).

    Returns, at closing, the assignments whose review is not submitted (drafts and
    reviews not started) for the chair; an empty list at opening. Side effect at
    closing: every dossier "in_review" whose reviews are all submitted moves to
    "scored" (``complete_review``, audited), ready for the selection; the others stay
    in review until their reviews are in and scoring closes again. Raises NotPermitted.
    """
    if not may_steer(call, actor):
        raise NotPermitted(_l("Only staff or the chair can open or close scoring."))
    call.scoring_open = bool(open)
    db.session.flush()
    if open:
        return []
    pending = pending_assignments(call)
    _complete_reviews(call, {assignment.application_id for assignment in pending}, actor)
    return pending


def _complete_reviews(call: Call, waiting: set[int], actor: User) -> None:
    from app.applications.services import apply_transition, flush_transitions

    reviewed = (
        select(JuryAssignment.application_id).join(Review).where(Review.status == "submitted")
    )
    ready = db.session.scalars(
        select(Application).where(
            Application.call_id == call.id,
            Application.status == "in_review",
            Application.id.in_(reviewed),
        )
    ).all()
    for application in ready:
        if application.id not in waiting:
            apply_transition(application, "complete_review", actor=actor, flush=False)
    flush_transitions()


def juror_assignments(call: Call, juror: User) -> list[JuryAssignment]:
    """The juror's assignments in ``call`` (without those in conflict), in dossier order,
    with their applications and reviews loaded (one query)."""
    return list(db.session.scalars(juror_assignments_query(call, juror)).unique())


def juror_assignments_query(call: Call, juror: User):
    """What :func:`juror_assignments` runs, to paginate."""
    return (
        _own_assignments(call, juror)
        .options(contains_eager(JuryAssignment.application), contains_eager(JuryAssignment.review))
        .order_by(Application.number, Application.id)
    )


def _own_assignments(call: Call, juror: User):
    """The juror's assignments in ``call`` without those in conflict (a query to refine)."""
    conflicts = select(ConflictOfInterest.application_id).where(
        ConflictOfInterest.juror_id == juror.id
    )
    return (
        select(JuryAssignment)
        .join(JuryAssignment.application)
        .outerjoin(JuryAssignment.review)
        .where(Application.call_id == call.id, JuryAssignment.juror_id == juror.id)
        .where(JuryAssignment.application_id.not_in(conflicts))
    )


def juror_progress(call: Call, juror: User) -> tuple[int, int]:
    """(submitted, total) of the juror's assignments in ``call``, in one aggregate query
    (what :func:`juror_assignments` would count, without loading the dossiers)."""
    query = _own_assignments(call, juror).with_only_columns(
        func.count(JuryAssignment.id),
        func.count(Review.id).filter(Review.status == "submitted"),
    )
    total, done = db.session.execute(query).one()
    return done, total


def next_unsubmitted(call: Call, juror: User, *, besides: int) -> int | None:
    """The id of the juror's first assignment, in dossier order, other than ``besides``
    and not submitted; None when every other one is."""
    return db.session.scalar(
        _own_assignments(call, juror)
        .with_only_columns(JuryAssignment.id)
        .where(JuryAssignment.id != besides)
        .where((Review.id.is_(None)) | (Review.status != "submitted"))
        .order_by(Application.number, Application.id)
        .limit(1)
    )


def is_member(call: Call, user: User) -> bool:
    """Whether ``user`` sits on the call's jury (as juror or chair)."""
    return bool(
        db.session.scalar(
            select(exists().where(JuryMember.call_id == call.id, JuryMember.user_id == user.id))
        )
    )


def jury_home_progress(user: User) -> dict:
    """For the jury home page: ``progress`` {call: (submitted, assigned)} of the user's own
    dossiers and ``chaired`` (ids of the calls they chair), in two queries."""
    submitted = func.count(Review.id).filter(Review.status == "submitted")
    conflicts = select(ConflictOfInterest.application_id).where(
        ConflictOfInterest.juror_id == user.id
    )
    rows = db.session.execute(
        select(Call, submitted, func.count(JuryAssignment.id))
        .join(Application, Application.call_id == Call.id)
        .join(JuryAssignment, JuryAssignment.application_id == Application.id)
        .outerjoin(Review, Review.assignment_id == JuryAssignment.id)
        .where(JuryAssignment.juror_id == user.id)
        .where(JuryAssignment.application_id.not_in(conflicts))
        .group_by(Call.id)
    ).all()
    chaired = db.session.scalars(
        select(JuryMember.call_id).where(JuryMember.user_id == user.id, JuryMember.is_chair)
    )
    return {
        "progress": {call: (done, total) for call, done, total in rows},
        "chaired": set(chaired),
    }
