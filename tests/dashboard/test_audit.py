"""The audit trail of a call: search by dossier, person, event and period; pages; exports."""

import io
import re
from datetime import UTC, datetime

import pytest
from markupsafe import escape
from openpyxl import load_workbook

from app.audit.models import AuditEvent
from app.audit.wording import event_label
from app.auth.models import Role
from app.events import EVENT_NAMES, Event
from app.extensions import db
from tests.dashboard.conftest import add_audit, add_dossier


@pytest.fixture
def trail(make_call, make_user):
    call = make_call("AUD-2026")
    other_call = make_call("OTH-2026")
    nadia = make_user(Role.STAFF, full_name="Nadia Bennani", email="nadia@mbi.example")
    first = add_dossier(call)
    second = add_dossier(call)
    elsewhere = add_dossier(other_call)
    add_audit(first, "declare_eligible", actor=nadia, when=datetime(2026, 2, 1, 10, tzinfo=UTC))
    add_audit(first, "start_review", when=datetime(2026, 2, 10, 10, tzinfo=UTC))
    add_audit(
        second,
        "request_information",
        actor=nadia,
        when=datetime(2026, 2, 5, 23, 30, tzinfo=UTC),  # 6 February in Brussels
        note="Missing bank statement",
    )
    add_audit(elsewhere, "declare_eligible", actor=nadia)
    db.session.commit()
    return call, first, second


def notes_and_references(html):
    return re.findall(r">(AUD-2026-\d{4})</a>", html)


def search(client, call, query=""):
    response = client.get(f"/dashboard/calls/{call.id}/audit{query}")
    assert response.status_code == 200
    return response.get_data(as_text=True)


def test_search_by_dossier_user_action_and_period(client, make_user, login_as, trail):
    call, first, second = trail
    login_as(make_user(Role.STAFF))
    html = search(client, call)
    assert "3 events" in html and "OTH-2026" not in html
    assert notes_and_references(html) == [first.reference, second.reference, first.reference]
    assert notes_and_references(search(client, call, f"?reference={second.reference.lower()}")) == [
        second.reference
    ]
    assert "2 events" in search(client, call, "?user=NADIA@")
    assert "2 events" in search(client, call, "?user=bennani")
    system = search(client, call, "?system=1")
    assert "1 event" in system and "System" in system
    assert "1 event" in search(client, call, "?event=request_information")
    assert "Missing bank statement" in search(client, call, "?event=request_information")
    # Days are Brussels days, both ends included.
    assert "1 event" in search(client, call, "?from=2026-02-06&to=2026-02-06")
    assert "0 events" in search(client, call, "?from=2026-02-05&to=2026-02-05")
    assert "2 events" in search(client, call, "?from=2026-02-02")
    assert "No event matches" in search(client, call, "?user=nobody")
    # A wildcard in the search matches only itself.
    assert "0 events" in search(client, call, "?user=%25")


def test_an_unreadable_date_is_explained_beside_its_field(client, make_user, login_as, trail):
    call, _, _ = trail
    login_as(make_user(Role.STAFF))
    html = search(client, call, "?from=31/31/31&to=2026-02-01")
    assert "Enter a date as YYYY-MM-DD" in html
    assert 'aria-describedby="audit-from-error"' in html and 'id="audit-from-error"' in html
    assert "1 event" in html  # the other filter still applies
    reversed_period = search(client, call, "?from=2026-03-01&to=2026-02-01")
    assert "The end of the period comes before its start." in reversed_period


def test_the_trail_is_paginated_with_its_filters(client, make_user, login_as, make_call):
    call = make_call("PAGE-2026")
    dossier = add_dossier(call)
    for day in range(1, 29):
        for hour in (8, 9):
            add_audit(dossier, "start_review", when=datetime(2026, 2, day, hour, tzinfo=UTC))
    db.session.commit()
    login_as(make_user(Role.STAFF))
    first_page = search(client, call, "?event=start_review")
    assert "56 events" in first_page and "Page 1 of 2" in first_page
    assert first_page.count("<time ") == 50
    assert "page=2" in first_page and "event=start_review" in first_page
    second_page = search(client, call, "?event=start_review&page=2")
    assert second_page.count("<time ") == 6


