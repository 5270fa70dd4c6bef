"""The programme report: what the selection led to, for staff and partners.

Sessions and hours per project, per coach and per month; milestones reached over
time; jobs created; projects by each answer the call's form counts its dossiers by
(its ``breakdown`` questions: region and sector for MBI). Read in a fixed number of
queries (six), whatever the number of sessions; never any private note.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import joinedload

from app.access.scopes import visible_coaching_files
from app.application_forms.definition import Question
from app.application_forms.versions import call_form
from app.applications.models import Application
from app.auth.models import User
from app.calls.models import Call
from app.coaching.models import CoachAssignment, CoachingSession, MilestoneProgress
from app.coaching.overview import settings_for
from app.coaching.vocabulary import milestone_label
from app.extensions import db
from workflows.application import COACHING_STATES
from workflows.coaching import CoachRole


@dataclass(kw_only=True)
class Tally:
    """Sessions and their minutes, counted for a project, a coach or a month."""

    sessions: int = 0
    minutes: int = 0

    @property
    def hours(self) -> float:
        return round(self.minutes / 60, 1)


@dataclass
class ProjectRow(Tally):
    application: Application
    coach: str = ""
    last_session_on: date | None = None
    milestones_reached: int = 0
    jobs: int = 0


@dataclass
class CoachRow(Tally):
    name: str
    projects: set = field(default_factory=set)


@dataclass
class MonthRow(Tally):
    month: str
    milestones: int = 0


@dataclass(frozen=True)
class Breakdown:
    """The projects counted by their answer to one question: (answer's label, count)."""

    question: Question
    counts: list[tuple[str, int]]


@dataclass
class Report:
    call: Call
    projects: list[ProjectRow]
    coaches: list[CoachRow]
    months: list[MonthRow]
    milestones: list[tuple[str, str, int]]  # key, label, projects that reached it
    #: By each breakdown question of the call's form, in form order.
    breakdowns: list[Breakdown]
    outcomes: dict[str, int]

    @property
    def sessions(self) -> int:
        return sum(row.sessions for row in self.projects)

    @property
    def hours(self) -> float:
        return round(sum(row.minutes for row in self.projects) / 60, 1)

    @property
    def jobs(self) -> int:
        return sum(row.jobs for row in self.projects)

    @property
    def milestones_reached(self) -> int:
        return sum(count for _key, _label, count in self.milestones)


def _month(day: date) -> str:
    return f"{day.year:04d}-{day.month:02d}"


def build_report(call: Call, viewer: User | None) -> Report:
    """The report of ``call``'s projects in coaching or past it: those whose coaching
    file ``viewer`` may read (app.access.scopes.visible_coaching_files), or every one for
    ``viewer=None``, the command line's exports run by whoever runs the server."""
    if viewer is None:
        projects_query = select(Application).where(Application.call_id == call.id)
    else:
        projects_query = visible_coaching_files(viewer, call)
    applications = db.session.scalars(
        projects_query.where(Application.status.in_(COACHING_STATES))
        .options(joinedload(Application.applicant))
        .order_by(Application.reference)
    ).all()
    projects = {application.id: ProjectRow(application) for application in applications}
    ids = list(projects)
    names = dict(
        db.session.execute(
            select(User.id, User.full_name)
            .join(CoachAssignment, CoachAssignment.coach_id == User.id)
            .where(CoachAssignment.application_id.in_(ids))
        ).all()
    )
    for application_id, coach_id in db.session.execute(
        select(CoachAssignment.application_id, CoachAssignment.coach_id)
        .where(
            CoachAssignment.application_id.in_(ids),
            CoachAssignment.role == CoachRole.PRIMARY,
        )
        .order_by(CoachAssignment.started_at)
    ):
        projects[application_id].coach = names.get(coach_id, "")  # the latest main coach
    coaches: dict[int, CoachRow] = {}
    months: dict[str, MonthRow] = {}
    for application_id, coach_id, held_on, minutes in db.session.execute(
        select(
            CoachingSession.application_id,
            CoachingSession.coach_id,
            CoachingSession.held_on,
            CoachingSession.duration_minutes,
        ).where(CoachingSession.application_id.in_(ids))
    ):
        project = projects[application_id]
        project.sessions += 1
        project.minutes += minutes
        if project.last_session_on is None or held_on > project.last_session_on:
            project.last_session_on = held_on
        coach = coaches.setdefault(coach_id, CoachRow(names.get(coach_id, "?")))
        coach.sessions += 1
        coach.minutes += minutes
        coach.projects.add(application_id)
        month = months.setdefault(_month(held_on), MonthRow(_month(held_on)))
        month.sessions += 1
        month.minutes += minutes
    reached: Counter = Counter()
    for progress in db.session.scalars(
        select(MilestoneProgress).where(
            MilestoneProgress.application_id.in_(ids), MilestoneProgress.reached_on.is_not(None)
        )
    ):
        project = projects[progress.application_id]
        project.milestones_reached += 1
        reached[progress.key] += 1
        month = months.setdefault(
            _month(progress.reached_on), MonthRow(_month(progress.reached_on))
        )
        month.milestones += 1
        if progress.key == "jobs_created":
            project.jobs += int((progress.facts or {}).get("jobs") or 0)
    settings = settings_for(call)
    milestones = [
        (entry["key"], milestone_label(entry), reached.get(entry["key"], 0))
        for entry in settings.milestones
    ]
    breakdowns = [
        Breakdown(question, _counted(question, applications))
        for question in call_form(call).breakdown_questions()
    ]
    outcomes = Counter(a.status for a in applications)
    return Report(
        call=call,
        projects=list(projects.values()),
        coaches=sorted(coaches.values(), key=lambda row: row.name),
        months=[months[key] for key in sorted(months)],
        milestones=milestones,
        breakdowns=breakdowns,
        outcomes={state: outcomes.get(state, 0) for state in COACHING_STATES},
    )


def _counted(question: Question, applications) -> list[tuple[str, int]]:
    """The projects per answer to ``question``, named as the applicant chose it, most
    first ("—": not answered)."""
    labels = {value: str(label) for value, label in question.choices}
    counts = Counter(
        labels.get(a.answers.get(question.name), a.answers.get(question.name)) or "—"
        for a in applications
    )
    return sorted(counts.items(), key=lambda pair: (-pair[1], str(pair[0])))


def cumulative(values: list[int]) -> list[int]:
    total, out = 0, []
    for value in values:
        total += value
        out.append(total)
    return out


def tables(report: Report) -> dict[str, tuple[list[str], list[list]]]:
    """The report's tables as (header, rows), for the CSV and XLSX downloads."""
    by_month = defaultdict(int)
    for row in report.months:
        by_month[row.month] += row.milestones
    return {
        "projects": (
            [
                "reference",
                "project",
                "entrepreneur",
                "status",
                "coach",
                "sessions",
                "hours",
                "last_session",
                "milestones_reached",
                "jobs_created",
                *(breakdown.question.name for breakdown in report.breakdowns),
            ],
            [
                [
                    row.application.reference,
                    row.application.title,
                    row.application.applicant.full_name,
                    row.application.status,
                    row.coach,
                    row.sessions,
                    row.hours,
                    row.last_session_on,
                    row.milestones_reached,
                    row.jobs,
                    *(
                        row.application.answers.get(breakdown.question.name) or ""
                        for breakdown in report.breakdowns
                    ),
                ]
                for row in report.projects
            ],
        ),
        "coaches": (
            ["coach", "projects", "sessions", "hours"],
            [[row.name, len(row.projects), row.sessions, row.hours] for row in report.coaches],
        ),
        "months": (
            ["month", "sessions", "hours", "milestones_reached"],
            [[row.month, row.sessions, row.hours, row.milestones] for row in report.months],
        ),
        "milestones": (
            ["milestone", "label", "projects_reached"],
            [[key, label, count] for key, label, count in report.milestones],
        ),
    }
