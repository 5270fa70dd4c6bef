"""Every (state, trigger) pair of the application lifecycle, through the one entry point."""

from datetime import timedelta

import pytest

from app.applications.services import apply_transition
from app.common.clock import utcnow
from app.extensions import db
from tests.helpers import audit_count, audit_events, outbox_messages
from workflows.application import SPECS, STATES, TRIGGERS, TransitionRefused, fire, mermaid_diagram

ALLOWED = {(source, spec.trigger): spec.dest for spec in SPECS.values() for source in spec.sources}
PAIRS = [(state, trigger) for state in STATES for trigger in TRIGGERS]


def test_the_lifecycle_of_the_issue_is_what_the_machine_allows():
    expected = {
        ("draft", "submit"): "submitted",
        ("submitted", "declare_eligible"): "eligible",
        ("submitted", "declare_ineligible"): "ineligible",
        ("submitted", "request_information"): "info_requested",
        ("info_requested", "resubmit"): "submitted",
        ("eligible", "start_review"): "in_review",
        ("in_review", "complete_review"): "scored",
        ("scored", "select"): "selected",
        ("scored", "place_on_reserve"): "reserve",
        ("scored", "reject"): "not_selected",
        ("reserve", "promote"): "selected",
        ("selected", "confirm"): "confirmed",
        ("selected", "decline"): "declined",
        ("selected", "lapse"): "declined",
        ("confirmed", "start_coaching"): "coaching",
        ("coaching", "complete_coaching"): "completed",
        ("coaching", "drop_out"): "dropped_out",
    }
    before_decision = ["draft", "submitted", "info_requested", "eligible", "in_review", "scored"]
    for state in [*before_decision, "selected", "confirmed", "reserve"]:
        expected[(state, "withdraw")] = "withdrawn"
    assert ALLOWED == expected


@pytest.mark.parametrize(("state", "trigger"), PAIRS, ids=[f"{s}-{t}" for s, t in PAIRS])
def test_state_trigger_pair(make_application, state, trigger):
    application = make_application(state)
    version = application.version
    if (state, trigger) in ALLOWED:
        entry = apply_transition(application, trigger, actor=None, note="n")
        db.session.commit()
        assert application.status == ALLOWED[(state, trigger)]
        # one row, and for a decision the row of its letter (generated after the commit)
        assert audit_events(application.id) in (
            [trigger],
            [trigger, "letter_generated"],
            [trigger, "letter_failed"],
        )
        assert (entry.from_state, entry.to_state, entry.event) == (
            state,
            application.status,
            trigger,
        )
        assert application.version == version + 1
    else:
        with pytest.raises(TransitionRefused):
            apply_transition(application, trigger, actor=None)
        db.session.rollback()
        db.session.refresh(application)
        assert application.status == state
        assert audit_count(application.id) == 0
        assert application.version == version


def test_submit_is_refused_after_the_closing_time(make_call, make_application):
    call = make_call(closes_in=-1 / 86400)  # closed one second ago
    application = make_application("draft", call=call)
    with pytest.raises(TransitionRefused) as refusal:
        apply_transition(application, "submit", actor=None)
    assert refusal.value.guard == "is_open"
    db.session.rollback()
    db.session.refresh(application)
    assert (application.status, application.reference) == ("draft", None)


def test_submit_is_refused_while_incomplete(make_application):
    application = make_application("draft", complete=False)
    with pytest.raises(TransitionRefused) as refusal:
        apply_transition(application, "submit", actor=None)
    assert refusal.value.guard == "is_complete"


def test_submit_numbers_the_application_and_queues_the_acknowledgement(make_call, make_application):
    call = make_call("MBI-2026")
    first = make_application("draft", call=call)
    second = make_application("draft", call=call)
    apply_transition(second, "submit", actor=None)
    apply_transition(first, "submit", actor=None)
    db.session.commit()
    assert (second.reference, first.reference) == ("MBI-2026-0001", "MBI-2026-0002")
    messages = outbox_messages()
    assert [m.recipient for m in messages] == [second.applicant.email, first.applicant.email]
    assert "MBI-2026-0001" in messages[0].subject
    assert all(m.status == "sent" for m in messages)


def test_a_refused_guard_changes_nothing_and_queues_nothing(make_call, make_application):
    application = make_application("draft", complete=False)
    with pytest.raises(TransitionRefused):
        apply_transition(application, "submit", actor=None)
    db.session.rollback()
    assert outbox_messages() == []


def test_the_machine_never_keeps_state_of_its_own():
    class Row:
        def __init__(self, status):
            self.status = status
            self.deadline = utcnow() + timedelta(days=1)

        def missing_items(self):
            return []

    rows = [Row("draft"), Row("scored")]
    fire(rows[0], "submit", now=utcnow())
    fire(rows[1], "select", now=utcnow())
    assert [row.status for row in rows] == ["submitted", "selected"]


def test_the_diagram_lists_every_transition():
    diagram = mermaid_diagram()
    for (source, trigger), dest in ALLOWED.items():
        assert f"{source} --> {dest}: {trigger}" in diagram
