"""The reports of a call's dashboard: each one a chart and the table behind it.

:class:`Reports` reads the numbers lazily (the application part and the jury part
separately) and builds any report by name; the dashboard page, the SVG route and
the CSV/XLSX exports all go through it, so a report reads the same everywhere.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from functools import cached_property

from flask_babel import format_date, get_locale
from flask_babel import lazy_gettext as _l

from app.application_forms.versions import call_form
from app.applications.wording import STATE_LABELS
from app.auth.models import User
from app.calls.models import Call
from app.charts import Chart, bar_chart, column_chart, histogram, line_chart, spread_chart
from app.common.clock import to_brussels
from app.dashboard.stats import (
    AGE_BANDS,
    UNANSWERED,
    application_stats,
    coaching_sessions_per_month,
    jury_stats,
)
from app.i18n import number, text_direction


@dataclass(frozen=True)
class Profile:
    """One breakdown of the applicants' profile: a one-choice question of the call's form
    marked ``breakdown``, or the age bands of its date of birth."""

    #: The question counted (None: the age bands).
    question: object
    title: object
    label_header: object
    #: The filter of the staff applications list for this answer (None: no filter).
    list_filter: str | None = None


#: The report of the age bands (when the form asks a date of birth).
AGE = "age"
#: The reports of the form's breakdowns are named by their question: by-<name>.
BREAKDOWN_PREFIX = "by-"
JURY_REPORT_PREFIX = "criterion-"


def call_profiles(call: Call) -> dict[str, Profile]:
    """The breakdowns of the call's dashboard, by report name, in form order."""
    form = call_form(call)
    profiles = {}
    for question in form.breakdown_questions():
        marked = question.breakdown
        profiles[f"{BREAKDOWN_PREFIX}{question.name}"] = Profile(
            question,
            marked.title or _l("Dossiers by “%(question)s”", question=question.label),
            marked.column or question.label,
            question.name if question.filter else None,
        )
    if form.birth_date_question:
        profiles[AGE] = Profile(None, _l("Dossiers by age band"), _l("Age band"))
    return profiles


#: Width of the charts shown two by two.
HALF_WIDTH = 480


def _for_reader() -> dict:
    """A chart's direction and numbers in the reader's language ("4 679" and "59,8" in
    French, as the tables beside it)."""
    return {"rtl": text_direction(str(get_locale() or "")) == "rtl", "number_format": number}


