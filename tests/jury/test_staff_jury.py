"""Staff compose the jury, run the assignment (page and CLI), assign by hand, export."""

import pytest
from sqlalchemy import func, select

from app.applications.models import Application
from app.auth.models import Role
from app.extensions import db
from app.jury.conflicts import declare_conflict
from app.jury.models import ConflictOfInterest, JuryAssignment, JuryMember, Review
from app.jury.services import (
    JuryError,
    add_member,
    assign_by_hand,
    run_assignment,
    unassign_by_hand,
)
from tests.helpers import QueryCounter


@pytest.fixture
def jury(app, make_user, make_call, make_application):
    call = make_call("MBI-2026", jurors_per_dossier=2)
    staff = make_user(Role.STAFF)
    jurors = [make_user(Role.JUROR) for _ in range(3)]
    for juror in jurors:
        add_member(call, juror, {"languages": "fr, AR"}, actor=staff)
    dossiers = [make_application("eligible", call=call) for _ in range(3)]
    db.session.commit()
    return call, staff, jurors, dossiers


def _count(model):
    return db.session.scalar(select(func.count()).select_from(model))


def test_staff_add_a_member_and_bad_languages_are_refused(jury, client, login_as, make_user):
    call, staff, jurors, dossiers = jury
    chair = make_user(Role.CHAIR)
    login_as(staff)
    url = f"/jury/staff/calls/{call.id}"
    client.post(url, data={"user_id": chair.id, "languages": "fr; 12"})
    assert _count(JuryMember) == 3
    assert client.post(url, data={"user_id": chair.id, "is_chair": "y"}).status_code == 302
    assert db.session.scalar(select(JuryMember.is_chair).where(JuryMember.user_id == chair.id))
    assert jurors[0].full_name in client.get(url).get_data(as_text=True)


def test_run_assignment_gives_k_jurors_and_starts_the_review(jury, client, login_as):
    call, staff, jurors, dossiers = jury
    login_as(staff)
    url = f"/jury/staff/calls/{call.id}/assignment"
    assert client.post(url, data={}).status_code == 200  # no confirmation: nothing
    assert _count(JuryAssignment) == 0
    response = client.post(url, data={"confirm": "y", "prefer_language": "y"})
    assert response.status_code == 302
    assert _count(JuryAssignment) == 6
    statuses = set(db.session.scalars(select(Application.status)))
    assert statuses == {"in_review"}
    assert client.post(url, data={"confirm": "y"}).status_code == 302  # nothing to fill
    assert _count(JuryAssignment) == 6


def test_impossible_assignment_lists_the_dossier_and_writes_nothing(jury, client, login_as):
    call, staff, jurors, dossiers = jury
    for juror in jurors[:2]:
        db.session.add(
            ConflictOfInterest(application_id=dossiers[1].id, juror_id=juror.id, kind="family")
        )
    db.session.commit()
    login_as(staff)
    response = client.post(f"/jury/staff/calls/{call.id}/assignment", data={"confirm": "y"})
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert dossiers[1].reference in page and "Nothing was assigned" in page
    assert _count(JuryAssignment) == 0


def test_the_cli_assigns_and_prints_a_summary(jury, runner):
    from app.jury.cli import register_jury_cli

    if "jury" not in runner.app.cli.commands:
        register_jury_cli(runner.app)
    result = runner.invoke(args=["jury", "assign", "--call", "MBI-2026"])
    assert result.exit_code == 0, result.output
    assert "6 assignments made" in result.output and "Loads: from 2 to 2" in result.output
    result = runner.invoke(args=["jury", "assign", "--call", "NOPE"])
    assert result.exit_code != 0


def test_a_gap_after_a_late_conflict_is_filled_without_moving_a_review(jury, make_user):
    call, staff, jurors, dossiers = jury
    run_assignment(call, actor=staff)
    first = db.session.scalars(select(JuryAssignment).order_by(JuryAssignment.id)).all()
    db.session.add(Review(assignment_id=first[0].id, status="submitted"))
    db.session.commit()
    late = {"kind": "other", "note": "My cousin"}
    assert declare_conflict(first[0].application, late, actor=first[0].juror) == "flagged"
    summary = run_assignment(call, actor=staff)
    db.session.commit()
    assert summary.made == 1 and summary.problems == []
    assert db.session.get(JuryAssignment, first[0].id) is not None


def test_assign_and_unassign_by_hand_with_clear_refusals(jury, make_user):
    call, staff, jurors, dossiers = jury
    dossier = dossiers[0]
    assign_by_hand(dossier, jurors[0], actor=staff)
    for juror in (jurors[0], make_user(Role.JUROR)):  # already assigned, not a member
        with pytest.raises(JuryError):
            assign_by_hand(dossier, juror, actor=staff)
    db.session.add(
        ConflictOfInterest(application_id=dossier.id, juror_id=jurors[1].id, kind="other")
    )
    with pytest.raises(JuryError):
        assign_by_hand(dossier, jurors[1], actor=staff)
    second = assign_by_hand(dossier, jurors[2], actor=staff)
    assert dossier.status == "in_review"  # its k jurors: in review
    db.session.add(Review(assignment_id=second.id, status="submitted"))
    db.session.flush()
    with pytest.raises(JuryError):
        unassign_by_hand(second, actor=staff)


def test_export_and_manual_page(jury, client, login_as, runner):
    call, staff, jurors, dossiers = jury
    run_assignment(call, actor=staff)
    db.session.commit()
    result = runner.invoke(args=["export", "assignments", "--call", "MBI-2026"])
    lines = result.output.strip().splitlines()
    assert lines[0] == "reference,juror_email,conflict,status" and len(lines) == 7
    assert lines[1].endswith(",,not started")
    login_as(staff)
    with QueryCounter(db.engine) as counter:
        page = client.get(f"/jury/staff/calls/{call.id}/assignments")
    assert page.status_code == 200 and counter.count <= 12
