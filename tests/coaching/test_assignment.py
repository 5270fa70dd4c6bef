"""Staff assign coaches: the move to coaching, loads, history, reassignment."""

import pytest
from sqlalchemy import func, select

from app.audit.models import AuditEvent
from app.coaching import services as coaching
from app.coaching.models import CoachAssignment, CoachProfile
from app.coaching.overview import current_assignments
from app.coaching.services import CoachingError
from app.extensions import db


def test_assigning_a_coach_starts_coaching_through_the_state_machine(
    client, login_as, staff, coach, make_confirmed
):
    application = make_confirmed()
    login_as(staff)
    response = client.post(
        f"/coaching/staff/projects/{application.id}/assign",
        data={"coach_id": coach.id, "role": "primary"},
    )
    assert response.status_code == 302
    db.session.expire_all()
    assert application.status == "coaching"
    entry = db.session.scalars(
        select(AuditEvent).where(
            AuditEvent.application_id == application.id, AuditEvent.event == "start_coaching"
        )
    ).one()
    assert entry.actor_id == staff.id and entry.from_state == "confirmed"
    assert entry.data["coach"] == coach.id and entry.data["role"] == "primary"
    assert current_assignments(application)["primary"].coach_id == coach.id


def test_staff_see_each_coach_load_languages_and_location(
    client, login_as, staff, coach, other_coach, make_project, make_confirmed
):
    make_project()
    make_project()
    db.session.add(
        CoachProfile(user_id=coach.id, languages="fr,ar", location="morocco", capacity=5)
    )
    db.session.commit()
    waiting = make_confirmed()
    login_as(staff)
    page = client.get(f"/coaching/staff/calls/{waiting.call_id}").get_data(as_text=True)
    assert "Carla Coach (2 of 5 · FR, AR · Morocco)" in page
    assert "Omar Other (0 followed)" in page
    assert waiting.applicant.full_name in page  # waiting for a coach


def test_reassigning_keeps_the_history_and_the_old_coach_loses_the_project(
    client, login_as, staff, coach, other_coach, project
):
    coaching.assign_coach(project, other_coach, "primary", actor=staff)
    db.session.commit()
    rows = db.session.scalars(
        select(CoachAssignment)
        .where(CoachAssignment.application_id == project.id)
        .order_by(CoachAssignment.id)
    ).all()
    assert [(row.coach_id, row.ended_at is None) for row in rows] == [
        (coach.id, False),
        (other_coach.id, True),
    ]
    assert rows[0].ended_by_id == staff.id
    login_as(coach)
    assert client.get(f"/coaching/projects/{project.id}").status_code == 404
    assert project.applicant.full_name not in client.get("/coaching/").get_data(as_text=True)
    entry = db.session.scalars(
        select(AuditEvent).where(
            AuditEvent.application_id == project.id, AuditEvent.event == "coach_assigned"
        )
    ).one()
    assert entry.actor_id == staff.id
    assert entry.data == {"coach": other_coach.id, "role": "primary", "replaces": coach.id}


def test_a_second_coach_in_morocco_follows_the_project_too(
    client, login_as, staff, other_coach, project
):
    coaching.assign_coach(project, other_coach, "morocco", actor=staff)
    db.session.commit()
    login_as(other_coach)
    assert client.get(f"/coaching/projects/{project.id}").status_code == 200
    assert project.applicant.full_name in client.get("/coaching/").get_data(as_text=True)


@pytest.mark.parametrize(
    ("status", "role", "message"),
    [
        ("selected", "primary", "Only a confirmed project holder"),
        ("completed", "primary", "Only a confirmed project holder"),
        ("confirmed", "morocco", "Assign the main coach first."),
    ],
)
def test_assignment_refusals(staff, coach, make_confirmed, status, role, message):
    application = make_confirmed()
    application.status = status
    db.session.commit()
    with pytest.raises(CoachingError, match=message):
        coaching.assign_coach(application, coach, role, actor=staff)
    db.session.rollback()
    assert db.session.scalar(select(func.count()).select_from(CoachAssignment)) == 0


def test_only_staff_assign_and_only_coaches_are_assigned(staff, coach, make_user, make_confirmed):
    application = make_confirmed()
    with pytest.raises(CoachingError, match="Only the programme staff"):
        coaching.assign_coach(application, coach, "primary", actor=coach)
    with pytest.raises(CoachingError, match="not an active coach"):
        coaching.assign_coach(application, make_user("juror"), "primary", actor=staff)
    db.session.rollback()
    assert application.status == "confirmed"


def test_the_same_coach_twice_is_refused(staff, coach, project):
    with pytest.raises(CoachingError, match="already follows"):
        coaching.assign_coach(project, coach, "primary", actor=staff)
    with pytest.raises(CoachingError, match="other role"):
        coaching.assign_coach(project, coach, "morocco", actor=staff)


def test_staff_open_a_confirmed_project_and_assign_its_coaches_from_its_page(
    client, login_as, staff, coach, other_coach, make_confirmed
):
    application = make_confirmed()
    login_as(staff)
    page = client.get(f"/coaching/projects/{application.id}").get_data(as_text=True)
    assert "No coach assigned." in page and "Carla Coach (0 followed)" in page
    client.post(
        f"/coaching/staff/projects/{application.id}/assign",
        data={"coach_id": coach.id, "role": "primary"},
    )
    client.post(
        f"/coaching/staff/projects/{application.id}/assign",
        data={"coach_id": other_coach.id, "role": "morocco"},
    )
    page = client.get(f"/coaching/projects/{application.id}").get_data(as_text=True)
    assert "Main coach: Carla Coach" in page and "Coach in Morocco: Omar Other" in page
    response = client.post(f"/coaching/staff/projects/{application.id}/end-morocco")
    assert response.status_code == 302
    db.session.expire_all()
    assert set(current_assignments(application)) == {"primary"}
