"""Export of the jury's reviews (``flask --app wsgi export reviews --call REF``, and the
CSV download of the chair's board)."""

from sqlalchemy import select

from app.applications.models import Application
from app.auth.models import User
from app.calls.models import Call, Criterion
from app.extensions import db
from app.jury.models import CriterionScore, JuryAssignment, Review


def reviews(call: Call):
    """Every criterion score of every submitted review: reference, juror_email, criterion,
    score, comment (drafts are left out: they may still change)."""
    header = ["reference", "juror_email", "criterion", "score", "comment"]
    rows = db.session.execute(
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
        .where(Application.call_id == call.id, Review.status == "submitted")
        .order_by(Application.number, User.email, Criterion.position)
    )
    return header, (tuple(row) for row in rows)


EXPORTS = {"reviews": reviews}
