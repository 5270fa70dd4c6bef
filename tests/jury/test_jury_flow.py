"""The juror's way through a call (issue 18): the jury home leads from declaring conflicts
to scoring to done, with their progress; "no other conflict" is a recorded act (audited,
shown) and, when the call requires it, the score page refuses every dossier before it."""

import re
from datetime import timedelta
from types import SimpleNamespace

import pytest
import time_machine
from sqlalchemy import func, select

from app.audit.models import AuditEvent
from app.auth.models import Role
from app.calls.definition import export_definition, import_definition
from app.calls.models import Call
from app.common.clock import utcnow
from app.documents.models import Document
from app.eligibility.services import declare_eligible
from app.events import Event
from app.extensions import db
from app.jury.conflicts import (
    ConflictsNotConfirmed,
    confirm_no_other_conflict,
    declare_conflict,
)
from app.jury.models import JuryAssignment, JuryMember, Review
from app.jury.scoring import save_review_draft
from app.jury.services import JuryError
from tests.calls.test_calls import VALID
from tests.helpers import attach_required_documents
from tests.jury.test_scoring import data_for, form_for


@pytest.fixture
def jury(make_user, make_call, make_application):
    """A call with three dossiers before the jury, one juror on its jury (nothing assigned
    yet) and a staff member; scoring open."""
    call = make_call("MBI-2026", name="Impulse 2026", scoring_open=True)
    juror = make_user(Role.JUROR, full_name="Juror Flow")
    staff = make_user(Role.STAFF)
    db.session.add(JuryMember(call=call, user=juror))
    dossiers = [make_application("eligible", call=call) for _ in range(3)]
    db.session.commit()
    return SimpleNamespace(call=call, juror=juror, staff=staff, dossiers=dossiers)


def _assign(jury, *dossiers) -> list[JuryAssignment]:
    assignments = [JuryAssignment(application=d, juror=jury.juror) for d in dossiers]
    db.session.add_all(assignments)
    db.session.commit()
    return assignments


def _card(page: str, call_id: int) -> str:
    found = re.search(rf'<section[^>]*id="jury-call-{call_id}".*?</section>', page, re.S)
    assert found, page
    return found.group(0)


def _audit_rows(event: str) -> list[AuditEvent]:
    db.session.expire_all()
    return db.session.scalars(select(AuditEvent).where(AuditEvent.event == event)).all()


def test_the_home_leads_from_conflicts_to_scoring_to_done(jury, client, login_as):
    login_as(jury.juror)
    card = _card(client.get("/jury/").get_data(as_text=True), jury.call.id)
    assert 'data-step="conflicts"' in card.split("<ol")[0]  # the step to do now
    assert f'id="declare-conflicts-{jury.call.id}"' in card
    assert f'href="/jury/calls/{jury.call.id}/conflicts"' in card
    assert "3 dossiers are before the jury." in card
    assert "No dossier is assigned to you yet." in card

    page = client.get(f"/jury/calls/{jury.call.id}/conflicts").get_data(as_text=True)
    assert 'id="confirm-no-other-conflict"' in page
    assert f'action="/jury/calls/{jury.call.id}/conflicts/none-other"' in page
    response = client.post(f"/jury/calls/{jury.call.id}/conflicts/none-other")
    assert response.status_code == 302 and response.headers["Location"] == "/jury/"
    page = client.get("/jury/").get_data(as_text=True)
    assert "you have no other conflict of interest with the dossiers of this call" in page
    card = _card(page, jury.call.id)
    assert "you confirmed that you have no other conflict of interest" in card
    assert 'data-step="score"' in card.split("<ol")[0]

    first, second = _assign(jury, *jury.dossiers[:2])
    card = _card(client.get("/jury/").get_data(as_text=True), jury.call.id)
    assert "0 of 2 scored" in card
    assert f'id="progress-{jury.call.id}"' in card and 'data-total="2"' in card
    assert f'href="/jury/assignments/{first.id}"' in card  # "score the next dossier"
    for assignment in (first, second):
        response = client.post(
            f"/jury/assignments/{assignment.id}", data=form_for(jury.call, [6] * 4, 0, "submit")
        )
        assert response.status_code == 302
    card = _card(client.get("/jury/").get_data(as_text=True), jury.call.id)
    assert 'data-step="done"' in card.split("<ol")[0]
    assert "2 of 2 scored" in card and 'data-done="2"' in card
    assert "All your reviews are submitted. Thank you!" in card


