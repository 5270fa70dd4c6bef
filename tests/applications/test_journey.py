"""An applicant starts, saves, submits and withdraws; staff act from the dossier page."""

from datetime import timedelta

import pytest
import time_machine
from sqlalchemy import select

from app.applications.models import Application
from app.audit.models import AuditEvent
from app.auth.models import Role
from app.common.clock import utcnow
from app.extensions import db
from tests.helpers import (
    COMPLETE_ANSWERS,
    audit_count,
    audit_events,
    fill_every_step,
    outbox_messages,
    step_form_data,
    upload_required_documents,
)


def _mine(applicant):
    return db.session.scalar(select(Application).where(Application.applicant_id == applicant.id))


def test_apply_fill_every_step_submit_then_follow(client, make_user, make_call, login_as):
    call = make_call("MBI-2026", name="Maghrib Belgium Impulse")
    applicant = login_as(make_user(Role.APPLICANT))
    home = client.get("/my/applications").get_data(as_text=True)
    assert "Maghrib Belgium Impulse" in home
    response = client.post(f"/calls/{call.id}/apply")
    application = _mine(applicant)
    assert response.headers["Location"] == f"/applications/{application.id}/steps/applicant"

    review = client.get(f"/applications/{application.id}").get_data(as_text=True)
    assert "items are missing before you can submit" in review
    assert f'href="/applications/{application.id}/steps/project#sector"' in review
    refused = client.post(
        f"/applications/{application.id}/actions/submit", data={"version": application.version}
    )
    assert refused.status_code == 409 and "incomplete" in refused.get_data(as_text=True)

    fill_every_step(client, application)
    missing = {item.name for item in application.missing_items()}
    assert missing == {"identity", "cv", "business_plan", "criminal_record"}
    review = client.get(f"/applications/{application.id}").get_data(as_text=True)
    assert f'href="/applications/{application.id}/documents#cv"' in review
    upload_required_documents(client, application)
    assert application.answers["gross_margin_percent"] == 35.5
    assert application.answers["nationalities"] == ["MA", "BE"]
    assert application.missing_items() == []
    review = client.get(f"/applications/{application.id}").get_data(as_text=True)
    assert "Everything is there" in review and "Argan export" in review

    response = client.post(
        f"/applications/{application.id}/actions/submit", data={"version": application.version}
    )
    assert response.status_code == 302
    db.session.expire_all()
    assert (application.status, application.reference) == ("submitted", "MBI-2026-0001")
    assert outbox_messages()[-1].template == "application_submitted"
    events = audit_events(application.id)
    assert events[0] == "application_started" and events[-1] == "submit"
    assert set(events[1:-1]) == {"answers_saved", "document_uploaded"}  # one per step, file
    assert events.count("document_uploaded") == 4
    page = client.get("/my/applications").get_data(as_text=True)
    assert "MBI-2026-0001" in page and "checking your eligibility" in page
    assert client.get(f"/applications/{application.id}/steps/project").status_code == 302


def test_a_double_submit_is_refused_cleanly(client, make_application, login_as):
    application = make_application("draft")
    login_as(application.applicant)
    seen = application.version
    first = client.post(f"/applications/{application.id}/actions/submit", data={"version": seen})
    second = client.post(f"/applications/{application.id}/actions/submit", data={"version": seen})
    assert first.status_code == 302 and second.status_code == 409
    db.session.expire_all()
    assert audit_count(application.id) == 1 and application.number == 1
    assert len([m for m in outbox_messages() if m.template == "application_submitted"]) == 1


@pytest.mark.parametrize(
    ("slug", "bad", "message"),
    [
        ("project", {"project_title": "x" * 151}, "At most 150 characters"),
        ("applicant", {"birth_date": "2999-01-01"}, "cannot be in the future"),
        ("applicant", {"birth_date": "31/02/1990"}, "Not a valid date"),
        ("project", {"eligible_share_percent": "101"}, "percentage between 0 and 100"),
        ("economics", {"gross_margin_percent": "-5"}, "percentage between 0 and 100"),
        ("economics", {"investment_eur": "a lot"}, "Not a valid integer"),
        ("economics", {"jobs_created": "-1"}, "A number between 0 and"),
        ("project", {"sector": "Z"}, "Not a valid choice"),
        ("applicant", {"nationalities": ["MA", "XX"]}, "not a valid choice"),
    ],
)
def test_bad_input_gets_a_message_and_every_valid_answer_is_kept(
    client, make_application, login_as, slug, bad, message
):
    application = make_application("draft", complete=False)
    login_as(application.applicant)
    data = step_form_data(slug, COMPLETE_ANSWERS, application.version) | bad
    response = client.post(f"/applications/{application.id}/steps/{slug}", data=data)
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert message in html
    db.session.expire_all()
    [bad_name] = bad
    assert bad_name not in application.answers  # the invalid answer is not stored...
    kept = {k: v for k, v in COMPLETE_ANSWERS.items() if k in data and k != bad_name}
    for name, value in kept.items():  # ...and every valid one is
        assert application.answers[name] == value, name


