"""Every write of the scoring phase: drafts, submission, reopening, opening and closing
the phase. Services only flush: the view (or command) commits once. Each announces its
domain event (``review_draft_saved``, ``review_submitted``, ``review_reopened``,
``scoring_opened``, ``scoring_closed``): one audit row with the actor.

Data of a review (``data``): ``scores`` {criterion id: int or None}, ``comments``
{criterion id: str}, ``overall_comment`` and ``private_notes``. Everything is checked
before anything is changed, so a refusal writes nothing.

A juror's recusal is a conflict of interest: :func:`app.jury.conflicts.recuse`.
"""

from __future__ import annotations

from datetime import timedelta

from flask_babel import lazy_gettext as _l
from sqlalchemy import exists, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm.exc import StaleDataError

from app.access.policy import (
    in_conflict,
    may_reopen_review,
    may_steer_jury,
    remember_standings,
)
from app.applications.models import Application
from app.applications.services import apply_transition, flush_transitions
from app.audit.models import AuditEvent
from app.auth.models import User
from app.calls.models import Call
from app.common.clock import utcnow
from app.common.errors import ConcurrentUpdate, NotPermitted, Refusal
from app.events import Event, announce
from app.extensions import db
from app.i18n import localized
from app.jury.conflicts import require_conflicts_confirmed
from app.jury.models import CriterionScore, JuryAssignment, Review
from app.jury.queries import pending_assignments
from app.jury.ranking import CriterionScale, review_total
from app.jury.services import NotAssigned, announce_jury_event
from workflows.application import ApplicationStatus, Trigger
from workflows.jury import ReviewStatus

#: Autosaves of a draft this close to its last row (a draft saved by the same juror)
#: write no new row: see save_review_draft.
AUTOSAVE_QUIET = timedelta(minutes=15)


class ScoringError(Refusal):
    """A refused scoring operation; the message is shown to the user."""


class ConcurrentReview(ConcurrentUpdate):
    """The review changed since it was loaded (another tab, another device)."""

    def __init__(self) -> None:
        super().__init__(
            _l(
                "This review was saved from another tab or device in the meantime. "
                "Reload the page: your changes here were not saved."
            )
        )


# Jurors ----------------------------------------------------------------------------


def _check_may_score(assignment: JuryAssignment, actor: User, expected_version: int) -> Review:
    """Everything a juror needs to write their review; returns the current review."""
    still_there = db.session.scalar(select(exists().where(JuryAssignment.id == assignment.id)))
    if not still_there:
        raise NotAssigned()
    if actor.id != assignment.juror_id:
        raise NotPermitted(_l("This dossier is not assigned to you."))
    if not actor.active:
        raise ScoringError(_l("Your account is deactivated: you can no longer score."))
    if in_conflict(actor, assignment.application_id):
        raise NotAssigned()
    require_conflicts_confirmed(assignment.application.call, actor)
    if not assignment.application.call.scoring_open:
        raise ScoringError(_l("Scoring is closed for this call: nothing was saved."))
    review = assignment.review
    # The version first: a tab that lost to another tab's submission is told so (409),
    # not that the review it was still editing is locked.
    if (review.version if review is not None else 0) != expected_version:
        raise ConcurrentReview()
    if review is not None and review.status == ReviewStatus.SUBMITTED:
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


def _announce(event: Event, review: Review, actor: User, **data) -> None:
    assignment = review.assignment
    announce_jury_event(
        event, assignment.application, assignment.juror_id, actor=actor, subject=review, **data
    )


def save_review_draft(
    assignment: JuryAssignment,
    data: dict,
    *,
    actor: User,
    expected_version: int,
    autosave: bool = False,
) -> Review:
    """Save the juror's review of an assigned dossier as a draft (created on first save);
    announces ``review_draft_saved``.

    ``expected_version`` is the review version the form showed (0 before the first
    save). Empty scores are allowed in a draft; given ones must be on the scale.
    ``autosave``: saved by the score page's script while the juror types. Such saves
    come every few seconds: one within AUTOSAVE_QUIET of the review's last row, itself a
    draft saved by the same juror, is part of the same edit and writes no new row (the
    first does, marked ``autosave``).

    Raises NotAssigned (assignment deleted, or a conflict recorded since), NotPermitted
    (not the actor's assignment), ConflictsNotConfirmed (the call requires the juror to
    confirm having no other conflict first), ScoringError (account deactivated, scoring
    closed, review already submitted, score off the scale), ConcurrentReview (another
    tab saved first). Nothing is written when it raises.
    """
    review = _check_may_score(assignment, actor, expected_version)
    _check_scores(assignment.application.call, data, complete=False)
    review = _write(assignment, review, data)
    _flush()
    if not autosave:
        _announce(Event.REVIEW_DRAFT_SAVED, review, actor)
    elif not _draft_saved_lately(review, actor):
        _announce(Event.REVIEW_DRAFT_SAVED, review, actor, autosave=True)
    return review