def test_no_other_conflict_is_audited_with_the_counts(jury):
    declare_conflict(jury.dossiers[0], {"kind": "family"}, actor=jury.juror)
    member = confirm_no_other_conflict(jury.call, actor=jury.juror)
    db.session.commit()
    assert member.conflicts_confirmed_at is not None
    (row,) = _audit_rows(Event.NO_OTHER_CONFLICT_DECLARED)
    assert row.actor_id == jury.juror.id and row.call_id == jury.call.id
    assert row.subject_kind == "jury_member" and row.subject_id == member.id
    assert row.data == {"juror_id": jury.juror.id, "dossiers": 3, "declared": 1}


def test_it_reads_in_the_calls_audit_viewer(jury, client, login_as):
    login_as(jury.juror)
    client.post(f"/jury/calls/{jury.call.id}/conflicts/none-other")
    client.post("/logout")
    login_as(jury.staff)
    page = client.get(f"/dashboard/calls/{jury.call.id}/audit").get_data(as_text=True)
    assert "No other conflict of interest declared" in page
    assert "Juror Flow" in page


def test_confirming_is_refused_outside_the_jury_or_before_any_dossier(
    jury, make_user, make_call, client, login_as
):
    outsider = make_user(Role.JUROR)
    with pytest.raises(JuryError, match="not a member"):
        confirm_no_other_conflict(jury.call, actor=outsider)
    db.session.rollback()
    empty = make_call("EMPTY-2026")
    db.session.add(JuryMember(call=empty, user=jury.juror))
    db.session.commit()
    with pytest.raises(JuryError, match="nothing to confirm"):
        confirm_no_other_conflict(empty, actor=jury.juror)
    db.session.rollback()
    assert _audit_rows(Event.NO_OTHER_CONFLICT_DECLARED) == []
    login_as(outsider)
    assert client.post(f"/jury/calls/{jury.call.id}/conflicts/none-other").status_code == 404


def test_dossiers_reaching_the_jury_after_the_confirmation_are_pointed_out(
    jury, client, login_as, make_application
):
    later = make_application("submitted", call=jury.call)
    now = utcnow()
    with time_machine.travel(now, tick=False):
        confirm_no_other_conflict(jury.call, actor=jury.juror)
        db.session.commit()
    with time_machine.travel(now + timedelta(minutes=5), tick=False):
        declare_eligible(later, actor=jury.staff)
        db.session.commit()
    login_as(jury.juror)
    card = _card(client.get("/jury/").get_data(as_text=True), jury.call.id)
    assert "1 dossier reached the jury since: look through it and confirm again." in card
    assert 'data-step="conflicts"' in card.split("<ol")[0]
    page = client.get(f"/jury/calls/{jury.call.id}/conflicts").get_data(as_text=True)
    assert 'id="confirm-no-other-conflict"' in page  # to confirm again
    with time_machine.travel(now + timedelta(minutes=10), tick=False):
        confirm_no_other_conflict(jury.call, actor=jury.juror)
        db.session.commit()
    card = _card(client.get("/jury/").get_data(as_text=True), jury.call.id)
    assert "reached the jury since" not in card
    assert len(_audit_rows(Event.NO_OTHER_CONFLICT_DECLARED)) == 2


def test_my_dossiers_links_to_the_conflicts_page(jury, client, login_as):
    _assign(jury, jury.dossiers[0])
    login_as(jury.juror)
    page = client.get(f"/jury/calls/{jury.call.id}/my-dossiers").get_data(as_text=True)
    assert f'href="/jury/calls/{jury.call.id}/conflicts"' in page
    assert 'id="declare-conflicts"' in page


# When the call requires it ----------------------------------------------------------------


def test_the_score_page_refuses_before_the_confirmation_and_works_after(jury, client, login_as):
    jury.call.conflicts_confirmation_required = True
    db.session.commit()
    (assignment,) = _assign(jury, jury.dossiers[0])
    url = f"/jury/assignments/{assignment.id}"
    login_as(jury.juror)
    card = _card(client.get("/jury/").get_data(as_text=True), jury.call.id)
    assert "Your dossiers open once you have confirmed" in card
    assert 'id="score-next-' not in card

    response = client.get(url)
    page = response.get_data(as_text=True)
    assert response.status_code == 409
    assert "Before your first dossier of Impulse 2026 opens" in page
    assert f'id="way-out" href="/jury/calls/{jury.call.id}/conflicts"' in page
    assert "Declare conflicts" in page
    assert jury.dossiers[0].title not in page  # the dossier did not open
    response = client.post(url, data=form_for(jury.call, [5] * 4, 0, "draft"))
    assert response.status_code == 409
    assert db.session.scalar(select(func.count()).select_from(Review)) == 0

    client.post(f"/jury/calls/{jury.call.id}/conflicts/none-other")
    response = client.get(url)
    assert response.status_code == 200 and jury.dossiers[0].title in response.get_data(as_text=True)
    response = client.post(url, data=form_for(jury.call, [5] * 4, 0, "draft"))
    assert response.status_code == 302
    assert db.session.scalar(select(func.count()).select_from(Review)) == 1


