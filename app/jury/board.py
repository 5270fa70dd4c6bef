"""What the chair's board shows for a call: one page of the ranking, read from the call's
score summary (app.jury.summary) in a bounded number of queries whatever the number of
dossiers.

:func:`load_board` makes the summary fresh (one query when it is; when it is not, the
call's aggregates are recomputed once and written: the caller commits), or takes it as
it is when it was computed less than ``SUMMARY_GRACE_SECONDS`` ago (the board then says
since when, and how many reviews were submitted since; a job refreshes it), then reads in
SQL only what the page shows: the totals (dossiers, flagged, reviews submitted and
assigned), the page's lines in rank order (LIMIT/OFFSET; the project titles and review
counts of those lines only), each juror's progress and, once scoring is closed, the
reviews not submitted. A dossier the viewer is in conflict with is left out of all but
the jurors' progress (its reviews still count in the ranks and the normalisation).

The numbers are written by :func:`app.i18n.decimal_format`, built once per language
instead of a Babel call per cell (a page has 100 lines of 7 numbers).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from types import SimpleNamespace

from sqlalchemy import case, func, literal, or_, select, union

from app.access.policy import conflicted_dossiers
from app.application_forms.versions import call_form
from app.applications.models import Application
from app.auth.models import User
from app.calls.models import Call
from app.common.urls import page_of
from app.extensions import db
from app.jury.models import JuryAssignment, JuryMember, Review, ScoreSummary
from app.jury.ranking import RANKING_METHODS, DossierResult
from app.jury.summary import (
    RESULT_COLUMNS,
    read_summary,
    result_of,
    submitted_reviews,
    summary_grace,
)
from workflows.jury import ReviewStatus

__all__ = ["Board", "load_board", "submitted_reviews"]

#: Lines of the ranking per page of the board: a hundred, as on the selection page (a
#: page of 250 took 92 ms at 20,000 dossiers, one of 100 takes 76 ms).
PER_PAGE = 100


@dataclass(slots=True)
class BoardLine:
    """One dossier on the board: its reviews (assigned, submitted, in draft) and, once
    reviewed, its aggregates."""

    application_id: int
    reference: str
    title: str
    status: str
    assigned: int = 0
    submitted: int = 0
    drafts: int = 0
    result: DossierResult | None = None


@dataclass(slots=True)
class JurorProgress:
    juror_id: int
    name: str
    is_chair: bool
    assigned: int = 0
    submitted: int = 0
    drafts: int = 0


@dataclass(frozen=True, slots=True)
class PendingReview:
    """A review not submitted: the dossier's reference, the juror, the review's status
    (None: not started)."""

    reference: str
    juror: str
    status: str | None


@dataclass
class Board:
    call: Call
    #: The ranking the lines are ordered by ("raw" or "normalised").
    order: str
    #: The page's lines, shaped for the ``pagination`` macro of _macros.html.
    page: SimpleNamespace
    jurors: list[JurorProgress]
    #: Dossiers on the board, flagged for disagreement, reviews submitted and assigned.
    dossiers: int = 0
    flagged: int = 0
    submitted: int = 0
    assigned: int = 0
    #: Every review not submitted, listed once scoring closes.
    pending: list[PendingReview] = field(default_factory=list)
    #: This read recomputed the call's score summary: the caller commits it.
    refreshed: bool = False
    #: The summary shown is late (stale, being refreshed by a job): when it was computed,
    #: and the reviews of the shown dossiers submitted since (net of those reopened: the
    #: reviews submitted now less those the summary counts).
    as_of: datetime | None = None
    submitted_since: int = 0

    @property
    def lines(self) -> list[BoardLine]:
        return self.page.items


def _visible(call: Call, viewer: User) -> list:
    """Conditions on ScoreSummary: the dossiers on the call's board, but those ``viewer``
    is in conflict with."""
    conditions = [ScoreSummary.call_id == call.id]
    if viewer.is_authenticated:
        conditions.append(ScoreSummary.application_id.not_in(conflicted_dossiers(viewer)))
    return conditions


def _submitted():
    return func.count(case((Review.status == ReviewStatus.SUBMITTED, 1)))


def _drafts():
    return func.count(case((Review.status == ReviewStatus.DRAFT, 1)))


def _call_assignments(call: Call):
    """The assignments of the call's dossiers, with their reviews (if any), as a FROM."""
    return (
        select(JuryAssignment)
        .join(ScoreSummary, ScoreSummary.application_id == JuryAssignment.application_id)
        .outerjoin(Review, Review.assignment_id == JuryAssignment.id)
        .where(ScoreSummary.call_id == call.id)
    )


def _totals(call: Call, viewer: User, visible: list) -> tuple[int, int, int, int, int]:
    """(dossiers on the board, flagged, reviews counted in the summary, reviews submitted
    and assigned of the dossiers ``viewer`` is in conflict with), in one query."""
    dossiers = select(func.count(ScoreSummary.application_id)).where(*visible)
    flagged = dossiers.where(ScoreSummary.flagged)
    reviewed = select(func.sum(ScoreSummary.reviews)).where(*visible)
    hidden = _call_assignments(call).with_only_columns(_submitted(), func.count(JuryAssignment.id))
    if viewer.is_authenticated:
        hidden = hidden.where(JuryAssignment.application_id.in_(conflicted_dossiers(viewer)))
    else:
        hidden = hidden.where(literal(False))
    hidden = hidden.subquery()
    row = db.session.execute(
        select(
            dossiers.scalar_subquery(),
            flagged.scalar_subquery(),
            reviewed.scalar_subquery(),
            *hidden.c,
        )
    ).one()
    return tuple(int(value or 0) for value in row)


