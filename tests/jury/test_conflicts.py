"""Conflicts of interest: declared, changed, withdrawn, audited; their effect on assignments."""

import pytest
from sqlalchemy import select

from app.access.policy import may_read_documents
from app.audit.models import AuditEvent
from app.auth.models import Role
from app.extensions import db
from app.jury.conflicts import declare_conflict, record_conflict_by_staff, withdraw_conflict
from app.jury.models import ConflictOfInterest, JuryAssignment, JuryMember, Review
from app.jury.services import JuryError


@pytest.fixture
def jury(app, make_user, make_call, make_application):
    call = make_call("MBI-2026")
    juror = make_user(Role.JUROR)
    staff = make_user(Role.STAFF)
    db.session.add(JuryMember(call_id=call.id, user_id=juror.id))
    dossier = make_application("eligible", call=call)
    db.session.commit()
    return call, juror, staff, dossier


def _assign(dossier, juror, review_status=None):
    assignment = JuryAssignment(application_id=dossier.id, juror_id=juror.id)
    db.session.add(assignment)
    db.session.flush()
    if review_status:
        db.session.add(Review(assignment_id=assignment.id, status=review_status))
    db.session.commit()
    return assignment


def _triggers(dossier):
    return db.session.scalars(
        select(AuditEvent.event).where(AuditEvent.application_id == dossier.id)
    ).all()


def test_declare_change_withdraw_are_audited(jury):
    call, juror, staff, dossier = jury
    assert declare_conflict(dossier, {"kind": "family", "note": ""}, actor=juror) == ""
    declare_conflict(dossier, {"kind": "investor", "note": "Shares"}, actor=juror)
    conflict = db.session.scalar(select(ConflictOfInterest))
    assert conflict.kind == "investor" and conflict.note == "Shares"
    withdraw_conflict(conflict, actor=juror)
    db.session.commit()
    assert _triggers(dossier) == ["conflict_declared", "conflict_changed", "conflict_withdrawn"]
    assert db.session.scalar(select(ConflictOfInterest)) is None


@pytest.mark.parametrize(
    "data",
    [{"kind": "cousin"}, {"kind": "other", "note": "  "}, {"kind": "family", "note": "x" * 1001}],
)
def test_bad_declarations_are_refused_and_write_nothing(jury, data):
    call, juror, staff, dossier = jury
    with pytest.raises(JuryError):
        declare_conflict(dossier, data, actor=juror)
    db.session.rollback()
    assert db.session.scalar(select(ConflictOfInterest)) is None and _triggers(dossier) == []


def test_a_non_member_cannot_declare(jury, make_user):
    call, juror, staff, dossier = jury
    with pytest.raises(JuryError):
        declare_conflict(dossier, {"kind": "family"}, actor=make_user(Role.JUROR))


def test_a_conflict_removes_an_unsubmitted_assignment(jury):
    call, juror, staff, dossier = jury
    _assign(dossier, juror, "draft")
    assert declare_conflict(dossier, {"kind": "family"}, actor=juror) == "removed"
    db.session.commit()
    assert db.session.scalar(select(JuryAssignment)) is None
    assert db.session.scalar(select(Review)) is None


def test_a_conflict_after_submitting_keeps_the_review_and_flags_the_dossier(jury):
    call, juror, staff, dossier = jury
    _assign(dossier, juror, "submitted")
    outcome = record_conflict_by_staff(dossier, juror, {"kind": "employer"}, actor=staff)
    db.session.commit()
    assert outcome == "flagged"
    assert db.session.scalar(select(Review)).status == "submitted"
    assert not may_read_documents(juror, dossier)
    assert _triggers(dossier) == ["conflict_recorded"]


def test_a_juror_cannot_withdraw_a_conflict_recorded_by_staff(jury):
    call, juror, staff, dossier = jury
    record_conflict_by_staff(dossier, juror, {"kind": "family"}, actor=staff)
    conflict = db.session.scalar(select(ConflictOfInterest))
    with pytest.raises(JuryError):
        withdraw_conflict(conflict, actor=juror)
    withdraw_conflict(conflict, actor=staff)


def test_the_declaration_page_shows_name_title_region_and_saves(jury, client, login_as):
    call, juror, staff, dossier = jury
    login_as(juror)
    page = client.get(f"/jury/calls/{call.id}/conflicts").get_data(as_text=True)
    assert dossier.applicant.full_name in page and "Argan export" in page and "Souss-Massa" in page
    assert "Export argan oil." not in page  # no dossier content before assignment
    response = client.post(
        f"/jury/calls/{call.id}/conflicts/{dossier.id}", data={"kind": "other", "note": ""}
    )
    assert response.status_code == 302
    assert db.session.scalar(select(ConflictOfInterest)) is None
    client.post(f"/jury/calls/{call.id}/conflicts/{dossier.id}", data={"kind": "family"})
    assert db.session.scalar(select(ConflictOfInterest.kind)) == "family"


def test_a_juror_of_another_call_gets_404(jury, client, login_as, make_user):
    call, juror, staff, dossier = jury
    login_as(make_user(Role.JUROR))
    assert client.get(f"/jury/calls/{call.id}/conflicts").status_code == 404
