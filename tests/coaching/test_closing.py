"""Coaching ends completed (closing report) or dropped out (reason), through the machine."""

import pytest
from sqlalchemy import select

from app.audit.models import AuditEvent
from app.coaching import services as coaching
from app.coaching.models import CoachingClosure
from app.extensions import db


def test_the_coach_completes_coaching_with_a_closing_report(client, login_as, coach, project):
    login_as(coach)
    response = client.post(
        f"/coaching/projects/{project.id}/close",
        data={"outcome": "completed", "text": "Company running, 4 jobs, first export done."},
    )
    assert response.status_code == 302
    db.session.expire_all()
    assert project.status == "completed"
    closure = db.session.scalars(select(CoachingClosure)).one()
    assert (closure.outcome, closure.closed_by_id) == ("completed", coach.id)
    entry = db.session.scalars(
        select(AuditEvent).where(AuditEvent.event == "complete_coaching")
    ).one()
    assert entry.actor_id == coach.id
    # The coach still reads the closed file, but can no longer log in it.
    assert client.get(f"/coaching/projects/{project.id}").status_code == 200
    assert client.get(f"/coaching/projects/{project.id}/sessions/new").status_code == 404


def test_dropping_out_needs_a_reason(client, login_as, staff, project):
    login_as(staff)
    response = client.post(
        f"/coaching/projects/{project.id}/close",
        data={"outcome": "dropped_out", "text": ""},
        follow_redirects=True,
    )
    assert "Write the closing report or the reason." in response.get_data(as_text=True)
    db.session.expire_all()
    assert project.status == "coaching"
    coaching.close_coaching(
        project, "dropped_out", "Moved back to Belgium for family reasons.", actor=staff
    )
    db.session.commit()
    assert project.status == "dropped_out"


def test_another_coach_cannot_end_coaching(other_coach, project):
    with pytest.raises(coaching.CoachingError, match="You do not follow"):
        coaching.close_coaching(project, "completed", "Done.", actor=other_coach)
    db.session.rollback()
    assert project.status == "coaching"
    assert db.session.scalars(select(CoachingClosure)).all() == []
