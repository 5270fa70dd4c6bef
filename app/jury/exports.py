"""Exports of the jury's assignments (``flask --app wsgi export assignments --call REF``)."""

from sqlalchemy import select

from app.applications.models import Application
from app.auth.models import User
from app.calls.models import Call
from app.extensions import db
from app.jury.models import ConflictOfInterest, JuryAssignment, Review
from app.jury.review_exports import reviews

NOT_STARTED = "not started"


def assignments(call: Call):
    """Every assignment of the call: reference, juror_email, conflict, status.

    ``conflict`` is the kind of a conflict the juror has with the dossier (a late
    conflict on a submitted review), else empty; ``status`` is the review's status
    (draft, submitted) or "not started".
    """
    header = ["reference", "juror_email", "conflict", "status"]
    rows = db.session.execute(
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
    return header, (
        [reference or "", email, kind or "", status or NOT_STARTED]
        for reference, email, kind, status in rows
    )


EXPORTS = {"assignments": assignments, "reviews": reviews}
