"""Logging and editing sessions: validation, the 7-day lock, staff unlock, audit."""

from datetime import timedelta

import pytest
import time_machine
from sqlalchemy import func, select

from app.audit.models import AuditEvent
from app.coaching import services as coaching
from app.coaching.models import ActionItem, CoachingSession
from app.coaching.overview import today
from app.common.clock import utcnow
from app.extensions import db
from tests.coaching.conftest import session_data, session_form


def _counts():
    return tuple(
        db.session.scalar(select(func.count()).select_from(model))
        for model in (CoachingSession, ActionItem, AuditEvent)
    )


def test_a_coach_logs_a_session_with_its_action_items(client, login_as, coach, project):
    login_as(coach)
    page = client.get(f"/coaching/projects/{project.id}/sessions/new")
    assert page.status_code == 200
    assert "Financing" in page.get_data(as_text=True)  # the programme's topics
    response = client.post(f"/coaching/projects/{project.id}/sessions/new", data=session_form())
    assert response.status_code == 302
    db.session.expire_all()
    session = db.session.scalars(select(CoachingSession)).one()
    assert session.coach_id == coach.id
    assert (session.duration_minutes, session.mode, session.place) == (90, "video", "online")
    assert session.topics == ["financing", "legal"] and session.tags == ["bank", "loan"]
    items = db.session.scalars(select(ActionItem)).all()
    assert [(item.text, item.owner, item.session_id) for item in items] == [
        ("Ask two banks for an offer", "entrepreneur", session.id)
    ]
    page = client.get(f"/coaching/projects/{project.id}").get_data(as_text=True)
    assert "We reviewed the financing plan." in page
    assert "SECRET-NOTE: worried about the partner." in page  # coaches read private notes


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"held_on": "2999-01-01"}, "A session cannot be dated in the future."),
        ({"duration_minutes": "-30"}, "The duration must be a positive number of minutes."),
        ({"duration_minutes": "0"}, "The duration must be a positive number of minutes."),
        ({"mode": "telepathy"}, "Not a valid choice"),
        ({"topics": ["astrology"]}, "Choose topics from the programme&#39;s list."),
        ({"items-0-owner": "neighbour"}, "Not a valid choice"),
    ],
)
def test_bad_sessions_are_refused_with_a_message_and_nothing_written(
    client, login_as, coach, project, overrides, message
):
    login_as(coach)
    before = _counts()
    response = client.post(
        f"/coaching/projects/{project.id}/sessions/new", data=session_form(**overrides)
    )
    assert response.status_code == 200
    assert message in response.get_data(as_text=True)
    assert _counts() == before


def test_a_session_before_the_selection_is_refused(client, login_as, coach, make_project):
    project = make_project(selected_days_ago=10)
    login_as(coach)
    before = _counts()
    held = (today() - timedelta(days=30)).isoformat()
    response = client.post(
        f"/coaching/projects/{project.id}/sessions/new", data=session_form(held_on=held)
    )
    body = response.get_data(as_text=True)
    assert "cannot be dated before the project was selected" in body
    selected = today() - timedelta(days=10)  # the day in the coach's words, not ISO
    assert f"selected ({selected.day} {selected:%b} {selected.year})" in body
    assert _counts() == before


def test_the_service_refuses_bad_input_without_the_form(coach, project):
    before = _counts()
    for overrides, message in [
        ({"held_on": today() + timedelta(days=1)}, "in the future"),
        ({"duration_minutes": -5}, "positive number"),
        ({"duration_minutes": 13 * 60}, "at most 12 hours"),
        ({"place": "moon"}, "where the session"),
        ({"next_session_on": today() - timedelta(days=3)}, "comes after this one"),
        ({"items": [{"text": "x", "owner": "cat"}]}, "Say who does the action item"),
    ]:
        with pytest.raises(coaching.CoachingError, match=message):
            coaching.log_session(project, session_data(**overrides), actor=coach)
        db.session.rollback()
    assert _counts() == before


