"""What the jury area holds about a juror, for their data download (see
app.privacy.registry): the conflicts of interest they declared or that staff recorded
about them, and the reviews they wrote.

A juror's own words come back to them; which dossier each one concerns is named by its
call only, because a conflict is declared precisely so that the juror stays away from
that dossier. Erasure does not touch them: they are the programme's record of how its
decisions were made (the applicant-side erasure lives in app.privacy).
"""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from app.applications.models import Application
from app.auth.models import User
from app.calls.models import Call
from app.extensions import db
from app.jury.models import ConflictOfInterest, JuryAssignment, Review
from app.privacy.registry import PersonalData, listed


def conflicts(user: User) -> PersonalData | None:
    rows = db.session.execute(
        select(ConflictOfInterest, Call.reference)
        .join(Application, Application.id == ConflictOfInterest.application_id)
        .join(Call, Call.id == Application.call_id)
        .where(ConflictOfInterest.juror_id == user.id)
        .order_by(ConflictOfInterest.id)
    )
    return listed(
        {
            "call": reference,
            "kind": conflict.kind,
            "note": conflict.note,
            "declared_by_you": conflict.declared_by_id == user.id,
            "at": conflict.created_at,
        }
        for conflict, reference in rows
    )


def reviews(user: User) -> PersonalData | None:
    rows = db.session.execute(
        select(Review, Call.reference, Application.reference)
        .join(JuryAssignment, JuryAssignment.id == Review.assignment_id)
        .join(Application, Application.id == JuryAssignment.application_id)
        .join(Call, Call.id == Application.call_id)
        .where(JuryAssignment.juror_id == user.id)
        .order_by(Review.id)
        .options(selectinload(Review.scores))  # one query for every review's scores
    )
    return listed(
        {
            "call": call,
            "dossier": dossier,
            "status": review.status,
            "total": float(review.total) if review.total is not None else None,
            "overall_comment": review.overall_comment,
            "private_notes": review.private_notes,
            "scores": [
                {"criterion": s.criterion_id, "score": s.score, "comment": s.comment}
                for s in review.scores
            ],
            "submitted_at": review.submitted_at,
        }
        for review, call, dossier in rows
    )


PROVIDERS = {"jury_conflicts": conflicts, "jury_reviews": reviews}
