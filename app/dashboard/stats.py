"""The numbers of a call's dashboard, as its viewer may see them, read in a fixed
number of queries whatever the size of the call.

The figures of every dossier and every submitted review are kept in the database and
counted again only once what they count has changed: the application figures by
app.dashboard.kept (per call), the jury's by app.jury.figures (with the call's score
summary). What the viewer's scope hides from them (a dossier they are in conflict with:
:func:`~app.access.scopes.hidden_applications` and
:func:`~app.access.scopes.hidden_reviews`, the exact complements of the scopes the rest
of the application uses) is counted now, a few rows, and taken away: so a person in
conflict with a dossier finds nothing of it here either.
:func:`coaching_sessions_per_month` reads the dates of the coaching sessions the viewer
may read.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from functools import cached_property

from sqlalchemy import Select, func, literal_column, select, union_all

from app.access.scopes import hidden_applications, hidden_reviews, visible_coaching_sessions
from app.applications.models import Application
from app.auth.models import User
from app.calls.models import Call
from app.charts import summarise
from app.coaching.models import CoachingSession
from app.common.clock import to_brussels
from app.dashboard.kept import APPLICATION_FIGURES
from app.extensions import db
from app.jury.summary import figures_of, kept_figures
from workflows.application import STATES

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

    def without(self, hidden: ApplicationStats) -> ApplicationStats:
        """These figures less those of ``hidden`` (figures of some of the same dossiers)."""
        return ApplicationStats(
            by_state={
                state: n - hidden.by_state.get(state, 0) for state, n in self.by_state.items()
            },
            per_day=self.per_day - hidden.per_day,
            profile={
                key: counts - hidden.profile.get(key, Counter())
                for key, counts in self.profile.items()
            },
        )

    def to_json(self) -> dict:
        return {
            "by_state": self.by_state,
            "per_day": {day.isoformat(): n for day, n in sorted(self.per_day.items())},
            "profile": {key: dict(counts) for key, counts in self.profile.items()},
        }

    @classmethod
    def from_json(cls, data: dict) -> ApplicationStats:
        return cls(
            by_state=dict.fromkeys(STATES, 0) | data["by_state"],
            per_day=Counter({date.fromisoformat(d): n for d, n in data["per_day"].items()}),
            profile={key: Counter(counts) for key, counts in data["profile"].items()},
        )


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
    ``viewer`` may read: per key of ``answers`` the values of its question, and under
    ``"age"`` the age bands of the ``birth_date`` question (if given).

    The figures of every dossier of the call are kept (app.dashboard.kept: counted again
    only after a dossier changed); those of the dossiers the scope hides from ``viewer``
    (:func:`~app.access.scopes.hidden_applications`: a dossier they are in conflict
    with) are counted now and taken away. Two queries; the caller commits (the figures
    may have been counted again)."""
    closing_day = to_brussels(call.closes_at).date()
    key = {"answers": answers, "birth_date": birth_date, "closing_day": closing_day.isoformat()}
    every = select(Application).where(Application.call_id == call.id)
    kept = APPLICATION_FIGURES.read(
        call.id, key, lambda: count_dossiers(call, every, answers, birth_date).to_json()
    )
    hidden = count_dossiers(call, hidden_applications(viewer, call), answers, birth_date)
    return ApplicationStats.from_json(kept).without(hidden)


def count_dossiers(
    call: Call, dossiers: Select, answers: dict[str, str], birth_date: str | None
) -> ApplicationStats:
    """The figures of :func:`application_stats` for ``dossiers`` (a select of
    ``Application`` rows of the call), counted now in one query.

    The dossiers are read once (their state, the hour of their submission and the
    answers counted: on PostgreSQL from ``jsonb``, without parsing the document again)
    and counted in SQL, one ``GROUP BY`` per figure: what comes back is a row per state,
    per hour, per answer given and per birth date, which become days and age bands here."""
    questions = (*answers.values(), *((birth_date,) if birth_date else ()))
    dossiers = dossiers.with_only_columns(
        Application.status.label("status"),
        _submission_hour().label("hour"),
        *(Application.answers[name].as_string().label(f"q{k}") for k, name in enumerate(questions)),
    ).cte("dossiers")
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
    #: Weighted totals (0-100) of the juror's submitted reviews, ascending.
    totals: list[float]

    @cached_property
    def summary(self):
        return summarise(self.totals)


@dataclass
class JuryStats:
    #: Per criterion (in the call's order): how many times each score was given in
    #: submitted reviews.
    per_criterion: list[tuple[object, Counter]]
    #: Per juror (by name): the totals of their submitted reviews.
    jurors: list[JurorSpread]
    #: When the figures were counted, if they are late (reviews changed since, counted
    #: again in the background: app.jury.summary.read_summary); None: up to date.
    as_of: datetime | None = None

    @cached_property
    def totals(self) -> list[float]:
        """Every submitted review's total."""
        return [total for spread in self.jurors for total in spread.totals]

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


def jury_stats(call: Call, viewer: User) -> JuryStats:
    """Scores per criterion and review totals per juror, of the submitted reviews
    ``viewer`` may read: the figures kept with the call's score summary
    (app.jury.figures), less those of the reviews the scope hides from ``viewer``
    (:func:`~app.access.scopes.hidden_reviews`: a dossier they are in conflict with).
    Read as the board reads the summary: possibly a few seconds late (``as_of``) while
    jurors submit; otherwise refreshed first, and the caller commits."""
    kept, freshness = kept_figures(call)
    figures = kept.without(figures_of(call, hidden_reviews(viewer, call)))
    names = (
        dict(
            db.session.execute(
                select(User.id, User.full_name).where(User.id.in_(list(figures.totals)))
            ).all()
        )
        if figures.totals
        else {}
    )
    spreads = sorted(
        (JurorSpread(j, names.get(j, str(j)), t) for j, t in figures.totals.items()),
        key=lambda s: (s.name.lower(), s.juror_id),
    )
    return JuryStats(
        per_criterion=[(c, figures.scores.get(c.id, Counter())) for c in call.criteria],
        jurors=spreads,
        as_of=freshness.as_of,
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
