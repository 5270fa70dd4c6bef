"""The numbers of a call's dashboard, as its viewer may see them, read in a bounded
number of queries.

Every count goes through a scope of app.access.scopes, so a person in conflict with a
dossier finds nothing of it here either: :func:`application_stats` reads one row per
dossier the viewer may read (status, hour of submission and the answers the charts
count: those of the questions the call's form marks ``breakdown`` and its date of birth)
and counts them in ONE statement; :func:`jury_stats` reads the submitted reviews the viewer may
read (:func:`~app.access.scopes.visible_reviews`) pivoted per criterion (one
statement) and the jurors' names (one statement); :func:`coaching_sessions_per_month`
the dates of the coaching sessions they may read. The counting is done in Python and
NumPy; nothing grows with the number of dossiers but the rows of these statements.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from functools import cached_property

import numpy as np
from sqlalchemy import case, func, literal_column, select, union_all

from app.access.scopes import visible_applications, visible_coaching_sessions, visible_reviews
from app.applications.models import Application
from app.auth.models import User
from app.calls.models import Call
from app.charts import summarise
from app.coaching.models import CoachingSession
from app.common.clock import to_brussels
from app.extensions import db
from app.jury.models import CriterionScore, JuryAssignment, Review
from workflows.application import STATES
from workflows.jury import ReviewStatus

#: Age bands, by the lowest age of each (age on the call's closing day).
AGE_BANDS = ((0, "< 25"), (25, "25–34"), (35, "35–44"), (45, "45–54"), (55, "55+"))

#: Key of a missing answer in the counters.
UNANSWERED = ""


@dataclass
class ApplicationStats:
    #: Dossiers per lifecycle state (every state, 0 included), in lifecycle order.
    by_state: dict[str, int]
    #: First submissions per day (Brussels time).
    per_day: Counter
    #: For each breakdown (by its report's name): submitted dossiers per value.
    profile: dict[str, Counter] = field(default_factory=dict)

    @property
    def total(self) -> int:
        return sum(self.by_state.values())

    @property
    def submitted(self) -> int:
        """Dossiers submitted at least once (whatever happened to them since)."""
        return sum(self.per_day.values())


def age_band(birth_date: object, on: date) -> str:
    """The age band (a label of AGE_BANDS) of someone born on ``birth_date``, or ""."""
    try:
        born = date.fromisoformat(birth_date) if isinstance(birth_date, str) else None
    except ValueError:
        born = None
    if born is None or born > on:
        return UNANSWERED
    age = on.year - born.year - ((on.month, on.day) < (born.month, born.day))
    label = AGE_BANDS[0][1]
    for lowest, band in AGE_BANDS:
        if age >= lowest:
            label = band
    return label


def _submission_hour():
    """The UTC hour of a dossier's first submission, as text ``YYYY-MM-DD HH`` (None: a
    draft): Brussels is a whole number of hours from UTC, so the hour says the day."""
    if db.session.get_bind().dialect.name == "postgresql":
        return func.to_char(Application.submitted_at, "YYYY-MM-DD HH24")
    return func.strftime("%Y-%m-%d %H", Application.submitted_at)


def _brussels_day(utc_hour: str) -> date:
    return to_brussels(datetime.strptime(utc_hour, "%Y-%m-%d %H").replace(tzinfo=UTC)).date()


def application_stats(
    call: Call, viewer: User, answers: dict[str, str], *, birth_date: str | None = None
) -> ApplicationStats:
    """Counts by state, submissions per day and the applicants' profile of the dossiers
    ``viewer`` may read, in one query: per key of ``answers`` the values of its question,
    and under ``"age"`` the age bands of the ``birth_date`` question (if given).

    The dossiers are read once (their state, the hour of their submission and the
    answers counted: on PostgreSQL from ``jsonb``, without parsing the document again)
    and counted in SQL, one ``GROUP BY`` per figure: what comes back is a row per state,
    per hour, per answer given and per birth date, which become days and age bands here."""
    questions = (*answers.values(), *((birth_date,) if birth_date else ()))
    dossiers = (
        visible_applications(viewer, call)
        .with_only_columns(
            Application.status.label("status"),
            _submission_hour().label("hour"),
            *(
                Application.answers[name].as_string().label(f"q{k}")
                for k, name in enumerate(questions)
            ),
        )
        .cte("dossiers")
    )
    submitted = dossiers.c.hour.is_not(None)  # a draft's answers are not final yet
    figures = [
        (dossiers.c.status, None),
        (dossiers.c.hour, submitted),
        *((dossiers.c[f"q{k}"], submitted) for k in range(len(questions))),
    ]
    counts = union_all(
        *(
            select(literal_column(str(figure)), value, func.count())
            .where(*([] if where is None else [where]))
            .group_by(value)
            for figure, (value, where) in enumerate(figures)
        )
    )
    by_state = dict.fromkeys(STATES, 0)
    per_day: Counter = Counter()
    profile = {key: Counter() for key in (*answers, *(("age",) if birth_date else ()))}
    keys = list(profile)
    closing_day = to_brussels(call.closes_at).date()
    for figure, value, count in db.session.execute(counts).all():
        if figure == 0:
            by_state[value] = by_state.get(value, 0) + count
        elif figure == 1:
            per_day[_brussels_day(value)] += count
        elif keys[figure - 2] == "age" and birth_date:
            profile["age"][age_band(value, closing_day)] += count
        else:
            profile[keys[figure - 2]][value or UNANSWERED] += count
    return ApplicationStats(by_state=by_state, per_day=per_day, profile=profile)


@dataclass
class JurorSpread:
    juror_id: int
    name: str
    #: Weighted totals (0-100) of the juror's submitted reviews.
    totals: list[float]

    @cached_property
    def summary(self):
        return summarise(self.totals)


@dataclass
class JuryStats:
    #: Per criterion (in the call's order): the scores given in submitted reviews.
    per_criterion: list[tuple[object, list[int]]]
    #: Per juror (by name): the totals of their submitted reviews.
    jurors: list[JurorSpread]
    #: Every submitted review's total.
    totals: list[float]

    @property
    def reviews(self) -> int:
        return len(self.totals)

    @cached_property
    def jury(self):
        return summarise(self.totals)

    def leaning(self, spread: JurorSpread) -> str:
        """ "strict", "lenient" or "": a juror's mean more than half the jury's standard
        deviation below or above the jury's mean (and at least three reviews)."""
        jury, own = self.jury, spread.summary
        if own.count < 3 or not jury.stdev:
            return ""
        if own.mean < jury.mean - jury.stdev / 2:
            return "strict"
        if own.mean > jury.mean + jury.stdev / 2:
            return "lenient"
        return ""