def test_a_jurors_documents_open_with_the_dossier_not_before(jury, client, login_as):
    """The score page links the dossier's documents; a download by its address is refused
    too until the juror confirmed "no other conflict", then it works."""
    jury.call.conflicts_confirmation_required = True
    dossier = jury.dossiers[0]
    attach_required_documents(dossier)
    db.session.commit()
    _assign(jury, dossier)
    document = db.session.scalar(select(Document).where(Document.application_id == dossier.id))
    login_as(jury.juror)
    for address in (f"/documents/{document.id}", f"/documents/{document.id}/pages/1"):
        assert client.get(address).status_code == 404
    client.post(f"/jury/calls/{jury.call.id}/conflicts/none-other")
    for address in (f"/documents/{document.id}", f"/documents/{document.id}/pages/1"):
        response = client.get(address)
        assert response.status_code == 200 and response.data
        response.close()


def test_the_scoring_services_refuse_too(jury):
    jury.call.conflicts_confirmation_required = True
    db.session.commit()
    (assignment,) = _assign(jury, jury.dossiers[0])
    with pytest.raises(ConflictsNotConfirmed) as refused:
        save_review_draft(
            assignment, data_for(jury.call, [5] * 4), actor=jury.juror, expected_version=0
        )
    assert refused.value.status == 409
    assert refused.value.way_out[1:] == ("jury.conflicts", {"call_id": jury.call.id})
    db.session.rollback()
    confirm_no_other_conflict(jury.call, actor=jury.juror)
    save_review_draft(
        assignment, data_for(jury.call, [5] * 4), actor=jury.juror, expected_version=0
    )
    db.session.commit()


def test_without_the_requirement_the_dossier_opens_at_once(jury, client, login_as):
    (assignment,) = _assign(jury, jury.dossiers[0])
    login_as(jury.juror)
    assert client.get(f"/jury/assignments/{assignment.id}").status_code == 200


# The call's settings ------------------------------------------------------------------------


def test_staff_set_the_jury_flow_on_the_call_editor(client, make_user, login_as):
    login_as(make_user(Role.STAFF))
    data = VALID | {
        "conflicts_confirmation_required": "y",
        "scoring_closes_at": "2027-05-15T18:00",
        "scoring_reminder_days": "5",
    }
    assert client.post("/staff/calls/new", data=data).status_code == 302
    call = db.session.scalar(select(Call))
    assert call.conflicts_confirmation_required and call.scoring_reminder_days == 5
    assert call.scoring_closes_at.isoformat() == "2027-05-15T16:00:00+00:00"  # summer time
    page = client.get(f"/staff/calls/{call.id}").get_data(as_text=True)
    assert "5 days before scoring closes" in page
    form = client.get(f"/staff/calls/{call.id}/edit").get_data(as_text=True)
    assert 'value="2027-05-15T18:00"' in form
    response = client.post(
        f"/staff/calls/{call.id}/edit", data=data | {"scoring_reminder_days": "61"}
    )
    assert response.status_code == 200 and "Between 0 and 60." in response.get_data(as_text=True)
    edited = data | {"scoring_closes_at": "", "scoring_reminder_days": "0"}
    edited.pop("conflicts_confirmation_required")
    assert client.post(f"/staff/calls/{call.id}/edit", data=edited).status_code == 302
    db.session.expire_all()
    assert call.scoring_closes_at is None and call.scoring_reminder_days == 0
    assert not call.conflicts_confirmation_required
    (row,) = _audit_rows(Event.CALL_EDITED)
    assert row.data["scoring_closes_at"] == ["2027-05-15T16:00:00+00:00", None]
    assert row.data["conflicts_confirmation_required"] == [True, False]


def test_the_settings_travel_in_the_calls_definition(jury):
    jury.call.conflicts_confirmation_required = True
    jury.call.scoring_reminder_days = 7
    settings = export_definition(jury.call)["settings"]
    assert settings["conflicts_confirmation_required"] is True
    assert settings["scoring_reminder_days"] == 7
    copied = import_definition(export_definition(jury.call), reference="MBI-2027", actor=jury.staff)
    assert copied.conflicts_confirmation_required and copied.scoring_reminder_days == 7
    assert copied.scoring_closes_at is None  # a date: not part of the definition
