"""Exports of coaching (``flask --app wsgi export <name> --call REF``).

Shared summaries only: a private note never leaves the coaches' and staff pages. They
list every project of the call: whoever runs the command runs the server (no scope to
apply, as for the report's ``viewer=None``).
"""

from sqlalchemy import select
from sqlalchemy.orm import joinedload

from app.applications.models import Application
from app.calls.models import Call
from app.coaching.models import CoachingSession
from app.coaching.report import build_report, tables
from app.extensions import db


def coaching_sessions(call: Call):
    """Every coaching session of the call: project, coach, date, duration, mode, place, topics,
    shared summary (never the private notes)."""
    header = [
        "reference",
        "coach",
        "held_on",
        "duration_minutes",
        "mode",
        "place",
        "topics",
        "tags",
        "summary",
        "next_session_on",
    ]
    rows = (
        [
            session.application.reference,
            session.coach.full_name,
            session.held_on,
            session.duration_minutes,
            session.mode,
            session.place,
            " ".join(session.topics or []),
            " ".join(session.tags or []),
            session.summary,
            session.next_session_on,
        ]
        for session in db.session.scalars(
            select(CoachingSession)
            .join(Application, Application.id == CoachingSession.application_id)
            .where(Application.call_id == call.id)
            .options(joinedload(CoachingSession.application), joinedload(CoachingSession.coach))
            .order_by(Application.reference, CoachingSession.held_on, CoachingSession.id)
        )
    )
    return header, rows


def coaching_projects(call: Call):
    """Each project in coaching: coach, sessions, hours, milestones reached, jobs created."""
    return tables(build_report(call, viewer=None))["projects"]


def coaching_months(call: Call):
    """Sessions, hours and milestones reached per month."""
    return tables(build_report(call, viewer=None))["months"]


EXPORTS = {
    "coaching_sessions": coaching_sessions,
    "coaching_projects": coaching_projects,
    "coaching_months": coaching_months,
}
