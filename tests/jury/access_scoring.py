"""Who may reach each scoring route (merge into tests/jury/access.py; see tests/test_access.py).

The world's juror has submitted a review of the world's application; "chair" chairs the
call's jury. Posts without a reason or a phase are refused with a message (302), not done.
"""

from app.common.clock import utcnow
from app.extensions import db
from app.jury.models import CriterionScore, JuryAssignment, Review
from tests.access_rules import only

JURY = {"juror", "conflicted", "chair"}
STEERING = {"staff", "chair"}

SCORING_EXPECTED = {
    "jury.my_dossiers": ("GET", only(JURY)),
    "jury.score_review": ("GET", only({"juror"})),
    "jury.recuse": ("POST", only({"juror"}, ok=302)),
    # the juror's autosave: refused (422, in JSON), the review being submitted
    "jury.autosave_review": ("POST", only({"juror"}, ok=422)),
    "jury.board": ("GET", only(STEERING)),
    "jury.board_dossier": ("GET", only(STEERING)),
    "jury.reopen": ("POST", only({"chair"}, ok=302)),
    "jury.set_scoring": ("POST", only(STEERING, ok=302)),
    "jury.export_reviews": ("GET", only(STEERING)),
}


def scoring_path_values(users, application) -> dict:
    """The juror's submitted review (tests/jury/access.py made the jury members)."""
    call = application.call
    assignment = db.session.query(JuryAssignment).filter_by(juror_id=users["juror"].id).one()
    review = Review(assignment=assignment, status="submitted", total=60, submitted_at=utcnow())
    review.scores = [CriterionScore(criterion=c, score=6) for c in call.criteria]
    db.session.add(review)
    db.session.flush()
    return {"assignment_id": assignment.id, "review_id": review.id}
