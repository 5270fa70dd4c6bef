"""Staff's eligibility queue: which dossiers each verdict tab lists, in which order, with
what counts, and at a cost in queries that does not grow with the call."""

import pytest

from app.auth.models import Role
from app.eligibility import queue as queue_module
from app.eligibility.models import RuleOutcome
from app.eligibility.queue import all_passing, queue
from app.extensions import db
from app.jury.models import ConflictOfInterest
from tests.helpers import QueryCounter

#: Each dossier of the call: its status and its rules' outcomes (none: never checked).
DOSSIERS = {
    "passes": ("submitted", ["pass", "pass"]),
    "fails": ("submitted", ["pass", "needs_information", "fail"]),
    "eligible": ("eligible", ["pass", "pass"]),
    "asks": ("info_requested", ["needs_information", "pass"]),
    "unchecked": ("submitted", []),
    "conflicted": ("submitted", ["pass"]),
    "passes too": ("submitted", ["pass"]),
    "answered": ("info_requested", ["pass", "pass"]),
}


@pytest.fixture
def staff(make_user):
    return make_user(Role.STAFF, full_name="Sofia Staff")


@pytest.fixture
def dossiers(make_call, make_application, staff):
    """The call of :data:`DOSSIERS`, and another call's dossier that passes."""
    call = make_call("QUEUE-2026")
    made = {}
    for name, (status, outcomes) in DOSSIERS.items():
        made[name] = make_application(status, call=call)
        for number, outcome in enumerate(outcomes):
            db.session.add(
                RuleOutcome(
                    application_id=made[name].id, rule=f"rule{number}", outcome=outcome, template=""
                )
            )
    other = make_application("submitted", call=make_call("OTHER-2026"))
    db.session.add(RuleOutcome(application_id=other.id, rule="rule0", outcome="pass", template=""))
    db.session.add(
        ConflictOfInterest(application_id=made["conflicted"].id, juror_id=staff.id, kind="family")
    )
    db.session.commit()
    return call, made


def _names(made, applications):
    by_id = {application.id: name for name, application in made.items()}
    return [by_id[application.id] for application in applications]


@pytest.mark.parametrize(
    ("verdict", "listed"),
    [
        ("", ["passes", "fails", "asks", "unchecked", "passes too", "answered"]),
        ("pass", ["passes", "passes too", "answered"]),
        ("fail", ["fails"]),
        ("needs_information", ["asks"]),
        ("nonsense", ["passes", "fails", "asks", "unchecked", "passes too", "answered"]),
    ],
)
def test_each_tab_lists_the_dossiers_to_check_with_that_verdict_in_number_order(
    app, dossiers, staff, verdict, listed
):
    call, made = dossiers
    shown = queue(staff, call, verdict, 1)
    assert _names(made, shown["applications"]) == listed
    # a dossier never checked counts as needing information
    assert shown["counts"] == {"pass": 3, "fail": 1, "needs_information": 2}


def test_the_queue_pages_in_number_order(app, dossiers, staff, monkeypatch):
    call, made = dossiers
    monkeypatch.setattr(queue_module, "PER_PAGE", 4)
    pages = [_names(made, queue(staff, call, "", n)["applications"]) for n in (1, 2, 3)]
    assert pages == [["passes", "fails", "asks", "unchecked"], ["passes too", "answered"], []]
    failing = queue(staff, call, "", 1)["failing"]
    assert sorted(failing[made["fails"].id]) == [("rule1", "needs_information"), ("rule2", "fail")]
    assert made["passes"].id not in failing


def test_confirm_all_offers_the_submitted_dossiers_whose_rules_all_pass(app, dossiers, staff):
    call, made = dossiers
    assert _names(made, all_passing(staff, call)) == ["passes", "passes too"]


@pytest.mark.parametrize("verdict", ["", "pass", "fail", "needs_information"])
def test_every_tab_costs_the_same_queries_for_1_and_40_dossiers(
    client, make_call, make_application, staff, login_as, verdict
):
    one, many = make_call("ONE-2026"), make_call("MANY-2026")
    outcomes = [verdict or "pass", "pass", "fail", "needs_information"]
    for call, count in ((one, 1), (many, 40)):
        for number in range(count):
            application = make_application("submitted", call=call)
            outcome = outcomes[number % 4]
            db.session.add(
                RuleOutcome(application_id=application.id, rule="r", outcome=outcome, template="")
            )
    db.session.commit()
    login_as(staff)
    counts = []
    for call in (one, many):
        url = f"/staff/calls/{call.id}/eligibility?verdict={verdict}"
        client.get(url)
        with QueryCounter(db.engine) as counter:
            assert client.get(url).status_code == 200
        counts.append(counter.count)
    assert counts[0] == counts[1]
