"""Read-only views of many projects at once: a coach's entrepreneurs, the staff page,
stalled follow-up. A fixed number of queries, whatever the number of sessions."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import and_, case, func, select
from sqlalchemy.orm import joinedload

from app.applications.models import Application
from app.auth.models import User
from app.calls.models import Call
from app.coaching.models import (
    ActionItem,
    CoachAssignment,
    CoachingSession,
    CoachingSettings,
    MilestoneProgress,
)
from app.coaching.services import today
from app.common.clock import BRUSSELS
from app.extensions import db


@dataclass
class ProjectLine:
    """One project as the lists show it."""

    application: Application
    coaches: dict = field(default_factory=dict)  # role -> User
    started_on: date | None = None
    last_session_on: date | None = None
    next_session_on: date | None = None
    sessions: int = 0
    open_items: int = 0
    overdue_items: int = 0
    milestones_reached: int = 0
    milestones_total: int = 0
    stall_days: int = 21

    @property
    def days_without_session(self) -> int | None:
        reference = self.last_session_on or self.started_on
        return None if reference is None else (today() - reference).days

    @property
    def no_recent_session(self) -> bool:
        days = self.days_without_session
        return days is not None and days > self.stall_days

    @property
    def stalled(self) -> bool:
        return self.application.status == "coaching" and (
            self.no_recent_session or self.overdue_items > 0
        )


def project_lines(applications: list[Application]) -> list[ProjectLine]:
    """The lines of ``applications`` (their call loaded), in five queries."""
    if not applications:
        return []
    ids = [application.id for application in applications]
    lines = {application.id: ProjectLine(application) for application in applications}
    now = today()
    for application_id, last, count in db.session.execute(
        select(
            CoachingSession.application_id,
            func.max(CoachingSession.held_on),
            func.count(),
        )
        .where(CoachingSession.application_id.in_(ids))
        .group_by(CoachingSession.application_id)
    ):
        lines[application_id].last_session_on = last
        lines[application_id].sessions = count
    for application_id, upcoming in db.session.execute(
        select(CoachingSession.application_id, func.min(CoachingSession.next_session_on))
        .where(
            CoachingSession.application_id.in_(ids),
            CoachingSession.next_session_on >= now,
        )
        .group_by(CoachingSession.application_id)
    ):
        lines[application_id].next_session_on = upcoming
    overdue = and_(ActionItem.due_on.is_not(None), ActionItem.due_on < now)
    for application_id, open_count, overdue_count in db.session.execute(
        select(
            ActionItem.application_id,
            func.count(),
            func.sum(case((overdue, 1), else_=0)),
        )
        .where(ActionItem.application_id.in_(ids), ActionItem.done_at.is_(None))
        .group_by(ActionItem.application_id)
    ):
        lines[application_id].open_items = open_count
        lines[application_id].overdue_items = int(overdue_count or 0)
    for application_id, reached in db.session.execute(
        select(MilestoneProgress.application_id, func.count())
        .where(
            MilestoneProgress.application_id.in_(ids),
            MilestoneProgress.reached_on.is_not(None),
        )
        .group_by(MilestoneProgress.application_id)
    ):
        lines[application_id].milestones_reached = reached
    for assignment in db.session.scalars(
        select(CoachAssignment)
        .where(CoachAssignment.application_id.in_(ids))
        .options(joinedload(CoachAssignment.coach))
        .order_by(CoachAssignment.started_at)
    ):
        line = lines[assignment.application_id]
        started = assignment.started_at.astimezone(BRUSSELS).date()
        if line.started_on is None or started < line.started_on:
            line.started_on = started
        if assignment.ended_at is None:
            line.coaches[assignment.role] = assignment.coach
    settings = _settings_by_call({application.call for application in applications})
    for line in lines.values():
        call_settings = settings[line.application.call_id]
        line.milestones_total = len(call_settings.milestones)
        line.stall_days = call_settings.stall_days
    return [lines[application_id] for application_id in ids]


def _settings_by_call(calls: set[Call]) -> dict[int, CoachingSettings]:
    stored = {
        settings.call_id: settings
        for settings in db.session.scalars(
            select(CoachingSettings).where(CoachingSettings.call_id.in_([c.id for c in calls]))
        )
    }
    return {call.id: stored.get(call.id) or _default(call) for call in calls}


def _default(call: Call) -> CoachingSettings:
    from app.coaching.vocabulary import DEFAULT_MILESTONES, DEFAULT_TOPICS

    return CoachingSettings(
        call_id=call.id,
        topics=list(DEFAULT_TOPICS),
        milestones=list(DEFAULT_MILESTONES),
        stall_days=21,
    )


def coach_projects(coach: User) -> list[ProjectLine]:
    """The projects ``coach`` follows now, the most neglected first."""
    applications = db.session.scalars(
        select(Application)
        .join(CoachAssignment, CoachAssignment.application_id == Application.id)
        .where(
            CoachAssignment.coach_id == coach.id,
            CoachAssignment.ended_at.is_(None),
            Application.status == "coaching",
        )
        .options(joinedload(Application.applicant), joinedload(Application.call))
        .order_by(Application.reference)
    ).all()
    lines = project_lines(list(dict.fromkeys(applications)))
    return sorted(lines, key=lambda line: (not line.stalled, line.last_session_on or date.min))


def call_projects(call: Call, states=("coaching", "completed", "dropped_out")) -> list[ProjectLine]:
    """The call's projects in (or past) coaching."""
    applications = db.session.scalars(
        select(Application)
        .where(Application.call_id == call.id, Application.status.in_(states))
        .options(joinedload(Application.applicant), joinedload(Application.call))
        .order_by(Application.reference)
    ).all()
    return project_lines(applications)


def stalled_lines(lines: list[ProjectLine]) -> list[ProjectLine]:
    return [line for line in lines if line.stalled]


def stalled_by_coach() -> dict[User, list[ProjectLine]]:
    """Every stalled project in coaching, grouped by each coach following it."""
    applications = db.session.scalars(
        select(Application)
        .where(Application.status == "coaching")
        .options(joinedload(Application.applicant), joinedload(Application.call))
        .order_by(Application.reference)
    ).all()
    grouped: dict[User, list[ProjectLine]] = {}
    for line in stalled_lines(project_lines(applications)):
        for coach in line.coaches.values():
            grouped.setdefault(coach, []).append(line)
    return grouped