def test_a_coach_opening_another_coachs_entrepreneur_gets_404(
    client, login_as, other_coach, project
):
    login_as(other_coach)
    for url in (
        f"/coaching/projects/{project.id}",
        f"/coaching/projects/{project.id}/sessions/new",
        f"/coaching/projects/{project.id}/milestones/first_sale",
    ):
        response = client.get(url)
        assert response.status_code == 404
        assert project.applicant.full_name not in response.get_data(as_text=True)
    before = _counts()
    assert (
        client.post(
            f"/coaching/projects/{project.id}/sessions/new", data=session_form()
        ).status_code
        == 404
    )
    assert _counts() == before


def test_a_reassigned_coach_can_no_longer_log(staff, coach, other_coach, project):
    coaching.assign_coach(project, other_coach, "primary", actor=staff)
    db.session.commit()
    before = _counts()
    with pytest.raises(coaching.CoachingError, match="You do not follow this entrepreneur"):
        coaching.log_session(project, session_data(), actor=coach)
    db.session.rollback()
    assert _counts() == before


def test_the_author_edits_for_seven_days_and_every_change_is_audited(
    client, login_as, coach, project
):
    session = coaching.log_session(project, session_data(), actor=coach)
    db.session.commit()
    login_as(coach)
    form = session_form(summary="Financing plan reviewed; bank meeting set.", duration_minutes="75")
    form["version"] = str(session.version)
    response = client.post(f"/coaching/sessions/{session.id}/edit", data=form)
    assert response.status_code == 302
    db.session.expire_all()
    assert session.summary == "Financing plan reviewed; bank meeting set."
    audit = db.session.scalars(
        select(AuditEvent).where(AuditEvent.event == "coaching_session_edited")
    ).one()
    assert audit.actor_id == coach.id
    assert (audit.subject_kind, audit.subject_id) == ("coaching_session", session.id)
    assert audit.data["duration_minutes"] == [90, 75]
    # The words only say that they changed: the log never holds a summary or a note.
    assert audit.data["summary"] == audit.data["private_notes"] == "changed"
    assert "bank meeting" not in str(audit.data) and "SECRET-NOTE" not in str(audit.data)


def test_after_seven_days_the_session_is_locked_until_staff_unlock_it(
    client, login_as, staff, coach, project
):
    session = coaching.log_session(project, session_data(), actor=coach)
    db.session.commit()
    later = utcnow() + timedelta(days=7, minutes=1)
    with time_machine.travel(later, tick=False):
        login_as(coach)
        before = _counts()
        response = client.post(
            f"/coaching/sessions/{session.id}/edit",
            data=session_form(summary="Rewritten", version=str(session.version)),
        )
        assert response.status_code == 200
        assert "This session is locked" in response.get_data(as_text=True)
        assert _counts() == before
        db.session.expire_all()
        assert session.summary == "We reviewed the financing plan."
        with pytest.raises(coaching.CoachingError, match="locked"):
            coaching.edit_session(
                session, session_data(summary="x"), actor=coach, expected_version=session.version
            )
        db.session.rollback()

        client.post("/logout")
        login_as(staff)
        assert client.post(f"/coaching/sessions/{session.id}/unlock").status_code == 302
        client.post("/logout")
        login_as(coach)
        db.session.expire_all()
        edit_page = client.get(f"/coaching/sessions/{session.id}/edit").get_data(as_text=True)
        assert f'value="{session.version}"' in edit_page  # moved on with the unlock
        response = client.post(
            f"/coaching/sessions/{session.id}/edit",
            data=session_form(summary="Rewritten", version=str(session.version)),
        )
        assert response.status_code == 302
    db.session.expire_all()
    assert session.summary == "Rewritten"
    events = db.session.scalars(
        select(AuditEvent.event)
        .where(AuditEvent.subject_kind == "coaching_session", AuditEvent.subject_id == session.id)
        .order_by(AuditEvent.id)
    ).all()
    assert events == [
        "coaching_session_logged",
        "coaching_session_unlocked",
        "coaching_session_edited",
    ]


def test_only_the_author_edits_a_session(staff, coach, other_coach, project):
    coaching.assign_coach(project, other_coach, "morocco", actor=staff)
    session = coaching.log_session(project, session_data(), actor=coach)
    db.session.commit()
    with pytest.raises(coaching.CoachingError, match="Only the coach who logged"):
        coaching.edit_session(
            session, session_data(summary="x"), actor=other_coach, expected_version=1
        )
    db.session.rollback()
    assert session.summary == "We reviewed the financing plan."
