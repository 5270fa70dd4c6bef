"""Why a dossier got its decision: what the applicant reads on their page and in their
letter, both from :func:`explain`.

Every figure comes from the published decision (app.selection.standing): the place in
the final order, the number selected, the real reserve and the place on it, the
cut-off, and, when the deliberation departed from the order of the scores, its reasons
(a category of the chair's move or a balance rule, never the chair's words); then the
dossier's mean score per criterion beside the selected group's. Never a juror's name or
an individual review: only means over the submitted reviews. Four queries, whatever
the size of the call.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select

from app.applications.models import Application
from app.extensions import db
from app.i18n import localized
from app.jury.models import CriterionScore, JuryAssignment, Review
from app.selection.models import SelectionDecision, SelectionRound
from app.selection.standing import (
    Published,
    RoundFigures,
    Standing,
    position_of,
    published,
    standing_of,
)
from app.selection.wording import reason_texts
from workflows.application import ApplicationStatus
from workflows.jury import ReviewStatus
from workflows.selection import Decision, RoundStatus


@dataclass(frozen=True)
class CriterionComparison:
    #: The criterion's name in the reader's language.
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
    """What an applicant reads about their decision: where the dossier stands in the
    published decision, with its texts in the reader's language."""

    #: The published decision's figures (decision, position, counts, score, cut-off,
    #: why the deliberation is told): app.selection.standing, the one computation.
    standing: Standing
    #: Until when a selected applicant may confirm; None otherwise.
    confirm_by: datetime | None
    #: ``standing.reasons`` in the reader's language (empty when ``standing.why`` is "").
    reasons: tuple[str, ...]
    criteria: tuple[CriterionComparison, ...]


#: The columns of a decision that the standings read (app.selection.standing.published).
_DECISION_COLUMNS = select(
    SelectionDecision.application_id,
    SelectionDecision.decision,
    SelectionDecision.rank,
    SelectionDecision.score,
    SelectionDecision.pure_decision,
    SelectionDecision.reserve_position,
    SelectionDecision.override_justification,
    SelectionDecision.override_reason,
    SelectionDecision.adjustment,
)


def round_decisions(round_id: int) -> list[Published]:
    """Every decision of the round ``round_id``, as the standings read them (one query)."""
    rows = db.session.execute(_DECISION_COLUMNS.where(SelectionDecision.round_id == round_id))
    return [published(row._mapping) for row in rows]


def explain(application: Application) -> Explanation | None:
    """The explanation of ``application``'s decision, or None before publication; its
    texts (criteria, reasons) in the current language (a letter's under force_locale)."""
    row = db.session.execute(
        select(SelectionDecision.round_id, SelectionDecision.confirm_by)
        .join(SelectionRound, SelectionRound.id == SelectionDecision.round_id)
        .where(
            SelectionDecision.application_id == application.id,
            SelectionRound.status == RoundStatus.PUBLISHED,
        )
    ).first()
    if row is None:
        return None
    round_id, confirm_by = row
    standing = _standing(application.id, round_id)
    return Explanation(
        standing,
        confirm_by=confirm_by,
        reasons=tuple(reason_texts(standing.reasons, application.call)),
        criteria=_comparisons(application, round_id),
    )


def _standing(application_id: int, round_id: int) -> Standing:
    """The dossier's standing, as :func:`standings` gives it for the whole round, read from
    the round's selected, reserve and changed decisions and two counts (two queries):
    the work does not grow with the number of dossiers."""
    in_round = SelectionDecision.round_id == round_id
    rows = [
        published(row._mapping)
        for row in db.session.execute(
            _DECISION_COLUMNS.where(
                in_round,
                (SelectionDecision.decision != Decision.NOT_SELECTED)
                | (SelectionDecision.decision != SelectionDecision.pure_decision)
                | (SelectionDecision.application_id == application_id),
            )
        )
    ]
    own = next(row for row in rows if row.dossier_id == application_id)
    ranked, before = db.session.execute(
        select(
            func.count(),
            func.count().filter(
                SelectionDecision.decision == Decision.NOT_SELECTED,
                SelectionDecision.rank < own.rank,
            ),
        ).where(in_round)
    ).one()
    figures = RoundFigures.of(rows, ranked)
    return standing_of(own, position_of(own, figures, before), figures)


def _comparisons(application, round_id: int) -> tuple[CriterionComparison, ...]:
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
            & (SelectionDecision.round_id == round_id),
        )
        .where(Review.status == ReviewStatus.SUBMITTED, is_own | is_selected)
        .group_by(CriterionScore.criterion_id)
    ).all()
    means = {criterion_id: (own, chosen) for criterion_id, own, chosen in rows}
    return tuple(
        CriterionComparison(
            name=localized(criterion, "name"),
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