def _draft_saved_lately(review: Review, actor: User) -> bool:
    """Whether the review's last audit row is a draft saved by ``actor`` within
    AUTOSAVE_QUIET."""
    last = db.session.execute(
        select(AuditEvent.event, AuditEvent.actor_id, AuditEvent.created_at)
        .where(
            AuditEvent.application_id == review.assignment.application_id,
            AuditEvent.subject_kind == "review",
            AuditEvent.subject_id == review.id,
        )
        .order_by(AuditEvent.id.desc())
        .limit(1)
    ).first()
    return (
        last is not None
        and last.event == Event.REVIEW_DRAFT_SAVED
        and last.actor_id == actor.id
        and last.created_at >= utcnow() - AUTOSAVE_QUIET
    )


def submit_review(
    assignment: JuryAssignment, data: dict, *, actor: User, expected_version: int
) -> Review:
    """Save and submit the juror's review: it is locked until the chair reopens it;
    announces ``review_submitted`` with its total.

    Every criterion must be scored. Stores the weighted total (0-100, see
    app.jury.ranking.review_total) and stamps ``submitted_at``. Raises as
    :func:`save_review_draft`, and ScoringError when a criterion is not scored.
    """
    review = _check_may_score(assignment, actor, expected_version)
    call = assignment.application.call
    _check_scores(call, data, complete=True)
    review = _write(assignment, review, data)
    scales = [CriterionScale(c.id, c.weight, c.scale_min, c.scale_max) for c in call.criteria]
    review.total = round(review_total(scales, data["scores"]), 3)
    review.status = ReviewStatus.SUBMITTED
    review.submitted_at = utcnow()
    _flush()
    _announce(Event.REVIEW_SUBMITTED, review, actor, total=float(review.total))
    return review


# Chair -----------------------------------------------------------------------------


def reopen_review(review: Review, *, actor: User, reason: str) -> Review:
    """The chair unlocks a submitted review so that its juror can change it; announces
    ``review_reopened`` with the reason (the audit log keeps who, when and why).

    The review goes back to draft (no total, no submission time: it leaves the
    ranking until submitted again). Scoring must be open for the juror to submit
    again. Raises NotPermitted (not a chair of the call, or in conflict with the
    dossier), ScoringError (no reason, review not submitted).
    """
    if not may_reopen_review(actor, review):
        raise NotPermitted(_l("Only the chair can reopen a review."))
    reason = (reason or "").strip()
    if not reason:
        raise ScoringError(_l("Please give the reason for reopening this review."))
    if review.status != ReviewStatus.SUBMITTED:
        raise ScoringError(_l("This review is not submitted: there is nothing to reopen."))
    review.status = ReviewStatus.DRAFT
    review.total = None
    review.submitted_at = None
    _flush()
    _announce(Event.REVIEW_REOPENED, review, actor, note=reason)
    return review


def set_scoring_open(call: Call, open: bool, *, actor: User) -> list[JuryAssignment]:
    """Open or close the scoring phase of ``call`` (staff, or a chair of the call);
    announces ``scoring_opened`` or ``scoring_closed``.

    Returns, at closing, the assignments whose review is not submitted (drafts and
    reviews not started) for the chair; an empty list at opening. Side effect at
    closing: every dossier in review whose reviews are all submitted moves to scored
    (``complete_review``), ready for the selection; the others stay in review until
    their reviews are in and scoring closes again. Raises NotPermitted.
    """
    if not may_steer_jury(actor, call):
        raise NotPermitted(_l("Only staff or the chair can open or close scoring."))
    call.scoring_open = bool(open)
    if open:
        announce(Event.SCORING_OPENED, actor=actor, subject=call, call_id=call.id)
        db.session.flush()
        return []
    pending = pending_assignments(call)
    ready = _ready_for_selection(call, {assignment.application_id for assignment in pending})
    announce(
        Event.SCORING_CLOSED,
        actor=actor,
        subject=call,
        data={"pending": len(pending), "completed": len(ready)},
    )
    remember_standings(actor, ready)  # a few queries for them all, not three per dossier
    for application in ready:
        apply_transition(application, Trigger.COMPLETE_REVIEW, actor=actor, flush=False)
    flush_transitions()
    return pending


def _ready_for_selection(call: Call, waiting: set[int]) -> list[Application]:
    """The call's dossiers in review with a submitted review and none still awaited, by
    id (their transitions, and so their audit rows, in the same order on every database)."""
    reviewed = (
        select(JuryAssignment.application_id)
        .join(Review)
        .where(Review.status == ReviewStatus.SUBMITTED)
    )
    return [
        application
        for application in db.session.scalars(
            select(Application)
            .where(
                Application.call_id == call.id,
                Application.status == ApplicationStatus.IN_REVIEW,
                Application.id.in_(reviewed),
            )
            .order_by(Application.id)
        )
        if application.id not in waiting
    ]
