"""Exports of the jury: its assignments and its reviews (CSV downloads of staff and the
call's chairs, and ``flask --app wsgi export assignments|reviews --call REF``).

Each export lists what ``viewer`` may see through the access scopes (app.access.scopes):
nothing of a dossier the viewer is in conflict with. Without a viewer (the command line,
run by whoever holds the server) it lists everything.
"""

from sqlalchemy import select

from app.access.scopes import visible_assignments, visible_reviews
from app.applications.models import Application
from app.auth.models import User
from app.calls.models import Call, Criterion
from app.extensions import db
from app.jury.models import ConflictOfInterest, CriterionScore, JuryAssignment, Review
from workflows.jury import ReviewStatus

NOT_STARTED = "not started"


def assignments(call: Call, viewer: User | None = None):
    """Every assignment of the call ``viewer`` may see: reference, juror_email, conflict,
    status.

    ``conflict`` is the kind of a conflict the juror has with the dossier (a late
    conflict on a submitted review), else empty; ``status`` is the review's status
    (draft, submitted) or "not started".
    """
    header = ["reference", "juror_email", "conflict", "status"]
    query = (
        select(Application.reference, User.email, ConflictOfInterest.kind, Review.status)
        .select_from(JuryAssignment)
        .join(Application, Application.id == JuryAssignment.application_id)
        .join(User, User.id == JuryAssignment.juror_id)
        .outerjoin(
            ConflictOfInterest,
            (ConflictOfInterest.application_id == JuryAssignment.application_id)
            & (ConflictOfInterest.juror_id == JuryAssignment.juror_id),
        )
        .outerjoin(Review, Review.assignment_id == JuryAssignment.id)
        .where(Application.call_id == call.id)
        .order_by(Application.number, User.email)
    )
    if viewer is not None:
        seen = visible_assignments(viewer, call).with_only_columns(JuryAssignment.id)
        query = query.where(JuryAssignment.id.in_(seen))
    return header, (
        [reference or "", email, kind or "", status or NOT_STARTED]
        for reference, email, kind, status in db.session.execute(query)
    )


def reviews(call: Call, viewer: User | None = None):
    """Every criterion score of every submitted review ``viewer`` may read: reference,
    juror_email, criterion, score, comment (drafts are left out: they may still change)."""
    header = ["reference", "juror_email", "criterion", "score", "comment"]
    query = (
        select(
            Application.reference,
            User.email,
            Criterion.name,
            CriterionScore.score,
            CriterionScore.comment,
        )
        .select_from(CriterionScore)
        .join(Review, Review.id == CriterionScore.review_id)
        .join(JuryAssignment, JuryAssignment.id == Review.assignment_id)
        .join(Application, Application.id == JuryAssignment.application_id)
        .join(User, User.id == JuryAssignment.juror_id)
        .join(Criterion, Criterion.id == CriterionScore.criterion_id)
        .where(Application.call_id == call.id, Review.status == ReviewStatus.SUBMITTED)
        .order_by(Application.number, User.email, Criterion.position)
    )
    if viewer is not None:
        seen = visible_reviews(viewer, call).with_only_columns(Review.id)
        query = query.where(Review.id.in_(seen))
    return header, (tuple(row) for row in db.session.execute(query))


EXPORTS = {"assignments": assignments, "reviews": reviews}
