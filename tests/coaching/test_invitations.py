"""The next coaching session reaches the entrepreneur's and the coach's calendars: a
whole-day invitation (.ics) with each e-mail, under one UID that a change of the date
moves and that taking the date away cancels."""

from datetime import timedelta

from flask_babel import format_date
from icalendar import Calendar
from sqlalchemy import select

from app.coaching import services as coaching
from app.coaching.models import CoachingSession
from app.coaching.overview import today
from app.extensions import db
from tests.coaching.conftest import session_data, session_form
from tests.helpers import outbox_messages


def _invitations():
    """The messages about the next session (the coach's assignment e-mail aside)."""
    return [m for m in outbox_messages() if m.template == "coaching_next_session"]


def _calendar(message) -> Calendar:
    [attachment] = message.attachments
    assert attachment.filename == "coaching-session.ics"
    assert attachment.content_type.startswith("text/calendar")
    return Calendar.from_ical(attachment.content)


def test_a_logged_session_invites_both_to_the_next_one(client, login_as, coach, project):
    login_as(coach)
    next_day = today() + timedelta(days=14)
    response = client.post(
        f"/coaching/projects/{project.id}/sessions/new",
        data=session_form(next_session_on=next_day.isoformat()),
    )
    assert response.status_code == 302
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "logged. The entrepreneur and you were e-mailed an invitation" in page
    messages = _invitations()
    assert sorted(m.recipient for m in messages) == sorted([project.applicant.email, coach.email])
    session = db.session.scalars(select(CoachingSession)).one()
    uids = set()
    for message in messages:
        calendar = _calendar(message)
        [event] = calendar.events
        assert event.start == next_day and event.end == next_day + timedelta(days=1)
        summary = f"Coaching session: {project.reference} ({project.call.name})"
        assert str(event["SUMMARY"]) == summary
        assert str(event["STATUS"]) == "CONFIRMED"
        assert calendar.timezones[0].tz_name == "Europe/Brussels"
        uids.add(str(event["UID"]))
        assert project.applicant.full_name not in calendar.to_ical().decode()
    [uid] = uids  # one event in both calendars
    assert uid.startswith(f"coaching-next-session-{session.id}@")


def test_a_session_without_a_next_date_sends_nothing(app, coach, project):
    coaching.log_session(project, session_data(next_session_on=None), actor=coach)
    db.session.commit()
    assert _invitations() == []


def test_moving_the_date_moves_the_same_event_and_removing_it_cancels_it(
    client, login_as, coach, project
):
    first_day = today() + timedelta(days=14)
    session = coaching.log_session(project, session_data(next_session_on=first_day), actor=coach)
    db.session.commit()
    [planned] = _calendar(_invitations()[0]).events
    login_as(coach)
    moved_day = first_day + timedelta(days=3)
    for next_on in (moved_day, None):
        db.session.expire_all()
        form = session_form(next_session_on=next_on.isoformat() if next_on else "")
        form["version"] = str(db.session.get(CoachingSession, session.id).version)
        response = client.post(f"/coaching/sessions/{session.id}/edit", data=form)
        assert response.status_code == 302
    to_entrepreneur = [m for m in _invitations() if m.recipient == project.applicant.email]
    assert [m.subject for m in to_entrepreneur][1:] == [
        f"Your next coaching session is moved to {_full(moved_day)}",
        "Your next coaching session is cancelled",
    ]
    [moved] = _calendar(to_entrepreneur[1]).events
    [cancelled] = _calendar(to_entrepreneur[2]).events
    assert moved["UID"] == planned["UID"] == cancelled["UID"]
    assert planned["SEQUENCE"] < moved["SEQUENCE"] < cancelled["SEQUENCE"]
    assert moved.start == moved_day
    assert cancelled.start == moved_day and str(cancelled["STATUS"]) == "CANCELLED"


def test_an_edit_that_keeps_the_date_sends_nothing(client, login_as, coach, project):
    next_day = today() + timedelta(days=14)
    session = coaching.log_session(project, session_data(next_session_on=next_day), actor=coach)
    db.session.commit()
    login_as(coach)
    form = session_form(next_session_on=next_day.isoformat(), summary="Another summary.")
    form["version"] = str(session.version)
    assert client.post(f"/coaching/sessions/{session.id}/edit", data=form).status_code == 302
    assert len(_invitations()) == 2  # the two invitations of the logged session only


def _full(day) -> str:
    return format_date(day, "full")