def _lines(call: Call, visible: list, order: str, current: int, per_page: int) -> list:
    """The page's lines in rank order: the ranked dossiers, then those without a
    submitted review by number."""
    rank = ScoreSummary.normalised_rank if order == "normalised" else ScoreSummary.raw_rank
    page = (
        select(ScoreSummary.application_id.label("id"), ScoreSummary.number, rank.label("rank"))
        .where(*visible)
        .order_by(rank.asc().nulls_last(), ScoreSummary.number, ScoreSummary.application_id)
        .limit(per_page)
        .offset((current - 1) * per_page)
        .subquery()
    )
    question = call_form(call).title_question
    title = Application.answers[question].as_string() if question else literal("")

    def reviews(*where):
        return (
            select(func.count(JuryAssignment.id))
            .outerjoin(Review, Review.assignment_id == JuryAssignment.id)
            .where(JuryAssignment.application_id == page.c.id, *where)
            .scalar_subquery()
        )

    rows = db.session.execute(
        select(
            Application.reference,
            title.label("title"),
            Application.status,
            reviews().label("assigned"),
            reviews(Review.status == ReviewStatus.SUBMITTED).label("submitted"),
            reviews(Review.status == ReviewStatus.DRAFT).label("drafts"),
            page.c.id,
            *RESULT_COLUMNS,
        )
        .select_from(page)
        .join(Application, Application.id == page.c.id)
        .join(ScoreSummary, ScoreSummary.application_id == page.c.id)
        .order_by(page.c.rank.asc().nulls_last(), page.c.number, page.c.id)
    )
    return [
        BoardLine(
            row.id,
            row.reference or "",
            row.title or "",
            row.status,
            row.assigned,
            row.submitted,
            row.drafts,
            result_of(row) if row.reviews else None,
        )
        for row in rows
    ]


def _jurors(call: Call) -> list[JurorProgress]:
    """The jury's members and every juror assigned a dossier of the call, with their
    reviews assigned, submitted and in draft."""
    progress = (
        _call_assignments(call)
        .with_only_columns(
            JuryAssignment.juror_id,
            func.count(JuryAssignment.id).label("assigned"),
            _submitted().label("submitted"),
            _drafts().label("drafts"),
        )
        .group_by(JuryAssignment.juror_id)
        .cte("progress")
    )
    people = union(
        select(JuryMember.user_id.label("id")).where(JuryMember.call_id == call.id),
        select(progress.c.juror_id),
    ).subquery()
    rows = db.session.execute(
        select(
            User.id,
            User.full_name,
            JuryMember.is_chair,
            progress.c.assigned,
            progress.c.submitted,
            progress.c.drafts,
        )
        .select_from(people)
        .join(User, User.id == people.c.id)
        .outerjoin(JuryMember, (JuryMember.user_id == User.id) & (JuryMember.call_id == call.id))
        .outerjoin(progress, progress.c.juror_id == User.id)
        .order_by(User.full_name, User.id)
    )
    return [
        JurorProgress(key, name, bool(chair), assigned or 0, submitted or 0, drafts or 0)
        for key, name, chair, assigned, submitted, drafts in rows
    ]


def _pending(call: Call, visible: list) -> list[PendingReview]:
    rows = db.session.execute(
        _call_assignments(call)
        .with_only_columns(Application.reference, User.full_name, Review.status)
        .join(Application, Application.id == JuryAssignment.application_id)
        .join(User, User.id == JuryAssignment.juror_id)
        .where(*visible)
        .where(or_(Review.status.is_(None), Review.status != ReviewStatus.SUBMITTED))
        .order_by(ScoreSummary.number, ScoreSummary.application_id, User.full_name, User.id)
    )
    return [PendingReview(reference or "", name, status) for reference, name, status in rows]


def load_board(
    call: Call,
    viewer: User,
    *,
    order: str | None = None,
    page: int = 1,
    per_page: int = PER_PAGE,
) -> Board:
    """Page ``page`` of the chair's board of ``call``, as ``viewer`` may see it.

    Lines are in the order of ``order`` (default: the call's ranking method), the
    dossiers without a submitted review last. A dossier the viewer is in conflict with
    is left out, of the ranking, the totals and the reviews not submitted (its reviews
    still count in the jurors' normalisation, and its rank is kept by the others).
    Refreshes the call's score summary when stale: the caller then commits
    (``refreshed``); but a stale summary computed less than ``SUMMARY_GRACE_SECONDS``
    ago is shown as it is (``as_of``, ``submitted_since``: no query more), and refreshed
    by a job queued when the caller's transaction ends (app.jury.summary).
    """
    order = order if order in RANKING_METHODS else call.ranking_method
    freshness = read_summary(call, grace=summary_grace())
    visible = _visible(call, viewer)
    dossiers, flagged, reviewed, hidden_submitted, hidden_assigned = _totals(call, viewer, visible)
    jurors = _jurors(call)
    submitted = sum(juror.submitted for juror in jurors) - hidden_submitted
    # Every review of the call submitted (the jurors' counts cover them all): none to list.
    waiting = sum(juror.assigned - juror.submitted for juror in jurors)
    shown = page_of(page, dossiers, per_page)
    shown.items = _lines(call, visible, order, shown.page, per_page) if dossiers else []
    return Board(
        call,
        order,
        shown,
        jurors,
        dossiers=dossiers,
        flagged=flagged,
        submitted=submitted,
        assigned=sum(juror.assigned for juror in jurors) - hidden_assigned,
        pending=[] if call.scoring_open or not waiting else _pending(call, visible),
        refreshed=freshness.refreshed,
        as_of=freshness.as_of,
        submitted_since=max(submitted - reviewed, 0) if freshness.as_of else 0,
    )
