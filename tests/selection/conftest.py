"""Fixtures of the selection: calls with scored dossiers built row by row."""

from __future__ import annotations

import pytest

from app.auth.models import Role
from app.extensions import db
from app.jury.models import CriterionScore, JuryAssignment, Review


@pytest.fixture
def make_scored_call(make_call, make_application, make_user):
    """make_scored_call(scores, quota=2, reserve_size=1, reference=None, criteria=None)
    -> (call, applications).

    ``scores[i]`` lists the reviews of dossier ``i``: each an int (every criterion gets
    that score on 0-10, so the review's total is 10 x it) or a dict criterion position ->
    score. The dossiers are ``scored``, submitted in order (earlier first).
    """

    def make(scores, *, quota=2, reserve_size=1, reference=None, status="scored"):
        call = make_call(reference, quota=quota, reserve_size=reserve_size)
        jurors = [make_user(Role.JUROR) for _ in range(max(len(s) for s in scores))]
        applications = []
        for reviews in scores:
            application = make_application(status, call=call, complete=False)
            for juror, given in zip(jurors, reviews, strict=False):
                per = (
                    given if isinstance(given, dict) else {c.position: given for c in call.criteria}
                )
                assignment = JuryAssignment(application_id=application.id, juror_id=juror.id)
                total = sum(c.weight * per[c.position] / 10 for c in call.criteria)
                review = Review(assignment=assignment, status="submitted", total=total)
                review.scores = [
                    CriterionScore(criterion_id=c.id, score=per[c.position]) for c in call.criteria
                ]
                db.session.add_all([assignment, review])
            applications.append(application)
        db.session.commit()
        return call, applications

    return make


@pytest.fixture(autouse=True)
def _english(app):
    """Service and command messages (outside any request) are read in English here."""
    from flask_babel import force_locale

    with force_locale("en"):
        yield
