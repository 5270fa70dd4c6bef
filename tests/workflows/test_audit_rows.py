"""Every service of the dossiers areas that writes with an actor writes exactly one audit
row, by that actor (or one per dossier it moves plus one for the operation), and the
rows of a call show in the call's audit viewer.

Areas: applications, documents, eligibility, calls, information sessions, accounts.
"""

from __future__ import annotations

import copy
import io
import re
from datetime import timedelta

import pytest
from sqlalchemy import select
from werkzeug.datastructures import FileStorage

from app.application_forms.services import save_form
from app.application_forms.versions import current_definition
from app.applications.services import apply_transition, save_answers, start_application
from app.audit.models import AuditEvent
from app.auth.models import AccountToken, Role, User
from app.auth.services import accept_invitation, invite_user, register_applicant, set_active
from app.calls.services import create_call, update_call
from app.common.clock import utcnow
from app.documents.demo import sample_pdf
from app.documents.services import delete_document, store_document
from app.eligibility.rule_sets import rules_definition, save_rules
from app.eligibility.services import (
    bulk_confirm,
    cancel_proposal,
    confirm_ineligibility,
    declare_eligible,
    declare_ineligible,
    publish_decisions,
    request_information,
)
from app.events import Event
from app.extensions import db
from app.info_sessions.services import create_session, delete_session, update_session
from tests.documents import store_fixture  # noqa: F401 - autouse fixture
from tests.helpers import outbox_messages
from workflows.application import Trigger

EN = {"Accept-Language": "en"}


class Rows:
    """The audit rows written since the last look."""

    def __init__(self):
        self.last = db.session.scalar(select(db.func.max(AuditEvent.id))) or 0

    def new(self) -> list[AuditEvent]:
        db.session.flush()
        rows = list(
            db.session.scalars(
                select(AuditEvent).where(AuditEvent.id > self.last).order_by(AuditEvent.id)
            )
        )
        if rows:
            self.last = rows[-1].id
        return rows

    def one(self, event: str, actor: User) -> AuditEvent:
        """The one row written since the last look: ``event``, by ``actor``."""
        rows = self.new()
        assert [(row.event, row.actor_id) for row in rows] == [(str(event), actor.id)]
        return rows[0]


@pytest.fixture
def rows(app):
    return Rows()


@pytest.fixture
def staff(make_user):
    return make_user(Role.STAFF, full_name="Sara Staffmember")


@pytest.fixture
def viewer(client, make_user, login_as):
    """Reads a call's audit viewer, filtered by event, as another staff member."""
    login_as(make_user(Role.STAFF, full_name="Audit Reader"))

    def page(call_id: int, event: str) -> str:
        db.session.commit()
        response = client.get(
            f"/dashboard/calls/{call_id}/audit", query_string={"event": str(event)}, headers=EN
        )
        assert response.status_code == 200
        return response.get_data(as_text=True).partition("<tbody>")[2]

    return page


def _shows(html: str, label: str, actor: User) -> bool:
    return label in html and actor.full_name in html


# Applications and documents ---------------------------------------------------------------


def test_an_applicants_own_writes(make_call, make_user, rows, viewer):
    call = make_call(name="Impulse 2026")
    applicant = make_user(Role.APPLICANT, full_name="Youssef Applicant")
    rows.new()
    application = start_application(call, actor=applicant)
    started = rows.one(Event.APPLICATION_STARTED, applicant)
    assert (started.call_id, started.application_id) == (call.id, application.id)

    save_answers(application, {"project_title": "Argan"}, actor=applicant, expected_version=1)
    assert rows.one(Event.ANSWERS_SAVED, applicant).data == {"fields": ["project_title"]}

    pdf = FileStorage(io.BytesIO(sample_pdf("CV", ["x"])), "cv.pdf")
    document = store_document(application, "cv", pdf, actor=applicant)
    uploaded = rows.one(Event.DOCUMENT_UPLOADED, applicant)
    assert uploaded.data == {"kind": "cv", "size": document.size, "replaced": False}
    assert uploaded.application_id == application.id

    delete_document(document, actor=applicant)
    assert rows.one(Event.DOCUMENT_REMOVED, applicant).data == {"kind": "cv"}

    for event, label in [
        (Event.APPLICATION_STARTED, "Application started"),
        (Event.ANSWERS_SAVED, "Answers saved"),
        (Event.DOCUMENT_UPLOADED, "Document uploaded"),
        (Event.DOCUMENT_REMOVED, "Document removed"),
    ]:
        assert _shows(viewer(call.id, event), label, applicant), event


def test_a_transition_writes_one_row(make_application, rows):
    application = make_application("draft")
    rows.new()
    apply_transition(application, Trigger.SUBMIT, actor=application.applicant)
    row = rows.one(Trigger.SUBMIT, application.applicant)
    assert (row.from_state, row.to_state) == ("draft", "submitted")


# Eligibility ------------------------------------------------------------------------------


