"""Coaching fixtures: a call selected months ago, coaches, and projects in coaching.

Service messages (outside any request) are read in English.
"""

from datetime import timedelta

import pytest
from flask_babel import force_locale

from app.auth.models import Role
from app.coaching import services as coaching
from app.coaching.overview import today
from app.common.clock import utcnow
from app.extensions import db
from tests.helpers import transition_row


@pytest.fixture(autouse=True)
def _english(app):
    with force_locale("en"):
        yield


@pytest.fixture
def staff(make_user):
    return make_user(Role.STAFF, full_name="Sofia Staff")


@pytest.fixture
def coach(make_user):
    return make_user(Role.COACH, full_name="Carla Coach")


@pytest.fixture
def other_coach(make_user):
    return make_user(Role.COACH, full_name="Omar Other")


@pytest.fixture
def past_call(make_call):
    """A call that closed months ago."""
    return make_call(opens_in=-300, closes_in=-200)


@pytest.fixture
def make_confirmed(make_application, past_call):
    """make_confirmed(selected_days_ago=90) -> a confirmed application selected then."""

    def make(*, selected_days_ago: int = 90, call=None, applicant=None):
        application = make_application("confirmed", call=call or past_call, applicant=applicant)
        db.session.add(
            transition_row(
                application_id=application.id,
                from_state="scored",
                to_state="selected",
                trigger="select",
                created_at=utcnow() - timedelta(days=selected_days_ago),
            )
        )
        db.session.commit()
        return application

    return make


@pytest.fixture
def make_project(make_confirmed, staff, coach):
    """make_project(coach=coach) -> an application in coaching followed by ``coach``."""

    def make(*, by=None, **kwargs):
        application = make_confirmed(**kwargs)
        coaching.assign_coach(application, by or coach, "primary", actor=staff)
        db.session.commit()
        return application

    return make


@pytest.fixture
def project(make_project):
    return make_project()


def session_data(**overrides) -> dict:
    """What a coach fills in for a session held yesterday."""
    data = {
        "held_on": today() - timedelta(days=1),
        "duration_minutes": 90,
        "mode": "in_person",
        "place": "belgium",
        "topics": ["financing"],
        "tags": ["Bank ", "bank", "loan"],
        "summary": "We reviewed the financing plan.",
        "private_notes": "SECRET-NOTE: seems tired, check on motivation.",
        "next_session_on": today() + timedelta(days=14),
        "items": [
            {"text": "Ask two banks for an offer", "owner": "entrepreneur", "due_on": None},
            {"text": "Introduce to the CGEM contact", "owner": "coach", "due_on": None},
        ],
    }
    data.update(overrides)
    return data


def session_form(**overrides) -> dict:
    """What a browser posts to log a session."""
    form = {
        "held_on": (today() - timedelta(days=1)).isoformat(),
        "duration_minutes": "90",
        "mode": "video",
        "place": "online",
        "topics": ["financing", "legal"],
        "tags": "bank, loan",
        "summary": "We reviewed the financing plan.",
        "private_notes": "SECRET-NOTE: worried about the partner.",
        "next_session_on": (today() + timedelta(days=14)).isoformat(),
        "items-0-text": "Ask two banks for an offer",
        "items-0-owner": "entrepreneur",
        "items-0-due_on": (today() + timedelta(days=7)).isoformat(),
        "items-1-text": "",
        "items-1-owner": "coach",
        "items-1-due_on": "",
        "items-2-text": "",
        "items-2-owner": "coach",
        "items-2-due_on": "",
    }
    form.update(overrides)
    return form
