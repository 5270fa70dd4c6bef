"""Dossiers, reviews and audit rows inserted directly: the dashboard only reads them."""

from __future__ import annotations

import itertools
from datetime import datetime

import pytest
from flask_babel import force_locale

from app.applications.models import Application
from app.audit.models import AuditEvent
from app.auth.models import Role, RoleGrant, User
from app.common.clock import utcnow
from app.extensions import db
from app.jury.models import CriterionScore, JuryAssignment, JuryMember, Review
from app.jury.summary import mark_stale
from tests.helpers import transition_row

_numbers = itertools.count(1)


@pytest.fixture(autouse=True)
def _english(app):
    with force_locale("en"):
        yield


def add_dossier(
    call,
    status: str = "submitted",
    *,
    answers: dict | None = None,
    submitted_at: datetime | None = None,
    name: str | None = None,
) -> Application:
    """An applicant and their dossier in ``status`` (drafts have no number)."""
    n = next(_numbers)
    applicant = User(
        email=f"applicant{n}@example.org", full_name=name or f"Applicant {n}", password_hash="x"
    )
    applicant.grants = [RoleGrant(role=str(Role.APPLICANT))]
    application = Application(
        call=call, applicant=applicant, status=status, answers=dict(answers or {})
    )
    if status != "draft":
        call.last_application_number += 1
        application.number = call.last_application_number
        application.reference = f"{call.reference}-{application.number:04d}"
        application.submitted_at = submitted_at or utcnow()
    db.session.add(application)
    db.session.flush()
    return application


def add_review(application, juror: User, scores: list[int], *, status: str = "submitted"):
    """A review of ``application`` by ``juror`` with one score per criterion, in order."""
    call = application.call
    if not db.session.query(JuryMember).filter_by(call_id=call.id, user_id=juror.id).count():
        db.session.add(JuryMember(call_id=call.id, user_id=juror.id))
    assignment = JuryAssignment(application=application, juror=juror)
    review = Review(assignment=assignment, status=status, submitted_at=utcnow())
    review.scores = [
        CriterionScore(criterion_id=criterion.id, score=score)
        for criterion, score in zip(call.criteria, scores, strict=True)
    ]
    db.session.add(review)
    db.session.flush()
    mark_stale(call.id)  # as the jury's subscriber does when a review is submitted
    return review


def add_audit(application, trigger: str, *, actor=None, when=None, note=None) -> AuditEvent:
    entry = transition_row(
        application=application,
        from_state="submitted",
        to_state="eligible",
        trigger=trigger,
        actor=actor,
        created_at=when or utcnow(),
        note=note,
    )
    db.session.add(entry)
    db.session.flush()
    return entry
