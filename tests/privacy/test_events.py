"""Every duty of the privacy area that writes leaves exactly one audit row per event,
with the right actor, and the call's audit viewer shows those about a dossier."""

import json

import pytest
from sqlalchemy import select

from app.audit.models import AuditEvent
from app.auth.models import Role
from app.common.clock import utcnow
from app.events import Event
from app.extensions import db
from app.privacy.models import ErasureRequest
from app.privacy.services import months_before
from tests.helpers import transition_row

EN = {"Accept-Language": "en"}


def _rows(event: Event) -> list[AuditEvent]:
    return db.session.scalars(select(AuditEvent).where(AuditEvent.event == event)).all()


def _viewer_shows(client, login_as, staff, application, event: Event, label: str) -> None:
    """The call's audit viewer, filtered on ``event``, lists it for the dossier."""
    client.post("/logout")
    login_as(staff)
    page = client.get(
        f"/dashboard/calls/{application.call_id}/audit?event={event}", headers=EN
    ).get_data(as_text=True)
    assert "1 event" in page and label in page and application.reference in page


@pytest.fixture
def ended(make_user, make_application):
    """A dossier not selected, its applicant, a member of staff."""
    application = make_application("not_selected")
    return application, application.applicant, make_user(Role.STAFF)


def test_the_download_is_on_record_by_its_owner(client, login_as, ended):
    application, owner, staff = ended
    login_as(owner)
    response = client.get("/account/data/export.zip")
    response.close()
    (row,) = _rows(Event.PERSONAL_DATA_EXPORTED)
    assert (row.actor_id, row.application_id) == (owner.id, application.id)
    assert row.data["applications"] == [application.id]
    assert "applications" in row.data["parts"]
    _viewer_shows(client, login_as, staff, application, row.event, "Personal data downloaded")


def test_a_download_by_someone_without_a_dossier_is_on_record_without_a_call(
    client, login_as, make_user
):
    staff = login_as(make_user(Role.STAFF))
    client.get("/account/data/export.zip").close()
    (row,) = _rows(Event.PERSONAL_DATA_EXPORTED)
    assert (row.actor_id, row.call_id, row.application_id) == (staff.id, None, None)


def test_a_request_for_erasure_is_on_record_and_an_unconfirmed_one_is_not(client, login_as, ended):
    application, owner, staff = ended
    login_as(owner)
    client.post("/account/data/erasure")
    assert _rows(Event.ERASURE_REQUESTED) == []
    client.post("/account/data/erasure", data={"confirm": "y"})
    (row,) = _rows(Event.ERASURE_REQUESTED)
    assert (row.actor_id, row.application_id) == (owner.id, application.id)
    assert row.subject_kind == "erasure_request"
    _viewer_shows(client, login_as, staff, application, row.event, "Erasure requested")


def test_a_refusal_is_on_record_by_the_staff_member_with_the_reason(client, login_as, ended):
    application, owner, staff = ended
    erasure = ErasureRequest(user_id=owner.id)
    db.session.add(erasure)
    db.session.commit()
    login_as(staff)
    client.post(f"/staff/erasure/{erasure.id}", data={"decision": "refuse", "note": " "})
    assert _rows(Event.ERASURE_REFUSED) == []  # refused without a reason: nothing happened
    client.post(f"/staff/erasure/{erasure.id}", data={"decision": "refuse", "note": "Appeal"})
    (row,) = _rows(Event.ERASURE_REFUSED)
    assert (row.actor_id, row.application_id, row.data["note"]) == (
        staff.id,
        application.id,
        "Appeal",
    )
    _viewer_shows(client, login_as, staff, application, row.event, "Erasure refused")


def test_an_erasure_is_on_record_by_the_staff_member_without_the_persons_name(
    client, login_as, ended
):
    application, owner, staff = ended
    name, email = owner.full_name, owner.email
    erasure = ErasureRequest(user_id=owner.id)
    db.session.add(erasure)
    db.session.commit()
    login_as(staff)
    client.post(f"/staff/erasure/{erasure.id}", data={"decision": "approve"})
    (row,) = _rows(Event.PERSON_ERASED)
    assert (row.actor_id, row.application_id, row.subject_id) == (
        staff.id,
        application.id,
        owner.id,
    )
    assert row.data["request"] == erasure.id and row.data["erased"]["documents"] > 0
    assert name not in json.dumps(row.data) and email not in json.dumps(row.data)
    _viewer_shows(client, login_as, staff, application, row.event, "Person erased")


def test_retention_writes_one_row_per_dossier_by_the_system(
    client, login_as, runner, make_user, make_application
):
    dossiers = []
    for status in ("not_selected", "withdrawn"):
        application = make_application(status)
        db.session.add(
            transition_row(
                application=application,
                from_state="scored",
                to_state=status,
                trigger="t",
                created_at=months_before(utcnow(), 13),
            )
        )
        dossiers.append(application)
    db.session.commit()
    documents = {d.id: len(d.documents) for d in dossiers}
    assert runner.invoke(args=["privacy", "retention"]).exit_code == 0
    rows = _rows(Event.DOCUMENTS_RETAINED)
    assert sorted((row.application_id, row.actor_id) for row in rows) == [
        (dossiers[0].id, None),
        (dossiers[1].id, None),
    ]
    assert {row.application_id: row.data["documents"] for row in rows} == documents
    staff = make_user(Role.STAFF)
    login_as(staff)
    page = client.get(
        f"/dashboard/calls/{dossiers[0].call_id}/audit?system=1", headers=EN
    ).get_data(as_text=True)
    assert "Documents deleted after the retention period" in page and "System" in page