def test_declaring_eligible_when_the_rules_pass_is_the_transition(
    make_application, staff, rows, viewer
):
    application = make_application("submitted")
    rows.new()
    declare_eligible(application, actor=staff)
    row = rows.one(Trigger.DECLARE_ELIGIBLE, staff)
    assert (row.from_state, row.to_state) == ("submitted", "eligible")
    assert _shows(viewer(application.call_id, Trigger.DECLARE_ELIGIBLE), "Declare eligible", staff)


def test_declaring_eligible_against_the_rules_is_one_override_row(
    make_application, staff, rows, viewer
):
    application = make_application("submitted")
    application.answers = {**application.answers, "birth_date": "2015-01-01"}
    rows.new()
    declare_eligible(application, actor=staff, justification="Her 18th birthday is next week.")
    row = rows.one(Event.ELIGIBILITY_OVERRIDDEN, staff)
    assert (row.from_state, row.to_state) == ("submitted", "eligible")
    assert row.data["rules_not_passing"] == ["minimum_age"]
    assert row.note == "Her 18th birthday is next week."
    html = viewer(application.call_id, Event.ELIGIBILITY_OVERRIDDEN)
    assert _shows(html, "Declared eligible against the rules", staff)
    assert "Her 18th birthday is next week." in html


def test_declaring_ineligible_without_four_eyes_is_the_transition(make_application, staff, rows):
    application = make_application("submitted")
    rows.new()
    declare_ineligible(application, actor=staff, reason="Too young.", failed_rules=["minimum_age"])
    row = rows.one(Trigger.DECLARE_INELIGIBLE, staff)
    assert row.data["failed_rules"] == ["minimum_age"] and row.note == "Too young."


def test_four_eyes_proposal_confirmation_and_cancellation(
    make_call, make_application, make_user, staff, rows, viewer
):
    call = make_call(four_eyes_ineligibility=True)
    second = make_user(Role.STAFF, full_name="Second Pair")
    first, other = (make_application("submitted", call=call) for _ in range(2))
    rows.new()
    proposal = declare_ineligible(first, actor=staff, reason="Too young.", failed_rules=[])
    assert rows.one(Event.INELIGIBILITY_PROPOSED, staff).subject_id == proposal.id
    assert first.status == "submitted"
    confirm_ineligibility(proposal, actor=second)
    assert rows.one(Trigger.DECLARE_INELIGIBLE, second).data["proposed_by"] == staff.id

    withdrawn = declare_ineligible(other, actor=second, reason="Too young.", failed_rules=[])
    rows.one(Event.INELIGIBILITY_PROPOSED, second)
    cancel_proposal(withdrawn, actor=staff)
    rows.one(Event.INELIGIBILITY_PROPOSAL_CANCELLED, staff)

    label = "Ineligibility proposed (second opinion asked)"
    assert _shows(viewer(call.id, Event.INELIGIBILITY_PROPOSED), label, staff)
    html = viewer(call.id, Event.INELIGIBILITY_PROPOSAL_CANCELLED)
    assert _shows(html, "Proposal of ineligibility cancelled", staff)


def test_asking_for_information_is_the_transition(make_application, staff, rows):
    application = make_application("submitted")
    rows.new()
    request_information(
        application,
        actor=staff,
        fields=["moroccan_ties"],
        documents=["identity"],
        message="Tell us about your ties.",
        reply_by=(utcnow() + timedelta(days=10)).date(),
    )
    row = rows.one(Trigger.REQUEST_INFORMATION, staff)
    assert row.data["fields"] == ["moroccan_ties"] and row.data["documents"] == ["identity"]


def test_bulk_confirmation_writes_one_row_per_dossier_and_one_for_the_operation(
    make_call, make_application, staff, rows, viewer
):
    call = make_call()
    dossiers = [make_application("submitted", call=call) for _ in range(3)]
    rows.new()
    assert bulk_confirm(call, [d.id for d in dossiers], actor=staff) == 3
    written = rows.new()
    assert [(row.event, row.actor_id) for row in written] == [
        *[("declare_eligible", staff.id)] * 3,
        ("eligible_in_bulk", staff.id),
    ]
    assert {row.application_id for row in written[:3]} == {d.id for d in dossiers}
    assert written[-1].data == {"applications": sorted(d.id for d in dossiers)}
    label = "Dossiers whose rules all pass declared eligible together"
    assert _shows(viewer(call.id, Event.ELIGIBLE_IN_BULK), label, staff)


def test_publishing_the_eligibility_decisions_writes_one_row(
    make_call, make_application, staff, rows, viewer
):
    call = make_call()
    declare_eligible(make_application("submitted", call=call), actor=staff)
    db.session.commit()
    rows.new()
    assert publish_decisions(call, actor=staff) == 1
    assert rows.one(Event.ELIGIBILITY_PUBLISHED, staff).data == {"told": 1}
    html = viewer(call.id, Event.ELIGIBILITY_PUBLISHED)
    assert _shows(html, "Eligibility outcomes published", staff)