def test_empty_answers_are_fine_in_a_draft(client, make_application, login_as):
    application = make_application("draft", complete=False)
    login_as(application.applicant)
    response = client.post(
        f"/applications/{application.id}/steps/economics", data={"version": application.version}
    )
    assert response.status_code == 302
    db.session.expire_all()
    assert application.answers["investment_eur"] is None


def test_company_questions_are_required_only_for_a_company(make_application):
    person = make_application("draft")
    assert person.missing_items() == []
    company = make_application("draft")
    company.answers = {**company.answers, "stage": "company"}
    assert {item.name for item in company.missing_items()} == {
        "legal_form",
        "company_created_on",
        "register_number",
        "capital_mad",
        "eligible_share_percent",
        "trade_register_certificate",
        "statutes",
        "balance_sheets",
    }
    assert {item.step for item in company.missing_items()} == {"project", "documents"}


def test_declarations_must_be_ticked(make_application):
    application = make_application("draft")
    application.answers = {**application.answers, "consent": False}
    assert [item.name for item in application.missing_items()] == ["consent"]


def test_a_submitted_application_is_read_only(client, make_application, login_as):
    application = make_application("submitted")
    login_as(application.applicant)
    response = client.post(
        f"/applications/{application.id}/steps/project",
        data={"version": application.version, "project_title": "Changed", "summary": "Changed"},
    )
    assert response.status_code == 302
    db.session.expire_all()
    assert application.answers["project_title"] == "Argan export"


def test_submit_one_second_after_the_deadline_is_refused(
    client, make_call, make_application, login_as
):
    call = make_call(closes_in=1)
    application = make_application("draft", call=call)
    login_as(application.applicant)
    with time_machine.travel(call.closes_at + timedelta(seconds=1), tick=False):
        response = client.post(
            f"/applications/{application.id}/actions/submit",
            data={"version": application.version},
            headers={"Accept-Language": "en"},
        )
    assert response.status_code == 409
    assert "closed" in response.get_data(as_text=True)
    db.session.expire_all()
    assert application.status == "draft" and audit_count() == 0


def test_withdraw_asks_for_confirmation_then_writes_audit_and_email(
    client, make_application, login_as
):
    application = make_application("submitted")
    login_as(application.applicant)
    page = client.get(
        f"/applications/{application.id}/confirm/withdraw", headers={"Accept-Language": "en"}
    )
    assert page.status_code == 200 and "cannot be undone" in page.get_data(as_text=True)
    response = client.post(
        f"/applications/{application.id}/actions/withdraw",
        data={"version": application.version, "note": "Other plans"},
    )
    assert response.status_code == 302
    db.session.expire_all()
    assert application.status == "withdrawn"
    entry = db.session.scalar(select(AuditEvent).where(AuditEvent.application_id == application.id))
    assert (entry.event, entry.actor_id, entry.note) == (
        "withdraw",
        application.applicant_id,
        "Other plans",
    )
    assert outbox_messages()[-1].template == "application_withdrawn"


def test_an_impossible_trigger_is_a_409_page_and_changes_nothing(
    client, make_application, make_user, login_as
):
    application = make_application("submitted")
    login_as(make_user(Role.STAFF))
    response = client.post(
        f"/applications/{application.id}/actions/start_review",
        data={"version": application.version},
        headers={"Accept-Language": "en"},
    )
    assert response.status_code == 409
    assert "not possible" in response.get_data(as_text=True)
    db.session.expire_all()
    assert application.status == "submitted" and audit_count() == 0


def test_an_unknown_trigger_is_a_409_not_a_500(client, make_application, make_user, login_as):
    application = make_application("submitted")
    login_as(make_user(Role.STAFF))
    response = client.post(
        f"/applications/{application.id}/actions/explode", data={"version": application.version}
    )
    assert response.status_code == 404


