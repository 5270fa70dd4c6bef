"""The eligibility loop: rules at submission, staff review, information requests, decisions."""

from datetime import timedelta

import pytest
from sqlalchemy import select

from app.audit.models import AuditEvent
from app.auth.models import Role
from app.common.clock import BRUSSELS, utcnow
from app.eligibility.checks import check_call
from app.eligibility.models import EligibilityDecision, RuleOutcome
from app.extensions import db
from app.jury.models import ConflictOfInterest
from tests.helpers import QueryCounter, expect_analyze, outbox_messages

EN = {"Accept-Language": "en"}


@pytest.fixture
def staff(make_user):
    return make_user(Role.STAFF, full_name="Sofia Staff")


def _submit(client, application):
    response = client.post(
        f"/applications/{application.id}/actions/submit", data={"version": application.version}
    )
    assert response.status_code == 302, response.get_data(as_text=True)[:500]
    db.session.expire_all()


def _outcomes(application):
    return {
        row.rule: row.outcome
        for row in db.session.scalars(
            select(RuleOutcome).where(RuleOutcome.application_id == application.id)
        )
    }


def test_submit_runs_the_rules(client, make_application, login_as):
    application = make_application("draft")
    login_as(application.applicant)
    _submit(client, application)
    assert _outcomes(application) == {
        "minimum_age": "pass",
        "nationality": "pass",
        "residence": "pass",
        "language": "pass",
        "declarations": "pass",
        "documents": "pass",
    }


def test_information_requested_then_completed_then_eligible(
    app, client, make_application, staff, login_as
):
    application = make_application("draft")
    application.answers = {**application.answers, "nationalities": ["BE"], "moroccan_ties": False}
    db.session.commit()
    login_as(application.applicant)
    _submit(client, application)
    assert _outcomes(application)["nationality"] == "needs_information"
    client.post("/logout")

    login_as(staff)
    queue = client.get(f"/staff/calls/{application.call_id}/eligibility?verdict=needs_information")
    assert application.reference in queue.get_data(as_text=True)
    page = client.get(f"/staff/eligibility/{application.id}").get_data(as_text=True)
    assert "Belgian nationals need ties with Morocco" in page
    reply_by = (utcnow().astimezone(BRUSSELS) + timedelta(days=10)).date()
    response = client.post(
        f"/staff/eligibility/{application.id}/request",
        data={
            "ask-version": application.version,
            "ask-fields": ["moroccan_ties"],
            "ask-documents": ["identity"],
            "ask-message": "Do you have ties with Morocco?",
            "ask-reply_by": reply_by.isoformat(),
        },
    )
    assert response.status_code == 302
    db.session.expire_all()
    assert application.status == "info_requested"
    email = outbox_messages()[-1]
    assert "Do you have ties with Morocco?" in email.body_text
    assert "I have family or personal ties with Morocco" in email.body_text
    assert "Identity document" in email.body_text and reply_by.strftime("%Y") in email.body_text
    client.post("/logout")

    login_as(application.applicant)
    home = client.get(f"/applications/{application.id}").get_data(as_text=True)
    assert "Do you have ties with Morocco?" in home
    # The date in the reader's words, as every other date of the page.
    assert f"by {reply_by.strftime('%b')} {reply_by.day}, {reply_by.year}:" in home
    # Only the named answer may change; another one is ignored.
    client.post(
        f"/applications/{application.id}/steps/applicant",
        data={"version": application.version, "moroccan_ties": "y", "full_name": "Someone Else"},
    )
    db.session.expire_all()
    assert application.answers["moroccan_ties"] is True
    assert application.answers["full_name"] == "Youssef El Amrani"
    assert client.get(f"/applications/{application.id}/steps/economics").status_code == 302
    response = client.post(
        f"/applications/{application.id}/actions/resubmit", data={"version": application.version}
    )
    assert response.status_code == 302
    db.session.expire_all()
    assert application.status == "submitted" and _outcomes(application)["nationality"] == "pass"
    client.post("/logout")

    login_as(staff)
    page = client.get(f"/staff/eligibility/{application.id}").get_data(as_text=True)
    assert "answered the information request" in page and "<mark>" in page
    response = client.post(
        f"/staff/eligibility/{application.id}/eligible", data={"yes-version": application.version}
    )
    db.session.expire_all()
    assert application.status == "eligible"
    triggers = [
        e.event
        for e in db.session.scalars(
            select(AuditEvent)
            .where(AuditEvent.application_id == application.id)
            .order_by(AuditEvent.id)
        )
    ]
    assert triggers == [
        "submit",
        "request_information",
        "letter_generated",  # the request's letter, by the worker after the commit
        "answers_saved",
        "resubmit",
        "declare_eligible",
    ]


