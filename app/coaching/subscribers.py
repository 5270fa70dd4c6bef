"""What coaching does when something happens (see app.events): a coach is e-mailed,
through the outbox and in their language, when a project holder is assigned to them,
whether it starts the coaching (``start_coaching``) or not (``coach_assigned``)."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

from app.access.policy import follows_project
from app.applications.models import Application
from app.auth.models import User
from app.coaching.vocabulary import ROLE_LABELS
from app.common.urls import external_url
from app.events import Event, signal, transitioned
from app.extensions import db
from app.outbox.services import queue_email
from workflows.application import Trigger


def email_the_coach(application: Application, facts: dict) -> None:
    """Tell the coach of ``facts`` (an assignment's audit data: ``coach``, ``role``) that
    they follow ``application`` now; the entrepreneur is named only if the policy lets
    the coach read the dossier (following it, not in conflict)."""
    coach = db.session.get(User, facts["coach"]) if facts.get("coach") else None
    if coach is None or not coach.active:
        return
    named = follows_project(coach, application)
    queue_email(
        coach.email,
        _l("A new entrepreneur to coach"),
        "coach_assigned",
        locale=coach.locale,
        application_id=application.id,
        coach=coach,
        application=application if named else None,
        call=application.call,
        role=ROLE_LABELS.get(facts.get("role"), ""),
        project_url=external_url("coaching.project", project_id=application.id),
        home_url=external_url("coaching.home"),
    )


@transitioned.connect
def email_the_first_coach(application, *, trigger, entry, **_) -> None:
    """The first main coach starts the coaching."""
    if trigger == Trigger.START_COACHING:
        email_the_coach(application, entry.data or {})


@signal(Event.COACH_ASSIGNED).connect
def email_a_new_coach(assignment, *, entry, **_) -> None:
    """A coach replaces another, or joins as the coach in Morocco."""
    email_the_coach(assignment.application, entry.data or {})
