"""Why a dossier got its decision: what the applicant (and their letter) is told.

Rank, the cut-off, the reserve position, the confirmation deadline, and the dossier's
mean score per criterion beside the selected group's. Never a juror's name or an
individual review: only means over the submitted reviews. Two aggregate queries, so a
page or a letter costs the same whatever the size of the call.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select

from app.applications.models import Application
from app.extensions import db
from app.jury.models import CriterionScore, JuryAssignment, Review
from app.selection.models import SelectionDecision, SelectionRound
from workflows.application import ApplicationStatus
from workflows.jury import ReviewStatus
from workflows.selection import Decision, RoundStatus


@dataclass(frozen=True)
class CriterionComparison:
    name: str
    scale_min: int
    scale_max: int
    weight: int
    #: The dossier's mean on this criterion over its submitted reviews (None: not scored).
    own: float | None
    #: The mean of the selected group's dossiers on this criterion.
    selected: float | None


@dataclass(frozen=True)
class Explanation:
    #: selected, reserve or not_selected: the published decision of the round.
    decision: str
    #: Position in the ranking (1 = best) out of ``ranked`` dossiers.
    rank: int
    ranked: int
    #: The dossier's score (0-100) in the call's ranking method.
    score: float
    #: The lowest score among the selected dossiers (the cut-off), None if none selected.
    cutoff: float | None
    quota: int
    reserve_position: int | None
    reserve_size: int
    #: Until when a selected applicant may confirm; None otherwise.
    confirm_by: datetime | None
    #: The chair's justification when the deliberation moved the dossier, else "".
    justification: str
    criteria: tuple[CriterionComparison, ...]


def explain(application: Application) -> Explanation | None:
    """The explanation of ``application``'s decision, or None before publication."""
    row = db.session.execute(
        select(SelectionDecision, SelectionRound)
        .join(SelectionRound, SelectionRound.id == SelectionDecision.round_id)
        .where(
            SelectionDecision.application_id == application.id,
            SelectionRound.status == RoundStatus.PUBLISHED,
        )
    ).first()
    if row is None:
        return None
    decision, selection = row
    ranked, cutoff = db.session.execute(
        select(
            func.count(SelectionDecision.id),
            func.min(SelectionDecision.score).filter(
                SelectionDecision.decision == Decision.SELECTED
            ),
        ).where(SelectionDecision.round_id == selection.id)
    ).one()
    call = application.call
    return Explanation(
        decision=decision.decision,
        rank=decision.rank,
        ranked=ranked,
        score=decision.score,
        cutoff=cutoff,
        quota=call.quota,
        reserve_position=decision.reserve_position,
        reserve_size=call.reserve_size,
        confirm_by=decision.confirm_by,
        justification=decision.override_justification,
        criteria=_comparisons(application, selection),
    )


def _comparisons(application, selection) -> tuple[CriterionComparison, ...]:
    """Per criterion: the dossier's mean and the selected group's mean (one query)."""
    is_own = JuryAssignment.application_id == application.id
    is_selected = SelectionDecision.decision == Decision.SELECTED
    rows = db.session.execute(
        select(
            CriterionScore.criterion_id,
            func.avg(CriterionScore.score).filter(is_own),
            func.avg(CriterionScore.score).filter(is_selected),
        )
        .join(Review, Review.id == CriterionScore.review_id)
        .join(JuryAssignment, JuryAssignment.id == Review.assignment_id)
        .join(
            SelectionDecision,
            (SelectionDecision.application_id == JuryAssignment.application_id)
            & (SelectionDecision.round_id == selection.id),
        )
        .where(Review.status == ReviewStatus.SUBMITTED, is_own | is_selected)
        .group_by(CriterionScore.criterion_id)
    ).all()
    means = {criterion_id: (own, chosen) for criterion_id, own, chosen in rows}
    return tuple(
        CriterionComparison(
            name=criterion.name,
            scale_min=criterion.scale_min,
            scale_max=criterion.scale_max,
            weight=criterion.weight,
            own=_float(means.get(criterion.id, (None, None))[0]),
            selected=_float(means.get(criterion.id, (None, None))[1]),
        )
        for criterion in application.call.criteria
    )


def _float(value) -> float | None:
    return None if value is None else round(float(value), 2)


def confirmation_deadlines(applications) -> dict[int, datetime]:
    """Until when each selected application of ``applications`` may confirm (one query)."""
    waiting = [a.id for a in applications if a.status == ApplicationStatus.SELECTED]
    if not waiting:
        return {}
    return dict(
        db.session.execute(
            select(SelectionDecision.application_id, SelectionDecision.confirm_by).where(
                SelectionDecision.application_id.in_(waiting),
                SelectionDecision.confirm_by.is_not(None),
            )
        ).all()
    )