# Calls and information sessions ---------------------------------------------------------


def _call_data(**changes) -> dict:
    now = utcnow()
    return {
        "reference": "NEW-2027",
        "name": "New call",
        "description": "",
        "opens_at": now,
        "closes_at": now + timedelta(days=30),
        "quota": 30,
        "reserve_size": 10,
        "jurors_per_dossier": 3,
        "criteria": [
            {"name": "Team", "weight": 60, "scale_min": 0, "scale_max": 10},
            {"name": "Project", "weight": 40, "scale_min": 0, "scale_max": 10},
        ],
        "eligibility": {},
    } | changes


def test_creating_and_editing_a_call(staff, rows, viewer):
    data = _call_data()
    call = create_call(data, actor=staff)
    assert rows.one(Event.CALL_CREATED, staff).call_id == call.id
    update_call(call, data | {"quota": 25, "name": "Impulse 2027"}, actor=staff)
    edited = rows.one(Event.CALL_EDITED, staff)
    assert edited.data == {"quota": [30, 25], "name": ["New call", "Impulse 2027"]}
    assert _shows(viewer(call.id, Event.CALL_CREATED), "Call created", staff)
    assert _shows(viewer(call.id, Event.CALL_EDITED), "Call edited", staff)


def test_editing_a_calls_form(make_call, staff, rows, viewer):
    call = make_call()
    definition = copy.deepcopy(current_definition(call))
    definition["steps"][0]["title"] = {"en": "About you"}
    save_form(call, definition, actor=staff)
    edited = rows.one(Event.FORM_EDITED, staff)
    assert edited.data == {"version": 1, "change": "wording", "dossiers_moved": 0}
    assert _shows(viewer(call.id, Event.FORM_EDITED), "Application form edited", staff)


def test_editing_a_calls_eligibility_rules(make_call, staff, rows, viewer):
    call = make_call()
    data = copy.deepcopy(rules_definition(call))
    data["rules"] = data["rules"][:2]
    save_rules(call, data, actor=staff)
    edited = rows.one(Event.ELIGIBILITY_RULES_EDITED, staff)
    assert edited.data["after"] == ["minimum_age", "nationality"]
    assert _shows(
        viewer(call.id, Event.ELIGIBILITY_RULES_EDITED), "Eligibility rules edited", staff
    )


def test_planning_information_sessions(make_call, staff, rows, viewer):
    call = make_call()
    starts = utcnow() + timedelta(days=7)
    data = {
        "city": "Liège",
        "venue": "Cité Miroir",
        "starts_at": starts,
        "ends_at": starts + timedelta(hours=2),
        "capacity": 40,
    }
    rows.new()
    info_session = create_session(call, data, actor=staff)
    assert rows.one(Event.INFO_SESSION_CREATED, staff).data["city"] == "Liège"
    update_session(info_session, data | {"capacity": 60}, actor=staff)
    assert rows.one(Event.INFO_SESSION_EDITED, staff).data == {"capacity": [40, 60]}
    delete_session(info_session, actor=staff)
    assert rows.one(Event.INFO_SESSION_DELETED, staff).call_id == call.id
    for event, label in [
        (Event.INFO_SESSION_CREATED, "Information session created"),
        (Event.INFO_SESSION_EDITED, "Information session edited"),
        (Event.INFO_SESSION_DELETED, "Information session deleted"),
    ]:
        assert _shows(viewer(call.id, event), label, staff), event


# Accounts ---------------------------------------------------------------------------------


def test_account_events(app, make_user, staff, rows):
    applicant = register_applicant("salma@example.org", "Salma", "a long passphrase", locale="fr")
    assert rows.one(Event.USER_REGISTERED, applicant).subject_id == applicant.id

    token = invite_user("jamila@example.org", [Role.JUROR, Role.CHAIR], actor=staff)
    invited = rows.one(Event.USER_INVITED, staff)
    assert (invited.subject_kind, invited.subject_id) == ("account_token", token.id)
    assert invited.data["roles"] == ["juror", "chair"]

    secret = re.search(r"/invitations/(\S+)", outbox_messages()[-1].body_text).group(1)
    anonymous = app.login_manager.anonymous_user()
    juror = accept_invitation(
        secret, actor=anonymous, full_name="Jamila", password="a long passphrase"
    )
    changed = rows.one(Event.ROLES_CHANGED, juror)
    assert changed.data == {
        "added": ["juror", "chair"],
        "invited_by": staff.id,
        "new_account": True,
    }
    assert db.session.get(AccountToken, token.id).used_at is not None

    set_active(juror, False, actor=staff)
    assert rows.one(Event.USER_DEACTIVATED, staff).subject_id == juror.id
    set_active(juror, False, actor=staff)  # already so: nothing changes, nothing written
    assert rows.new() == []
    set_active(juror, True, actor=staff)
    rows.one(Event.USER_REACTIVATED, staff)
