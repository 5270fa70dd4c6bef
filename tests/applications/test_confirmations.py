"""What a person reads after acting says what happened and to what ("Application
MBI-2026-0001 submitted. A confirmation was sent to ..."), never a button's label
repeated ("Done: Submit the application.")."""

import inspect

import pytest
from flask import message_flashed
from sqlalchemy import select

from app.applications.models import Application
from app.applications.wording import TRIGGER_DONE
from app.auth.models import Role
from app.common.views import run_posted, run_service
from app.extensions import db
from app.outbox.subscribers import TRANSITION_EMAILS
from tests.helpers import fill_every_step, upload_required_documents
from workflows.application import Trigger

EN = {"Accept-Language": "en"}


@pytest.fixture
def flashes(app):
    """Every message flashed while the test runs, in order."""
    seen = []

    def record(sender, message, category, **_):
        seen.append(str(message))

    message_flashed.connect(record, app)
    yield seen
    message_flashed.disconnect(record, app)


def _fire(client, application, trigger, **data):
    db.session.expire_all()
    application = db.session.get(Application, application.id)
    response = client.post(
        f"/applications/{application.id}/actions/{trigger}",
        data={"version": application.version, **data},
        headers=EN,
    )
    assert response.status_code == 302, response.get_data(as_text=True)[:500]
    return response


def test_a_message_is_required_of_every_view(app):
    """No fallback: a view that says nothing must write ``done=None`` on purpose."""
    for runner in (run_service, run_posted):
        done = inspect.signature(runner).parameters["done"]
        assert done.default is inspect.Parameter.empty and done.kind is done.KEYWORD_ONLY
    with app.test_request_context(), pytest.raises(TypeError, match="done"):
        run_service(lambda *, actor: None)


def test_every_trigger_says_what_happened_and_who_was_emailed(app):
    assert set(TRIGGER_DONE) == set(Trigger)
    for trigger, message in TRIGGER_DONE.items():
        assert "%(reference)s" in message._args[0]
        # The address is named exactly when the applicant is e-mailed about it.
        assert ("%(email)s" in message._args[0]) == (trigger in TRANSITION_EMAILS), trigger


def test_the_applicants_journey_reads_what_happened(
    client, make_call, make_user, make_application, login_as, flashes
):
    call = make_call("MBI-2026")
    applicant = login_as(make_user(Role.APPLICANT, email="nadia@example.org"))
    client.post(f"/calls/{call.id}/apply")
    application = db.session.scalar(
        select(Application).where(Application.applicant_id == applicant.id)
    )
    fill_every_step(client, application)
    upload_required_documents(client, application)
    _fire(client, application, "submit")
    assert flashes[-1] == (
        "Application MBI-2026-0001 submitted. A confirmation was sent to nadia@example.org."
    )
    assert flashes[0] == "Step “You” saved."

    selected = make_application("selected", applicant=applicant)
    _fire(client, selected, "confirm")
    assert flashes[-1] == (
        f"Your place for application {selected.reference} is confirmed. A coach will be "
        "assigned to you soon."
    )
    declined = make_application("selected", applicant=applicant)
    _fire(client, declined, "decline")
    assert flashes[-1] == f"You declined your place for application {declined.reference}."
    _fire(client, application, "withdraw", note="Other plans")
    assert flashes[-1] == (
        "Application MBI-2026-0001 withdrawn. A confirmation was sent to nadia@example.org."
    )
    draft = make_application("draft", applicant=applicant)
    _fire(client, draft, "withdraw")
    assert flashes[-1] == (
        "Your draft application to Test call is withdrawn. A confirmation was sent to "
        "nadia@example.org."
    )
    assert not [message for message in flashes if message.startswith("Done")]


def test_staff_read_what_happened_to_which_dossier(
    client, make_call, make_user, make_application, login_as, flashes
):
    application = make_application("submitted", call=make_call("MBI-2026"))
    email = application.applicant.email
    login_as(make_user(Role.STAFF))
    _fire(client, application, "request_information", note="Send your CV.")
    assert flashes[-1] == (
        f"Information requested for application MBI-2026-0001. The applicant was e-mailed "
        f"at {email}."
    )
    other = make_application("submitted")
    _fire(client, other, "declare_eligible")
    _fire(client, other, "start_review")
    assert flashes[-2:] == [
        f"Application {other.reference} declared eligible.",
        f"Application {other.reference} sent to the jury.",
    ]
    assert not [message for message in flashes if message.startswith("Done")]


def test_a_visitor_registering_for_a_session_is_told_where_the_confirmation_went(
    client, make_call, flashes
):
    from datetime import timedelta

    from app.common.clock import utcnow
    from app.info_sessions.models import InfoSession

    starts = utcnow() + timedelta(days=9)
    info_session = InfoSession(
        call=make_call(),
        city="Brussels",
        venue="Espace Magh",
        starts_at=starts,
        ends_at=starts + timedelta(hours=2),
        capacity=10,
    )
    db.session.add(info_session)
    db.session.commit()
    client.post(
        f"/sessions/{info_session.id}/register",
        data={"full_name": "Omar", "email": "Omar@Example.org"},
        headers=EN,
    )
    assert flashes == [
        "You are registered for the information session in Brussels. A confirmation with an "
        "invitation for your calendar was sent to omar@example.org."
    ]
