"""Read-only views of coaching: the programme's day and settings, who follows whom, and
the lines of many projects at once (a coach's entrepreneurs, the staff page, stalled
follow-up) in a fixed number of queries, whatever the number of sessions. Lists go
through the scopes of app.access.scopes."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import and_, case, func, select
from sqlalchemy.orm import joinedload

from app.access.scopes import followed_projects, visible_coaching_files, visible_coaching_sessions
from app.applications.models import Application
from app.auth.models import Role, RoleGrant, User
from app.calls.models import Call
from app.coaching.models import (
    ActionItem,
    CoachAssignment,
    CoachingSession,
    CoachingSettings,
    CoachProfile,
    MilestoneProgress,
)
from app.coaching.vocabulary import DEFAULT_MILESTONES, DEFAULT_TOPICS
from app.common.clock import BRUSSELS, utcnow
from app.extensions import db
from workflows.application import COACHING_STATES, ApplicationStatus
from workflows.coaching import CoachRole

#: Days without a session after which a project is stalled, until staff say otherwise.
STALL_DAYS = 21


def today() -> date:
    """Today in Brussels, where the programme runs."""
    return utcnow().astimezone(BRUSSELS).date()


def _standard_settings(call_id: int) -> CoachingSettings:
    return CoachingSettings(
        call_id=call_id,
        topics=list(DEFAULT_TOPICS),
        milestones=list(DEFAULT_MILESTONES),
        stall_days=STALL_DAYS,
    )


def settings_for(call: Call) -> CoachingSettings:
    """The call's coaching settings; the standard ones (not stored) until staff save theirs."""
    return db.session.get(CoachingSettings, call.id) or _standard_settings(call.id)


def current_assignments(application: Application) -> dict[str, CoachAssignment]:
    """The coaches following ``application`` now, by role."""
    rows = db.session.scalars(
        select(CoachAssignment).where(
            CoachAssignment.application_id == application.id,
            CoachAssignment.ended_at.is_(None),
        )
    ).all()
    return {row.role: row for row in rows}


#: The columns of a session the entrepreneur reads: never its private notes.
SHARED_COLUMNS = (
    CoachingSession.id,
    CoachingSession.held_on,
    CoachingSession.duration_minutes,
    CoachingSession.mode,
    CoachingSession.place,
    CoachingSession.topics,
    CoachingSession.summary,
    CoachingSession.next_session_on,
)


def shared_sessions(viewer: User, application: Application):
    """The project's sessions ``viewer`` may read (app.access.scopes), as rows of their
    shared columns only: the private notes never leave the database."""
    return (
        visible_coaching_sessions(viewer, application.call)
        .with_only_columns(*SHARED_COLUMNS)
        .where(CoachingSession.application_id == application.id)
    )


def coach_roles_of(application: Application) -> dict[int, CoachRole]:
    """Every coach who followed ``application``, with their latest role on it: how the
    entrepreneur is told who wrote or ticked something."""
    rows = db.session.execute(
        select(CoachAssignment.coach_id, CoachAssignment.role)
        .where(CoachAssignment.application_id == application.id)
        .order_by(CoachAssignment.started_at, CoachAssignment.id)
    ).all()
    return {coach_id: CoachRole(role) for coach_id, role in rows}


def coaches_with_load() -> list[tuple[User, CoachProfile | None, int]]:
    """Every active coach, their profile and how many projects they follow now (one query)."""
    load = (
        select(CoachAssignment.coach_id, func.count().label("load"))
        .join(Application, Application.id == CoachAssignment.application_id)
        .where(
            CoachAssignment.ended_at.is_(None),
            Application.status == ApplicationStatus.COACHING,
        )
        .group_by(CoachAssignment.coach_id)
        .subquery()
    )
    rows = db.session.execute(
        select(User, CoachProfile, func.coalesce(load.c.load, 0))
        .join(RoleGrant, RoleGrant.user_id == User.id)
        .outerjoin(CoachProfile, CoachProfile.user_id == User.id)
        .outerjoin(load, load.c.coach_id == User.id)
        .where(RoleGrant.role == str(Role.COACH), User.active.is_(True))
        .order_by(User.full_name)
    ).all()
    return [(user, profile, count) for user, profile, count in rows]


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
    stall_days: int = STALL_DAYS

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
        return self.application.status == ApplicationStatus.COACHING and (
            self.no_recent_session or self.overdue_items > 0
        )


def project_lines(applications: list[Application]) -> list[ProjectLine]:
    """The lines of ``applications`` (their call loaded), in six queries."""
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
    return {call.id: stored.get(call.id) or _standard_settings(call.id) for call in calls}


def _listed(query) -> list[Application]:
    return db.session.scalars(
        query.options(joinedload(Application.applicant), joinedload(Application.call)).order_by(
            Application.reference
        )
    ).all()


def coach_projects(coach: User) -> list[ProjectLine]:
    """The projects ``coach`` follows now, the most neglected first."""
    lines = project_lines(_listed(followed_projects(coach)))
    return sorted(lines, key=lambda line: (not line.stalled, line.last_session_on or date.min))


def call_projects(call: Call, viewer: User) -> list[ProjectLine]:
    """The call's projects in (or past) coaching whose file ``viewer`` may read."""
    return project_lines(
        _listed(visible_coaching_files(viewer, call).where(Application.status.in_(COACHING_STATES)))
    )


def waiting_for_a_coach(call: Call, viewer: User) -> list[Application]:
    """The call's confirmed project holders, whose coaching starts with their first coach."""
    return _listed(
        visible_coaching_files(viewer, call).where(
            Application.status == ApplicationStatus.CONFIRMED
        )
    )


def stalled_lines(lines: list[ProjectLine]) -> list[ProjectLine]:
    return [line for line in lines if line.stalled]