def submitted_scores(call: Call, viewer: User) -> tuple[np.ndarray, np.ndarray]:
    """The submitted reviews ``viewer`` may read, one row each with its criteria's scores
    pivoted into columns in SQL: (juror ids, scores matrix)."""
    criteria = list(call.criteria)
    columns = [
        func.max(case((CriterionScore.criterion_id == c.id, CriterionScore.score)))
        for c in criteria
    ]
    rows = db.session.execute(
        visible_reviews(viewer, call)
        .join(CriterionScore, CriterionScore.review_id == Review.id)
        .where(Review.status == ReviewStatus.SUBMITTED)
        .with_only_columns(JuryAssignment.juror_id, *columns)
        .group_by(Review.id, JuryAssignment.juror_id)
    )
    table = np.array([tuple(row) for row in rows], dtype=float).reshape(-1, 1 + len(criteria))
    return table[:, 0].astype(int), table[:, 1:]


def jury_stats(call: Call, viewer: User) -> JuryStats:
    """Scores per criterion and review totals per juror, of the submitted reviews
    ``viewer`` may read (two queries)."""
    criteria = list(call.criteria)
    jurors, matrix = submitted_scores(call, viewer)
    per_criterion = []
    for k, criterion in enumerate(criteria):
        column = matrix[:, k]
        per_criterion.append((criterion, column[~np.isnan(column)].astype(int).tolist()))
    if matrix.shape[0] and criteria:
        weights = np.array([c.weight for c in criteria], dtype=float)
        lows = np.array([c.scale_min for c in criteria], dtype=float)
        spans = np.array([c.scale_max - c.scale_min for c in criteria], dtype=float)
        shares = np.nan_to_num((matrix - lows) / spans, nan=0.0)  # empty counts as the minimum
        totals = shares @ weights
    else:
        totals = np.zeros(0)
    names = (
        dict(
            db.session.execute(
                select(User.id, User.full_name).where(User.id.in_({int(j) for j in jurors}))
            ).all()
        )
        if jurors.size
        else {}
    )
    totals = np.round(totals, 3)
    by_juror: dict[int, list[float]] = {}
    for juror, total in zip(jurors.tolist(), totals.tolist(), strict=True):
        by_juror.setdefault(juror, []).append(total)
    spreads = sorted(
        (JurorSpread(j, names.get(j, str(j)), t) for j, t in by_juror.items()),
        key=lambda s: (s.name.lower(), s.juror_id),
    )
    return JuryStats(
        per_criterion=per_criterion,
        jurors=spreads,
        totals=totals.tolist(),
    )


def coaching_sessions_per_month(call: Call, viewer: User) -> list[tuple[date, int]]:
    """Coaching sessions held per month for the call's projects, those ``viewer`` may
    read: ``[(first day of the month, count)]`` in order, months without a session
    included between the first and the last. One query (the session dates; counted
    here, the same on SQLite and PostgreSQL)."""
    days = db.session.scalars(
        visible_coaching_sessions(viewer, call).with_only_columns(CoachingSession.held_on)
    ).all()
    if not days:
        return []
    counts: dict[date, int] = {}
    for day in days:
        month = day.replace(day=1)
        counts[month] = counts.get(month, 0) + 1
    first, last = min(counts), max(counts)
    months, month = [], first
    while month <= last:
        months.append((month, counts.get(month, 0)))
        month = (month + timedelta(days=32)).replace(day=1)
    return months
