"""Every write of coaching announces one event in the one audit log, with its actor, and
the call's audit viewer shows it (staff, /dashboard/calls/<id>/audit)."""

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
from tests.coaching.conftest import session_data


@pytest.fixture
def world(staff, coach, other_coach, make_confirmed, project):
    """A project in coaching with a session and its two action items, and a confirmed
    project holder still waiting for a coach."""
    session = coaching.log_session(project, session_data(), actor=coach)
    db.session.commit()
    mine, coachs = sorted(session.items, key=lambda item: item.id)
    return {
        "staff": staff,
        "coach": coach,
        "other_coach": other_coach,
        "project": project,
        "entrepreneur": project.applicant,
        "confirmed": make_confirmed(),
        "session": session,
        "mine": mine,
        "coachs": coachs,
    }


def _unlock_a_locked_session(w):
    with time_machine.travel(utcnow() + timedelta(days=8), tick=False):
        coaching.unlock_session(w["session"], actor=w["staff"])


def _reopen(w):
    coaching.set_item_done(w["coachs"], True, actor=w["coach"])
    db.session.commit()
    return lambda: coaching.set_item_done(w["coachs"], False, actor=w["coach"])


def _end_morocco(w):
    coaching.assign_coach(w["project"], w["other_coach"], "morocco", actor=w["staff"])
    db.session.commit()
    return lambda: coaching.end_morocco_coach(w["project"], actor=w["staff"])


settings = {"stall_days": 30, "milestones": ["first_sale"], "topics": ["financing"]}
profile = {"languages": ["fr", "ar"], "location": "morocco", "capacity": 5}

#: service -> (who does it, the event, how to prepare and call it).
CASES = {
    "save_settings": (
        "staff",
        "coaching_settings_saved",
        lambda w: lambda: coaching.save_settings(w["project"].call, settings, actor=w["staff"]),
    ),
    "save_profile": (
        "staff",
        "coach_profile_saved",
        lambda w: lambda: coaching.save_profile(w["coach"], profile, actor=w["staff"]),
    ),
    "assign_coach (the first: coaching starts)": (
        "staff",
        "start_coaching",
        lambda w: (
            lambda: coaching.assign_coach(w["confirmed"], w["coach"], "primary", actor=w["staff"])
        ),
    ),
    "assign_coach (in Morocco)": (
        "staff",
        "coach_assigned",
        lambda w: (
            lambda: coaching.assign_coach(
                w["project"], w["other_coach"], "morocco", actor=w["staff"]
            )
        ),
    ),
    "assign_coach (a replacement)": (
        "staff",
        "coach_assigned",
        lambda w: (
            lambda: coaching.assign_coach(
                w["project"], w["other_coach"], "primary", actor=w["staff"]
            )
        ),
    ),
    "end_morocco_coach": ("staff", "coach_ended", _end_morocco),
    "log_session": (
        "coach",
        "coaching_session_logged",
        lambda w: lambda: coaching.log_session(w["project"], session_data(), actor=w["coach"]),
    ),
    "edit_session": (
        "coach",
        "coaching_session_edited",
        lambda w: (
            lambda: coaching.edit_session(
                w["session"],
                session_data(duration_minutes=45),
                actor=w["coach"],
                expected_version=w["session"].version,
            )
        ),
    ),
    "unlock_session": (
        "staff",
        "coaching_session_unlocked",
        lambda w: lambda: _unlock_a_locked_session(w),
    ),
    "add_item": (
        "coach",
        "action_item_added",
        lambda w: (
            lambda: coaching.add_item(
                w["project"], {"text": "Call the notary", "owner": "entrepreneur"}, actor=w["coach"]
            )
        ),
    ),
    "set_item_done": (
        "entrepreneur",
        "action_item_done",
        lambda w: lambda: coaching.set_item_done(w["mine"], True, actor=w["entrepreneur"]),
    ),
    "set_item_done (open again)": ("coach", "action_item_reopened", _reopen),
    "comment_item": (
        "entrepreneur",
        "action_item_commented",
        lambda w: lambda: coaching.comment_item(w["mine"], "Done.", actor=w["entrepreneur"]),
    ),
    "save_milestone": (
        "coach",
        "milestone_saved",
        lambda w: (
            lambda: coaching.save_milestone(
                w["project"], "first_sale", {"reached_on": today()}, actor=w["coach"]
            )
        ),
    ),
    "close_coaching (completed)": (
        "coach",
        "complete_coaching",
        lambda w: (
            lambda: coaching.close_coaching(
                w["project"], "completed", "Four jobs.", actor=w["coach"]
            )
        ),
    ),
    "close_coaching (dropped out)": (
        "staff",
        "drop_out",
        lambda w: (
            lambda: coaching.close_coaching(
                w["project"], "dropped_out", "Back in Belgium.", actor=w["staff"]
            )
        ),
    ),
}


@pytest.mark.parametrize("case", list(CASES))
def test_each_write_announces_one_event_that_the_audit_viewer_shows(client, login_as, world, case):
    who, event, prepare = CASES[case]
    actor = world[who]
    run = prepare(world)
    last = db.session.scalar(select(func.max(AuditEvent.id)))
    run()
    db.session.commit()
    rows = db.session.scalars(select(AuditEvent).where(AuditEvent.id > last)).all()
    assert [(row.event, row.actor_id) for row in rows] == [(event, actor.id)]
    (row,) = rows
    if case == "save_profile":
        assert row.call_id is None  # a coach's profile belongs to no call
        return
    call = world["project"].call
    assert row.call_id == call.id
    login_as(world["staff"])
    page = client.get(f"/dashboard/calls/{call.id}/audit?event={event}").get_data(as_text=True)
    table = page.split("<tbody>")[1].split("</tbody>")[0]
    count = db.session.scalar(
        select(func.count()).where(AuditEvent.call_id == call.id, AuditEvent.event == event)
    )
    assert table.count("<tr>") == count
    assert actor.full_name in table


def test_a_refused_write_leaves_no_audit_row(world):
    last = db.session.scalar(select(func.max(AuditEvent.id)))
    with pytest.raises(coaching.CoachingError):
        coaching.set_item_done(world["coachs"], True, actor=world["entrepreneur"])
    db.session.rollback()
    assert db.session.scalar(select(func.max(AuditEvent.id))) == last
    assert db.session.get(ActionItem, world["coachs"].id).done_at is None
    assert db.session.scalar(select(func.count()).select_from(CoachingSession)) == 1


def test_the_coaching_file_shows_its_history_from_the_audit_log(client, login_as, world):
    session = world["session"]
    coaching.edit_session(
        session,
        session_data(duration_minutes=45),
        actor=world["coach"],
        expected_version=session.version,
    )
    db.session.commit()
    login_as(world["coach"])
    page = client.get(f"/coaching/projects/{world['project'].id}").get_data(as_text=True)
    history = page.split("Change history")[1]
    for label in ("Start coaching", "Coaching session logged", "Coaching session edited"):
        assert label in history
    assert "duration_minutes: 90 → 45" in history
    assert "private_notes" not in history  # unchanged here; when changed, only "changed"