def test_exports_keep_the_filters(client, make_user, login_as, trail):
    call, _, second = trail
    login_as(make_user(Role.STAFF))
    response = client.get(f"/dashboard/calls/{call.id}/audit.xlsx?user=nadia")
    sheet = load_workbook(io.BytesIO(response.get_data())).active
    rows = [[c.value for c in row] for row in sheet.iter_rows()]
    assert rows[0][:4] == ["Date and time", "Reference", "Event", "Event code"]
    assert len(rows) == 3
    assert rows[1][1] == second.reference and rows[1][3] == "request_information"
    assert rows[1][0] == datetime(2026, 2, 6, 0, 30)  # Brussels time
    csv_text = client.get(f"/dashboard/calls/{call.id}/audit.csv?system=1").get_data(as_text=True)
    assert csv_text.count("\n") == 2 and "start_review" in csv_text
    page = search(client, call, "?user=nadia")
    assert f"/dashboard/calls/{call.id}/audit.xlsx?user=nadia" in page


def _row(dossier, event, *, actor=None, when=None, **data) -> AuditEvent:
    entry = AuditEvent(
        event=str(event),
        actor_id=actor.id if actor is not None else None,
        subject_kind="application",
        subject_id=dossier.id,
        call_id=dossier.call_id,
        application_id=dossier.id,
        data=data,
        created_at=when or datetime(2026, 3, 2, 10, tzinfo=UTC),
    )
    db.session.add(entry)
    return entry


def test_every_kind_of_event_is_found_by_its_filter_and_reads_in_words(
    client, make_user, make_call, login_as
):
    call = make_call("EVERY-2026")
    dossier = add_dossier(call)
    nadia = make_user(Role.STAFF, full_name="Nadia Bennani")
    for name in EVENT_NAMES:
        _row(dossier, name, actor=nadia)
    db.session.commit()
    login_as(make_user(Role.STAFF))
    assert f"{len(EVENT_NAMES)} events" in search(client, call)
    for name in EVENT_NAMES:
        html = search(client, call, f"?event={name}&reference={dossier.reference}&user=nadia")
        assert "1 event" in html, name
        assert f"<td>{escape(event_label(name))}</td>" in html, name
        assert "<td>Nadia Bennani</td>" in html
    export = client.get(f"/dashboard/calls/{call.id}/audit.csv?event=person_erased")
    assert export.get_data(as_text=True).count("\n") == 2


def test_the_person_filter_finds_what_was_done_about_someone_and_says_so(
    client, make_user, make_call, login_as
):
    call = make_call("ABOUT-2026")
    dossier = add_dossier(call)
    nadia = make_user(Role.STAFF, full_name="Nadia Bennani")
    jamal = make_user(Role.JUROR, full_name="Jamal Alaoui", email="jamal@jury.example")
    _row(
        dossier,
        Event.CONFLICT_RECORDED,
        actor=nadia,
        juror_id=jamal.id,
        juror=jamal.email,
        kind="family",
    )
    _row(dossier, Event.CALL_EDITED, actor=nadia, capacity=[20, 30], fields=["a", "b"])
    db.session.commit()
    login_as(make_user(Role.STAFF))
    about = search(client, call, "?user=jamal@jury")
    assert "1 event" in about
    assert "<td>Nadia Bennani</td>" in about and "<td>Jamal Alaoui</td>" in about
    assert "Kind: Family" in about and "jamal@jury.example" not in about
    edited = search(client, call, "?event=call_edited")
    assert "capacity: 20 → 30" in edited and "Answers: a, b" in edited
    rows = client.get(f"/dashboard/calls/{call.id}/audit.csv?user=jamal").get_data(as_text=True)
    assert "Jamal Alaoui" in rows and "Kind: Family" in rows


def test_a_draft_is_found_by_its_number(client, make_user, make_call, login_as):
    call = make_call("DRAFT-2026")
    draft = add_dossier(call, "draft")
    _row(draft, Event.ANSWERS_SAVED, fields=["title"])
    db.session.commit()
    login_as(make_user(Role.STAFF))
    html = search(client, call, f"?reference=%23{draft.id}")
    assert "1 event" in html and f"draft #{draft.id}" in html


def test_the_empty_trail_says_what_will_appear_and_a_fruitless_search_how_to_widen_it(
    client, make_user, make_call, login_as, trail
):
    login_as(make_user(Role.STAFF))
    empty = search(client, make_call("QUIET-2026"))
    assert "Nothing recorded yet" in empty and "who did what" in empty
    call, _first, _second = trail
    fruitless = search(client, call, "?event=selection_published")
    assert "No event matches" in fruitless and "Widen the period" in fruitless
    assert f'href="/dashboard/calls/{call.id}/audit"' in fruitless
