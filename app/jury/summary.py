"""The jury's review aggregates per dossier, kept in the database instead of recomputed
on every read (issue 19: the board of 20,000 dossiers spent 210 ms of SQL on them).

**What is kept.** One :class:`~app.jury.models.ScoreSummary` row per dossier on the
board of the call's jury (its number and, once it has a submitted review, what
:func:`app.jury.ranking.aggregate_arrays` gives: number of reviews, mean, population std,
normalised score, both ranks, the disagreement flag, the mean of each criterion), so
that the board counts, orders and pages its dossiers in that narrow table; and one
:class:`~app.jury.models.ScoreSummaryState` per call saying whether those rows are fresh.

**How it stays fresh.** Every change that moves a call's aggregates announces a domain
event, and a dossier entering or leaving the jury's states sends ``transitioned``;
app.jury.subscribers answers them with :func:`mark_stale`. The mark is written once
per call and transaction, when the transaction commits (a ``before_commit`` hook bumps
``version`` with one upsert): a demo submitting thousands of reviews in one transaction
bumps it once, and the state row's lock is held for the commit only. A transaction
rolled back leaves no mark, as it leaves no change.

**When it is recomputed.** On the next read (:func:`refresh_summary`), once. The fresh
case costs one query (the state). A stale or missing state is locked (``INSERT ... ON
CONFLICT DO NOTHING``, then ``SELECT ... FOR UPDATE``; on SQLite the insert takes the
database's write lock), and checked again: a second reader arriving meanwhile waits
for the first to commit, then finds the summary fresh and reads it. The whole call is
recomputed at once with the numpy arithmetic of app.jury.ranking (a juror's
normalisation depends on every review they made, so one review moves every dossier of
that juror), its rows replaced in bulk (one DELETE, then app.common.bulk_rows: a COPY
on PostgreSQL, a third of an INSERT's time for 8,000 rows) and stamped
with the version read under the lock: a change committed meanwhile bumps the version
past it, so stale rows are never marked fresh. The writes go into the caller's
transaction, which commits them (the board's view does; a selection computed in a
changing transaction commits them with its change and reads its own change).

**Who may read it late.** Recomputing on read means the reader never sees numbers
older than the last committed change; but while jurors submit (a few reviews a second)
nearly every board request found the summary stale and paid the recomputation (130 ms
at 5,000 dossiers, 700 ms at 20,000). So the board alone reads through
:func:`read_summary` with a grace (``SUMMARY_GRACE_SECONDS``): a stale summary computed
less than the grace ago is shown as it is, with the moment it was computed, and its
refresh is asked of the job queue (app.jury.tasks, once the reader's transaction ends,
one job at a time per call); older than the grace, or never computed, it is recomputed
in the request as before. The job only calls :func:`refresh_summary`: it may run twice,
or beside a reader, since the lock and the version stamped under it decide. What
decides (the selection, its exports, the decision record) does not read this summary at
all: app.selection.proposing aggregates the submitted reviews itself; and
:func:`summary_results` and :func:`kept_figures` (the dashboard) stay strictly fresh.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

import numpy as np
from flask import current_app
from sqlalchemy import case, delete, func, or_, select, text

from app.applications.models import Application
from app.calls.models import Call
from app.common.bulk_rows import insert_rows
from app.common.clock import utcnow
from app.common.kept import Kept
from app.extensions import db
from app.jury.figures import JuryFigures
from app.jury.models import CriterionScore, JuryAssignment, Review, ScoreSummary, ScoreSummaryState
from app.jury.ranking import CriterionScale, DossierResult, aggregate_arrays
from workflows.application import JURY_STATES
from workflows.jury import ReviewStatus

#: The summaries' states, kept by the protocol of app.common.kept (marked stale at the
#: commit of a change; recomputed under the row's lock, stamped with the version read).
SUMMARY = Kept(ScoreSummaryState, "score_summaries")

#: ``session.info`` key: the calls whose summary was read late, to refresh in a job
#: once the reader's transaction ends (app.jury.tasks).
REFRESH_WANTED = "score_summaries_refresh_wanted"

#: The values of a summary row without a submitted review.
UNSCORED = {
    "reviews": 0,
    "mean": None,
    "std": None,
    "normalised": None,
    "raw_rank": None,
    "normalised_rank": None,
    "flagged": False,
    "criterion_means": None,
}

#: The columns of a summary row that make a DossierResult.
RESULT_COLUMNS = (
    ScoreSummary.application_id,
    ScoreSummary.reviews,
    ScoreSummary.mean,
    ScoreSummary.std,
    ScoreSummary.normalised,
    ScoreSummary.criterion_means,
    ScoreSummary.flagged,
    ScoreSummary.raw_rank,
    ScoreSummary.normalised_rank,
)


def submitted_reviews(call: Call, among=None) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """One row per submitted review, its criteria's scores pivoted into columns in SQL
    (a quarter of the rows of a plain join): (dossier ids, juror ids, scores matrix).
    ``among``: only the reviews of this select of review ids."""
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
        .where(
            Application.call_id == call.id,
            Review.status == ReviewStatus.SUBMITTED,
            *(() if among is None else (Review.id.in_(among),)),
        )
        .group_by(CriterionScore.review_id, JuryAssignment.application_id, JuryAssignment.juror_id)
    )
    table = np.array([tuple(row) for row in rows], dtype=float).reshape(-1, 2 + len(call.criteria))
    return table[:, 0].astype(int), table[:, 1].astype(int), table[:, 2:]


def board_dossiers(call: Call) -> dict[int, tuple[int | None, datetime | None]]:
    """The dossiers on the board of the call's jury (in the jury's states, or assigned):
    id -> (number, the applicant's submission time)."""
    assigned = (
        select(JuryAssignment.id)
        .where(JuryAssignment.application_id == Application.id)
        .correlate(Application)
        .exists()
    )
    rows = db.session.execute(
        select(Application.id, Application.number, Application.submitted_at).where(
            Application.call_id == call.id,
            or_(Application.status.in_(JURY_STATES), assigned),
        )
    )
    return {key: (number, moment) for key, number, moment in rows}


def scales_of(call: Call) -> list[CriterionScale]:
    return [CriterionScale(c.id, c.weight, c.scale_min, c.scale_max) for c in call.criteria]


def compute_results(
    call: Call, dossiers: dict | None = None, reviews: tuple | None = None
) -> dict[int, DossierResult]:
    """The call's aggregates computed now from its submitted reviews (app.jury.ranking;
    ``reviews``: :func:`submitted_reviews` already read), ranked with the dossiers'
    submission times as the last tie-break. Reads only."""
    dossiers = board_dossiers(call) if dossiers is None else dossiers
    return aggregate_arrays(
        scales_of(call),
        *(submitted_reviews(call) if reviews is None else reviews),
        threshold=call.disagreement_threshold,
        submitted_at={key: moment for key, (_number, moment) in dossiers.items()},
    )


# Marking stale ---------------------------------------------------------------------------


def mark_stale(call_id: int) -> None:
    """The aggregates of the call changed in the current transaction: its summary's
    version is bumped when the transaction commits (nothing if it rolls back)."""
    SUMMARY.mark(call_id)


# Reading ---------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Freshness:
    """What reading a call's summary did: recomputed it (the caller commits), or found it
    late (stale, computed at ``as_of``, less than the grace ago: shown as it is, its
    refresh asked of the job queue). Neither: it was fresh."""

    refreshed: bool = False
    as_of: datetime | None = None


def refresh_summary(call: Call) -> bool:
    """Make the call's summary fresh; returns whether it was recomputed (see the module
    docstring for the lock). Writes in the caller's transaction: the caller commits.
    One query when the summary is fresh."""
    return read_summary(call).refreshed


def read_summary(call: Call, *, grace: timedelta | None = None) -> Freshness:
    """Make the call's summary fresh, or, with ``grace``, fresh enough to be shown: a
    stale summary computed less than ``grace`` ago is left as it is and a refresh in the
    background is asked for (queued when the current transaction ends, by
    app.jury.tasks). A summary older than that, never computed, or moved by the current
    transaction itself, is recomputed now (the caller commits). One query unless it is
    recomputed."""
    session = db.session()
    if SUMMARY.take_own_marks(call.id):  # changed in this very transaction
        grace = None  # the reader reads its own change
    state = SUMMARY.state(call.id, ScoreSummaryState.computed_at)
    if state is not None and state.version == state.computed_version:
        return Freshness()
    if grace is not None and _recent(state, grace):
        session.info.setdefault(REFRESH_WANTED, set()).add(call.id)
        return Freshness(as_of=state.computed_at)
    version, computed = SUMMARY.state(call.id, lock=True)
    if version == computed:  # another reader recomputed it meanwhile
        return Freshness()
    dossiers = board_dossiers(call)
    reviews = submitted_reviews(call)
    figures = JuryFigures.of_reviews(scales_of(call), reviews[1], reviews[2])
    _write(call, dossiers, compute_results(call, dossiers, reviews), figures, version)
    if computed == 0 and session.get_bind().dialect.name == "postgresql":
        # The call's first rows, a bulk load: the planner learns of them now (its own
        # uncommitted rows count), not when autovacuum passes. Later computations
        # replace about as many rows, which autovacuum's statistics follow.
        session.execute(text(f"ANALYZE {ScoreSummary.__tablename__}"))
    return Freshness(refreshed=True)


def _recent(state, grace: timedelta) -> bool:
    """Whether the summary of ``state`` (a row of ``SUMMARY.state``, or None) holds rows
    computed less than ``grace`` ago."""
    if state is None or not state.computed_version or state.computed_at is None:
        return False
    return utcnow() - state.computed_at < grace


def _row(call: Call, key: int, number: int | None, result: DossierResult | None) -> dict:
    if result is None:
        return {"application_id": key, "call_id": call.id, "number": number} | UNSCORED
    return {
        "application_id": key,
        "call_id": call.id,
        "number": number,
        "reviews": result.count,
        "mean": result.mean,
        "std": result.std,
        "normalised": result.normalised,
        "raw_rank": result.raw_rank,
        "normalised_rank": result.normalised_rank,
        "flagged": result.flagged,
        "criterion_means": {str(c): mean for c, mean in result.criterion_means.items()},
    }


def _write(
    call: Call,
    dossiers: dict,
    results: dict[int, DossierResult],
    figures: JuryFigures,
    version: int,
) -> None:
    """Replace the call's summary rows (bulk): one per dossier of ``dossiers``, with its
    result if it has one; keep the jury's ``figures``; stamp ``version``."""
    db.session.execute(
        delete(ScoreSummary).where(ScoreSummary.call_id == call.id),
        execution_options={"synchronize_session": False},
    )
    numbers = {key: number for key, (number, _moment) in dossiers.items()}
    rows = [
        _row(call, key, numbers.get(key), results.get(key))
        for key in sorted(numbers.keys() | results.keys())
    ]
    insert_rows(ScoreSummary.__table__, rows, copy_from=1)  # COPY on PostgreSQL
    SUMMARY.stamp(call.id, version, figures=figures.to_json())


def result_of(row) -> DossierResult:
    """The DossierResult of a row selecting :data:`RESULT_COLUMNS`."""
    return DossierResult(
        dossier_id=row.application_id,
        count=row.reviews,
        mean=row.mean,
        std=row.std,
        normalised=row.normalised,
        criterion_means={int(key): mean for key, mean in row.criterion_means.items()},
        flagged=row.flagged,
        raw_rank=row.raw_rank,
        normalised_rank=row.normalised_rank,
    )


def summary_results(call: Call) -> dict[int, DossierResult]:
    """Dossier id -> its aggregates, for every dossier of the call with a submitted
    review, from the summary (refreshed first: the caller commits)."""
    refresh_summary(call)
    rows = db.session.execute(
        select(*RESULT_COLUMNS).where(ScoreSummary.call_id == call.id, ScoreSummary.reviews > 0)
    )
    return {row.application_id: result_of(row) for row in rows}


def summary_grace() -> timedelta | None:
    """How late a reader that may read late (the board, the dashboard) may read the
    summary: ``SUMMARY_GRACE_SECONDS``, None for never."""
    seconds = current_app.config["SUMMARY_GRACE_SECONDS"]
    return timedelta(seconds=seconds) if seconds > 0 else None


def kept_figures(call: Call) -> tuple[JuryFigures, Freshness]:
    """The figures of every submitted review of the call (app.jury.figures), from the
    summary, read as the board reads it (:func:`read_summary` with the grace: recomputed
    first, the caller commits, or shown late while a job refreshes it)."""
    freshness = read_summary(call, grace=summary_grace())
    figures = JuryFigures.from_json(
        db.session.scalar(
            select(ScoreSummaryState.figures).where(ScoreSummaryState.call_id == call.id)
        )
    )
    return figures, freshness


def figures_of(call: Call, reviews) -> JuryFigures:
    """The figures of some submitted reviews of the call (``reviews``: a select of their
    ids), computed now: meant for a few reviews."""
    _dossiers, jurors, scores = submitted_reviews(call, among=reviews)
    return JuryFigures.of_reviews(scales_of(call), jurors, scores)