def test_staff_buttons_come_from_the_machine_and_a_note_is_required(
    client, make_application, make_user, login_as
):
    application = make_application("submitted")
    login_as(make_user(Role.STAFF))
    page = client.get(f"/staff/applications/{application.id}", headers={"Accept-Language": "en"})
    html = page.get_data(as_text=True)
    for allowed in ("Declare eligible", "Declare ineligible", "Request information"):
        assert allowed in html
    for refused in ("Send to the jury", "Select", "Withdraw the application", "Confirm my place"):
        assert refused not in html
    no_note = client.post(
        f"/applications/{application.id}/actions/request_information",
        data={"version": application.version, "note": "  "},
    )
    assert no_note.status_code == 422 and "Please write a note" in no_note.get_data(as_text=True)
    response = client.post(
        f"/applications/{application.id}/actions/request_information",
        data={"version": application.version, "note": "Send your CV."},
    )
    assert response.status_code == 302
    db.session.expire_all()
    assert application.status == "info_requested"
    assert "Send your CV." in outbox_messages()[-1].body_text


def test_another_applicant_cannot_post_to_my_application(
    client, make_application, make_user, login_as
):
    application = make_application("draft")
    login_as(make_user(Role.APPLICANT))
    for url in (
        f"/applications/{application.id}/steps/project",
        f"/applications/{application.id}/actions/submit",
    ):
        assert (
            client.post(
                url,
                data={"version": application.version, "project_title": "Mine", "summary": "Mine"},
            ).status_code
            == 404
        )
    db.session.expire_all()
    assert application.answers["project_title"] == "Argan export"


def test_one_application_per_applicant_per_call(client, make_call, make_user, login_as):
    call = make_call()
    applicant = login_as(make_user(Role.APPLICANT))
    client.post(f"/calls/{call.id}/apply")
    client.post(f"/calls/{call.id}/apply")
    count = db.session.scalar(
        select(db.func.count())
        .select_from(Application)
        .where(Application.applicant_id == applicant.id)
    )
    assert count == 1


def test_applying_to_a_closed_call_is_refused(client, make_call, make_user, login_as):
    call = make_call(opens_in=-20, closes_in=-1)
    login_as(make_user(Role.APPLICANT))
    response = client.post(
        f"/calls/{call.id}/apply", headers={"Accept-Language": "en"}, follow_redirects=True
    )
    assert "not open" in response.get_data(as_text=True)
    assert db.session.scalar(select(db.func.count()).select_from(Application)) == 0


def test_draft_saved_with_a_stale_version_loses_cleanly(client, make_application, login_as):
    application = make_application("draft")
    login_as(application.applicant)
    stale = application.version
    client.post(
        f"/applications/{application.id}/steps/project",
        data={"version": stale, "project_title": "First tab"},
    )
    response = client.post(
        f"/applications/{application.id}/steps/project",
        data={"version": stale, "project_title": "Second tab"},
    )
    assert response.status_code == 409
    assert "changed by someone else" in response.get_data(as_text=True)
    db.session.expire_all()
    assert application.answers["project_title"] == "First tab"


def test_applicant_never_sees_internal_jury_states(client, make_application, login_as):
    application = make_application("scored")
    login_as(application.applicant)
    html = client.get("/my/applications", headers={"Accept-Language": "en"}).get_data(as_text=True)
    assert "Under review" in html
    assert "Scored" not in html


def test_dossier_list_filters_and_searches(
    client, make_call, make_application, make_user, login_as
):
    call = make_call("MBI-2026")
    submitted = make_application("submitted", call=call)
    make_application("draft", call=call)
    login_as(make_user(Role.STAFF))
    html = client.get(f"/staff/calls/{call.id}/applications?status=submitted").get_data(
        as_text=True
    )
    assert submitted.reference in html and "draft #" not in html
    html = client.get(f"/staff/calls/{call.id}/applications?q=0001").get_data(as_text=True)
    assert submitted.reference in html
    html = client.get(
        f"/staff/calls/{call.id}/applications?q=nobody-matches", headers={"Accept-Language": "en"}
    ).get_data(as_text=True)
    assert "No application matches" in html


def test_withdraw_is_offered_until_the_place_is_taken_up(client, make_application, login_as):
    for status, offered in [
        ("draft", True),
        ("scored", True),
        ("selected", True),
        ("reserve", True),
        ("not_selected", False),
        ("coaching", False),
        ("ineligible", False),
    ]:
        application = make_application(status)
        login_as(application.applicant)
        html = client.get(
            f"/applications/{application.id}", headers={"Accept-Language": "en"}
        ).get_data(as_text=True)
        assert ("Withdraw the application" in html) is offered, status
        client.post("/logout")


def test_the_clock_used_by_guards_is_the_frozen_one(make_call):
    call = make_call(closes_in=1)
    with time_machine.travel(call.closes_at + timedelta(seconds=1), tick=False):
        assert not call.is_open(utcnow())
    assert call.is_open(utcnow())
