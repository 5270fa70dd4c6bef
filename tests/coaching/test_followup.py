"""Stalled follow-up with a frozen clock: the staff panel and the weekly digest."""

from datetime import datetime, timedelta

import pytest
import time_machine

from app.coaching import services as coaching
from app.coaching.followup import send_digests
from app.coaching.models import ActionItem
from app.coaching.overview import coach_projects
from app.common.clock import BRUSSELS
from app.extensions import db
from app.jury.models import ConflictOfInterest
from tests.coaching.conftest import session_data
from tests.helpers import outbox_messages

NOW = datetime(2026, 6, 15, 9, 0, tzinfo=BRUSSELS)


@pytest.fixture
def frozen():
    with time_machine.travel(NOW, tick=False):
        yield


def _log(project, coach, days_ago, **extra):
    coaching.log_session(
        project,
        session_data(
            held_on=NOW.date() - timedelta(days=days_ago), next_session_on=None, items=[], **extra
        ),
        actor=coach,
    )
    db.session.commit()


def test_no_session_for_more_than_21_days_is_stalled(
    frozen, client, login_as, staff, coach, make_project
):
    quiet = make_project(selected_days_ago=120)
    busy = make_project(selected_days_ago=120)
    _log(quiet, coach, 22)
    _log(busy, coach, 21)
    login_as(staff)
    page = client.get(f"/coaching/staff/calls/{quiet.call_id}").get_data(as_text=True)
    panel = page.split('id="stalled"')[1].split("</section>")[0]
    assert quiet.applicant.full_name in panel
    assert busy.applicant.full_name not in panel
    client.post("/logout")
    login_as(coach)
    home = client.get("/coaching/").get_data(as_text=True)
    assert home.index(quiet.applicant.full_name) < home.index(busy.applicant.full_name)


def test_an_overdue_action_item_stalls_a_project_with_recent_sessions(
    frozen, client, login_as, staff, coach, make_project
):
    project = make_project(selected_days_ago=120)
    _log(project, coach, 2)
    db.session.add(
        ActionItem(
            application_id=project.id,
            text="Send the bank statements",
            owner="entrepreneur",
            due_on=NOW.date() - timedelta(days=1),
            created_by_id=coach.id,
        )
    )
    db.session.commit()
    login_as(staff)
    page = client.get(f"/coaching/staff/calls/{project.call_id}").get_data(as_text=True)
    assert project.applicant.full_name in page.split('id="stalled"')[1].split("</section>")[0]


def test_a_project_without_any_session_stalls_counted_from_the_assignment(
    staff, coach, make_project
):
    with time_machine.travel(NOW - timedelta(days=30), tick=False):
        make_project(selected_days_ago=40)
    with time_machine.travel(NOW, tick=False):
        (line,) = coach_projects(coach)
        assert line.stalled and line.days_without_session == 30


def test_the_threshold_is_configurable_per_call(frozen, staff, coach, make_project):
    project = make_project(selected_days_ago=120)
    _log(project, coach, 10)
    assert not coach_projects(coach)[0].stalled
    coaching.save_settings(
        project.call, {"stall_days": 7, "milestones": ["first_sale"], "topics": []}, actor=staff
    )
    db.session.commit()
    assert coach_projects(coach)[0].stalled


def test_the_weekly_digest_goes_to_each_coach_of_a_stalled_project(
    frozen, runner, staff, coach, other_coach, make_project
):
    stalled = make_project(selected_days_ago=120)
    fine = make_project(selected_days_ago=120, by=other_coach)
    _log(stalled, coach, 30)
    _log(fine, other_coach, 3)
    result = runner.invoke(args=["coaching", "digest"])
    assert result.exit_code == 0, result.output
    assert "1 digest(s) queued." in result.output
    (message,) = outbox_messages("coaching_digest")  # coaches are also told of assignments
    assert message.recipient == coach.email
    assert stalled.reference in message.body_text
    assert "No session for 30 days" in message.body_text
    last = NOW.date() - timedelta(days=30)  # written in the coach's language, not ISO
    assert f"(last on {last.day} {last:%b} {last.year})." in message.body_text
    assert f"/coaching/projects/{stalled.id}" in message.body_text
    assert fine.reference not in message.body_text


def test_the_periodic_task_sends_the_digest(frozen, coach, make_project):
    from app.coaching.tasks import coaching_digest_task

    project = make_project(selected_days_ago=120)
    _log(project, coach, 25)
    coaching_digest_task.call_local()
    assert len(outbox_messages("coaching_digest")) == 1


def test_the_digest_lists_only_what_the_coach_may_see(frozen, coach, make_project):
    """A project the coach still follows but is in conflict with (recorded by staff) stays
    out of their digest, as it is out of their pages."""
    seen = make_project(selected_days_ago=120)
    conflicted = make_project(selected_days_ago=120)
    _log(seen, coach, 30)
    _log(conflicted, coach, 30)
    db.session.add(
        ConflictOfInterest(application_id=conflicted.id, juror_id=coach.id, kind="family")
    )
    db.session.commit()
    assert send_digests() == 1
    (message,) = outbox_messages("coaching_digest")  # coaches are also told of assignments
    assert seen.reference in message.body_text
    assert conflicted.reference not in message.body_text
    assert conflicted.applicant.full_name not in message.body_text
