"""What the chair's board shows for a call, read in a bounded number of queries.

:func:`load_board` sends five SQL statements whatever the number of dossiers
(dossiers, assignments with their reviews, criterion scores of submitted reviews,
jurors, the viewer's conflicts through app.access.policy.conflicted_among), selects
plain columns rather than ORM objects (the board of a large call has thousands of
dossiers and tens of thousands of scores), and leaves the arithmetic to
app.jury.ranking.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from types import SimpleNamespace

import numpy as np
from sqlalchemy import case, func, literal, or_, select

from app.access.policy import conflicted_among
from app.application_forms.versions import call_form
from app.applications.models import Application
from app.auth.models import User
from app.calls.models import Call
from app.extensions import db
from app.jury.models import CriterionScore, JuryAssignment, JuryMember, Review
from app.jury.ranking import RANKING_METHODS, CriterionScale, DossierResult, aggregate_arrays
from workflows.application import JURY_STATES
from workflows.jury import ReviewStatus

#: Lines of the ranking per page of the board.
PER_PAGE = 250


@dataclass(slots=True, kw_only=True)
class ReviewCounts:
    """The reviews of a dossier, or of a juror: assigned, submitted, in draft."""

    assigned: int = 0
    submitted: int = 0
    drafts: int = 0

    def count(self, status: str | None) -> None:
        """One more assignment, its review in ``status`` (None: not started)."""
        self.assigned += 1
        self.submitted += status == ReviewStatus.SUBMITTED
        self.drafts += status == ReviewStatus.DRAFT


@dataclass(slots=True)
class BoardLine(ReviewCounts):
    """One dossier on the board: its progress and, once reviewed, its aggregates."""

    application_id: int
    reference: str
    title: str
    status: str
    result: DossierResult | None = None


@dataclass(slots=True)
class JurorProgress(ReviewCounts):
    juror_id: int
    name: str
    is_chair: bool


@dataclass
class Board:
    call: Call
    #: The ranking the lines are ordered by ("raw" or "normalised").
    order: str
    lines: list[BoardLine]
    jurors: list[JurorProgress]
    #: (line, juror, status) of every review not submitted, listed once scoring closes.
    pending: list[tuple[BoardLine, JurorProgress, str | None]] = field(default_factory=list)

    def page(self, number: int, per_page: int = PER_PAGE) -> SimpleNamespace:
        """One page of the ranking, shaped for the ``pagination`` macro of _macros.html."""
        pages = max((len(self.lines) + per_page - 1) // per_page, 1)
        number = min(max(number, 1), pages)
        return SimpleNamespace(
            items=self.lines[(number - 1) * per_page : number * per_page],
            page=number,
            pages=pages,
            has_prev=number > 1,
            has_next=number < pages,
            prev_num=number - 1,
            next_num=number + 1,
        )

    @property
    def flagged(self) -> int:
        return sum(1 for line in self.lines if line.result and line.result.flagged)

    @property
    def submitted(self) -> int:
        return sum(line.submitted for line in self.lines)

    @property
    def assigned(self) -> int:
        return sum(line.assigned for line in self.lines)


def _dossiers(call: Call) -> dict[int, tuple]:
    assigned = select(JuryAssignment.application_id)
    title = call_form(call).title_question
    rows = db.session.execute(
        select(
            Application.id,
            Application.reference,
            Application.answers[title].as_string() if title else literal(""),
            Application.status,
            Application.submitted_at,
        )
        .where(Application.call_id == call.id)
        .where(or_(Application.status.in_(JURY_STATES), Application.id.in_(assigned)))
        .order_by(Application.number, Application.id)
    )
    return {row[0]: row for row in rows}


def _assignments(call: Call):
    return db.session.execute(
        select(JuryAssignment.application_id, JuryAssignment.juror_id, Review.status)
        .join(Application, Application.id == JuryAssignment.application_id)
        .outerjoin(Review, Review.assignment_id == JuryAssignment.id)
        .where(Application.call_id == call.id)
    ).all()


def submitted_reviews(call: Call) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """One row per submitted review, its criteria's scores pivoted into columns in SQL
    (a quarter of the rows of a plain join): (dossier ids, juror ids, scores matrix)."""
    columns = [
        func.max(case((CriterionScore.criterion_id == c.id, CriterionScore.score))).label(
            f"c{c.id}"
        )
        for c in call.criteria
    ]
    rows = db.session.execute(
        select(JuryAssignment.application_id, JuryAssignment.juror_id, *columns)
        .select_from(CriterionScore)
        .join(Review, Review.id == CriterionScore.review_id)
        .join(JuryAssignment, JuryAssignment.id == Review.assignment_id)
        .join(Application, Application.id == JuryAssignment.application_id)
        .where(Application.call_id == call.id, Review.status == ReviewStatus.SUBMITTED)
        .group_by(CriterionScore.review_id, JuryAssignment.application_id, JuryAssignment.juror_id)
    )
    table = np.array([tuple(row) for row in rows], dtype=float).reshape(-1, 2 + len(call.criteria))
    return table[:, 0].astype(int), table[:, 1].astype(int), table[:, 2:]


def _jurors(call: Call) -> dict[int, JurorProgress]:
    members = select(JuryMember.user_id).where(JuryMember.call_id == call.id)
    assigned = (
        select(JuryAssignment.juror_id)
        .join(Application, Application.id == JuryAssignment.application_id)
        .where(Application.call_id == call.id)
    )
    rows = db.session.execute(
        select(User.id, User.full_name, JuryMember.is_chair)
        .outerjoin(JuryMember, (JuryMember.user_id == User.id) & (JuryMember.call_id == call.id))
        .where(or_(User.id.in_(members), User.id.in_(assigned)))
        .order_by(User.full_name, User.id)
    )
    return {row[0]: JurorProgress(row[0], row[1], bool(row[2])) for row in rows}


def load_board(call: Call, viewer: User, *, order: str | None = None) -> Board:
    """Everything the chair's board shows for ``call``, as ``viewer`` may see it.

    Lines are in the order of ``order`` (default: the call's ranking method), the
    dossiers without a submitted review last. A dossier the viewer is in conflict with
    is left out, of the ranking and of the reviews not submitted (its reviews still
    count in the jurors' normalisation).
    """
    order = order if order in RANKING_METHODS else call.ranking_method
    dossiers = _dossiers(call)
    hidden = conflicted_among(viewer, dossiers)
    jurors = _jurors(call)
    lines = {
        key: BoardLine(key, row[1] or "", row[2] or "", row[3]) for key, row in dossiers.items()
    }
    pending = []
    for application_id, juror_id, status in _assignments(call):
        line, juror = lines.get(application_id), jurors.get(juror_id)
        if line is None or juror is None:
            continue
        line.count(status)
        juror.count(status)
        if status != ReviewStatus.SUBMITTED and application_id not in hidden:
            pending.append((line, juror, status))
    scales = [CriterionScale(c.id, c.weight, c.scale_min, c.scale_max) for c in call.criteria]
    results = aggregate_arrays(
        scales,
        *submitted_reviews(call),
        threshold=call.disagreement_threshold,
        submitted_at={key: row[4] for key, row in dossiers.items()},
    )
    for key, result in results.items():
        if key in lines:
            lines[key].result = result
    visible = [line for key, line in lines.items() if key not in hidden]
    visible.sort(key=lambda line: line.result.rank(order) if line.result else len(lines) + 1)
    return Board(call, order, visible, list(jurors.values()), pending)