class Reports:
    """Every report of ``call`` as ``viewer`` may see it (its numbers count only what the
    scopes let them read); ``jury_only`` for a chair (no applicant data)."""

    def __init__(self, call: Call, viewer: User, *, jury_only: bool = False) -> None:
        self.call = call
        self.viewer = viewer
        self.jury_only = jury_only

    @cached_property
    def profiles(self) -> dict[str, Profile]:
        return call_profiles(self.call)

    @cached_property
    def applications(self):
        answers = {key: p.question.name for key, p in self.profiles.items() if p.question}
        birth_date = call_form(self.call).birth_date_question if AGE in self.profiles else None
        return application_stats(self.call, self.viewer, answers, birth_date=birth_date)

    @cached_property
    def jury(self):
        return jury_stats(self.call, self.viewer)

    # Names ------------------------------------------------------------------------
    def criterion_names(self) -> list[str]:
        return [f"{JURY_REPORT_PREFIX}{c.position}" for c in self.call.criteria]

    def jury_names(self) -> list[str]:
        return [*self.criterion_names(), "jurors"]

    def names(self) -> list[str]:
        if self.jury_only:
            return self.jury_names()
        return ["funnel", "per_day", *self.profiles, "coaching", *self.jury_names()]

    def build(self, name: str) -> Chart | None:
        """The report ``name``, or None when it does not exist or is not for this viewer."""
        if name not in self.names():
            return None
        if name.startswith(JURY_REPORT_PREFIX):
            return self.criterion(int(name.removeprefix(JURY_REPORT_PREFIX)))
        if name in self.profiles:
            return self.profile(name)
        return getattr(self, name)()

    # Application reports ------------------------------------------------------------
    def funnel(self) -> Chart:
        counts = self.applications.by_state
        return bar_chart(
            [STATE_LABELS[state] for state in counts],
            list(counts.values()),
            title=_l("Dossiers in each state"),
            label_header=_l("State"),
            value_label=_l("Dossiers"),
            **_for_reader(),
        )

    def per_day(self) -> Chart:
        per_day = self.applications.per_day
        days = sorted(per_day)
        return line_chart(
            days,
            [per_day[d] for d in days],
            title=_l("Applications submitted per day"),
            label_header=_l("Day"),
            value_label=_l("Submitted"),
            cumulative=True,
            cumulative_label=_l("Running total"),
            markers=[(to_brussels(self.call.closes_at).date(), _l("Closing date"))],
            date_format=lambda d: format_date(d, "d MMM"),
            empty_text=_l("No application submitted yet."),
            **_for_reader(),
        )

    def profile_rows(self, key: str) -> list[tuple[str, object, int]]:
        """(value, label, count) of a profile report, most frequent first, "not
        answered" last."""
        question = self.profiles[key].question
        counts = self.applications.profile[key]
        if question is None:
            order = [label for _, label in AGE_BANDS]
            rows = [(band, band, counts[band]) for band in order if counts[band]]
        else:
            labels = dict(question.choices)
            rows = sorted(
                (
                    (value, labels.get(value, value), n)
                    for value, n in counts.items()
                    if value != UNANSWERED
                ),
                key=lambda row: (-row[2], str(row[1])),
            )
        if counts[UNANSWERED]:
            rows.append((UNANSWERED, _l("Not answered"), counts[UNANSWERED]))
        return rows

    def profile(self, key: str) -> Chart:
        profile = self.profiles[key]
        rows = self.profile_rows(key)
        return bar_chart(
            [label for _, label, _ in rows],
            [n for _, _, n in rows],
            title=profile.title,
            label_header=profile.label_header,
            value_label=_l("Dossiers"),
            empty_text=_l("No application submitted yet."),
            width=HALF_WIDTH,
            **_for_reader(),
        )

    def coaching(self) -> Chart:
        return coaching_chart(coaching_sessions_per_month(self.call, self.viewer), **_for_reader())

    # Jury reports --------------------------------------------------------------------
    def criterion(self, position: int) -> Chart | None:
        for criterion, scores in self.jury.per_criterion:
            if criterion.position == position:
                return histogram(
                    list(scores),
                    weights=list(scores.values()),
                    title=_l("Scores given for “%(name)s”", name=criterion.name),
                    lower=criterion.scale_min,
                    upper=criterion.scale_max,
                    label_header=_l("Score"),
                    value_label=_l("Scores given"),
                    empty_text=_l("No review submitted yet."),
                    width=HALF_WIDTH,
                    **_for_reader(),
                )
        return None

    def jurors(self) -> Chart:
        jury = self.jury
        return spread_chart(
            [spread.name for spread in jury.jurors],
            [spread.totals for spread in jury.jurors],
            title=_l("Totals given by each juror (0–100)"),
            reference=round(jury.jury.mean, 2) if jury.reviews else None,
            reference_label=_l("Jury mean"),
            lower=0,
            upper=100,
            label_header=_l("Juror"),
            empty_text=_l("No review submitted yet."),
            **_for_reader(),
        )


def coaching_chart(
    months: list[tuple[date, int]], *, rtl: bool = False, number_format=None
) -> Chart:
    """Coaching sessions per month (every month from the first to the last, 0 included)."""
    filled: list[tuple[date, int]] = []
    if months:
        counts = dict(months)
        month, last = min(counts), max(counts)
        while month <= last:
            filled.append((month, counts.get(month, 0)))
            month = date(month.year + month.month // 12, month.month % 12 + 1, 1)
    return column_chart(
        [month.strftime("%Y-%m") for month, _ in filled],
        [count for _, count in filled],
        title=_l("Coaching sessions per month"),
        label_header=_l("Month"),
        value_label=_l("Sessions"),
        empty_text=_l("No coaching session recorded yet."),
        rtl=rtl,
        number_format=number_format,
    )