def test_ineligible_with_reasons_visible_once_published(client, make_application, staff, login_as):
    application = make_application("draft")
    application.answers = {**application.answers, "birth_date": "2015-01-01"}
    db.session.commit()
    login_as(application.applicant)
    _submit(client, application)
    client.post("/logout")
    login_as(staff)
    client.post(
        f"/staff/eligibility/{application.id}/ineligible",
        data={
            "no-version": application.version,
            "no-failed_rules": ["minimum_age"],
            "no-reason": "You must be 18 on the closing date.",
        },
    )
    db.session.expire_all()
    assert application.status == "ineligible"
    client.post("/logout")

    login_as(application.applicant)
    before = client.get(f"/applications/{application.id}").get_data(as_text=True)
    assert "Eligibility check in progress" in before and "must be 18" not in before
    assert "ineligible" not in before
    client.post("/logout")
    login_as(staff)
    client.post(f"/staff/calls/{application.call_id}/eligibility/publish")
    client.post("/logout")
    login_as(application.applicant)
    after = client.get(f"/applications/{application.id}").get_data(as_text=True)
    assert "Decision available" in after and "You must be 18 on the closing date." in after
    assert outbox_messages()[-1].template == "eligibility_published"


def test_overriding_a_failing_rule_needs_a_justification(client, make_application, staff, login_as):
    application = make_application("draft")
    application.answers = {**application.answers, "languages": ["nl"]}
    db.session.commit()
    login_as(application.applicant)
    _submit(client, application)
    client.post("/logout")
    login_as(staff)
    client.post(
        f"/staff/eligibility/{application.id}/eligible", data={"yes-version": application.version}
    )
    db.session.expire_all()
    assert application.status == "submitted"
    client.post(
        f"/staff/eligibility/{application.id}/eligible",
        data={"yes-version": application.version, "yes-justification": "Interview held in French."},
    )
    db.session.expire_all()
    assert application.status == "eligible"
    entry = db.session.scalars(
        select(AuditEvent)
        .where(AuditEvent.application_id == application.id)
        .order_by(AuditEvent.id.desc())
    ).first()
    assert entry.note == "Interview held in French."


def test_four_eyes_needs_a_second_staff_member(
    client, make_call, make_application, make_user, staff, login_as
):
    call = make_call("MBI-2026", four_eyes_ineligibility=True)
    application = make_application("submitted", call=call)
    login_as(staff)
    client.post(
        f"/staff/eligibility/{application.id}/ineligible",
        data={"no-version": application.version, "no-reason": "Too young."},
    )
    db.session.expire_all()
    assert application.status == "submitted"
    proposal = db.session.scalar(select(EligibilityDecision))
    assert proposal.status == "proposed"
    client.post(f"/staff/eligibility/proposals/{proposal.id}/confirm")
    db.session.expire_all()
    assert application.status == "submitted"  # the proposer cannot confirm
    client.post("/logout")
    login_as(make_user(Role.STAFF))
    client.post(f"/staff/eligibility/proposals/{proposal.id}/confirm")
    db.session.expire_all()
    assert application.status == "ineligible" and proposal.status == "final"


def test_bulk_confirm_names_the_dossiers_then_confirms_them(
    client, make_call, make_application, staff, login_as
):
    call = make_call("MBI-2026")
    good = [make_application("submitted", call=call) for _ in range(3)]
    bad = make_application("submitted", call=call)
    bad.answers = {**bad.answers, "languages": ["nl"]}
    db.session.commit()
    check_call(call)
    db.session.commit()
    login_as(staff)
    page = client.get(f"/staff/calls/{call.id}/eligibility/confirm").get_data(as_text=True)
    assert "This will declare 3 dossiers eligible" in page and bad.reference not in page
    client.post(
        f"/staff/calls/{call.id}/eligibility/confirm", data={"application_id": [a.id for a in good]}
    )
    db.session.expire_all()
    assert [a.status for a in good] == ["eligible"] * 3 and bad.status == "submitted"


def test_two_staff_deciding_at_once_one_wins(client, make_application, staff, login_as):
    application = make_application("submitted")
    login_as(staff)
    seen = application.version
    client.post(f"/staff/eligibility/{application.id}/eligible", data={"yes-version": seen})
    client.post(
        f"/staff/eligibility/{application.id}/ineligible",
        data={"no-version": seen, "no-reason": "No."},
    )
    db.session.expire_all()
    assert application.status == "eligible"
    assert len(db.session.scalars(select(EligibilityDecision)).all()) == 1


def test_overdue_requests_are_flagged(client, make_application, staff, login_as):
    from app.eligibility.models import InformationRequest

    application = make_application("info_requested")
    db.session.add(
        InformationRequest(
            application=application,
            fields=["phone"],
            documents=[],
            message="Phone?",
            requested_by_id=staff.id,
            reply_by=(utcnow() - timedelta(days=2)).date(),
        )
    )
    db.session.commit()
    login_as(staff)
    html = client.get(f"/staff/calls/{application.call_id}/eligibility").get_data(as_text=True)
    assert "overdue since" in html


def test_the_queue_costs_the_same_queries_for_1_and_60_dossiers(
    client, make_call, make_application, staff, login_as
):
    one, many = make_call("ONE-2026"), make_call("MANY-2026")
    make_application("submitted", call=one)
    for _ in range(60):
        make_application("submitted", call=many)
    check_call(one)
    check_call(many)
    db.session.commit()
    login_as(staff)
    counts = []
    for call in (one, many):
        client.get(f"/staff/calls/{call.id}/eligibility")
        with QueryCounter(db.engine) as counter:
            assert client.get(f"/staff/calls/{call.id}/eligibility").status_code == 200
        counts.append(counter.count)
    assert counts[0] == counts[1]


def test_the_command_checks_a_call_and_is_idempotent(runner, make_call, make_application):
    call = make_call("MBI-2026")
    for _ in range(5):
        make_application("submitted", call=call)
    with expect_analyze("rule_outcomes"):  # every outcome replaced: the planner is told
        first = runner.invoke(args=["eligibility", "check", "--call", "MBI-2026"])
    rows = db.session.scalars(select(RuleOutcome.outcome)).all()
    second = runner.invoke(args=["eligibility", "check", "--call", "MBI-2026"])
    assert "5 dossiers checked" in first.output and "5 pass" in second.output
    assert sorted(rows) == sorted(db.session.scalars(select(RuleOutcome.outcome)).all())
    assert runner.invoke(args=["eligibility", "check", "--call", "NOPE"]).exit_code != 0


def test_a_staff_member_in_conflict_finds_nothing_of_the_dossier(
    client, make_call, make_application, staff, login_as
):
    call = make_call("MBI-2026")
    hidden, shown = (make_application("submitted", call=call) for _ in range(2))
    hidden.applicant.full_name = "Zineb Hidden"
    db.session.add(ConflictOfInterest(application_id=hidden.id, juror_id=staff.id, kind="family"))
    db.session.commit()
    check_call(call)
    db.session.commit()
    login_as(staff)
    queue = client.get(f"/staff/calls/{call.id}/eligibility").get_data(as_text=True)
    assert shown.reference in queue
    assert hidden.reference not in queue and "Zineb Hidden" not in queue
    confirm = client.get(f"/staff/calls/{call.id}/eligibility/confirm").get_data(as_text=True)
    assert shown.reference in confirm and hidden.reference not in confirm
    review = client.get(f"/staff/eligibility/{hidden.id}")
    assert review.status_code == 404 and "Zineb Hidden" not in review.get_data(as_text=True)
    refused = client.post(
        f"/staff/eligibility/{hidden.id}/eligible", data={"yes-version": hidden.version}
    )
    assert refused.status_code == 404
    db.session.expire_all()
    assert hidden.status == "submitted"
