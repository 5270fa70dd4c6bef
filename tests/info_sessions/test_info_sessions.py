"""Information sessions: staff plan them, visitors register without an account.

Every refused input gets a clear message and writes nothing; the last seat goes to
one visitor only; the public list costs the same queries for 1 or many sessions.
"""

import csv
import io
import random
from contextlib import contextmanager
from datetime import timedelta

import pytest
from sqlalchemy import event, func, select

from app.auth.models import Role
from app.common.clock import to_brussels, utcnow
from app.extensions import db
from app.info_sessions.demo import add_demo_sessions
from app.info_sessions.models import InfoSession, SessionRegistration, sessions_with_counts
from app.info_sessions.services import SessionFull, register_visitor
from tests.conftest import _empty_tables
from tests.helpers import outbox_messages, race

EN = {"Accept-Language": "en"}
VALID = {
    "city": "Brussels",
    "venue": "Espace Magh, Rue du Poinçon 17, 1000 Bruxelles",
    "starts_at": "2027-03-10T18:00",
    "ends_at": "2027-03-10T20:00",
    "capacity": "80",
}


@pytest.fixture
def staff_client(client, make_user, login_as):
    login_as(make_user(Role.STAFF))
    return client


@pytest.fixture
def make_session(app, make_call):
    """make_session(call=None, starts_in=days, capacity=50, registrations=0, city=...)."""

    def make(call=None, *, starts_in=7, capacity=50, registrations=0, city="Antwerp", names=()):
        starts = utcnow() + timedelta(days=starts_in)
        info_session = InfoSession(
            call=call or make_call(),
            city=city,
            venue="Stadsbibliotheek Permeke, De Coninckplein 25, 2060 Antwerpen",
            starts_at=starts,
            ends_at=starts + timedelta(hours=2),
            capacity=capacity,
        )
        names = list(names) or [f"Visitor {n}" for n in range(1, registrations + 1)]
        for number, name in enumerate(names, start=1):
            info_session.registrations.append(
                SessionRegistration(full_name=name, email=f"visitor{number}@example.net")
            )
        db.session.add(info_session)
        db.session.commit()
        return info_session

    return make


def _sessions() -> int:
    return db.session.scalar(select(func.count()).select_from(InfoSession))


def _registrations() -> int:
    return db.session.scalar(select(func.count()).select_from(SessionRegistration))


# Staff -----------------------------------------------------------------------------


def test_staff_add_a_session_in_brussels_time(staff_client, make_call):
    call = make_call()
    response = staff_client.post(f"/staff/calls/{call.id}/sessions", data=VALID)
    assert response.status_code == 302
    added = db.session.scalar(select(InfoSession))
    assert (added.call_id, added.city, added.capacity) == (call.id, "Brussels", 80)
    assert added.starts_at.utcoffset().total_seconds() == 0  # stored in UTC
    assert added.starts_at.hour == 17  # 18:00 in Brussels, winter time
    assert to_brussels(added.ends_at).hour == 20
    page = staff_client.get(response.headers["Location"], headers=EN).get_data(as_text=True)
    assert "Brussels" in page and "0 / 80" in page


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"ends_at": "2027-03-10T17:00"}, "must end after it starts"),
        ({"ends_at": "2027-03-10T18:00"}, "must end after it starts"),
        ({"capacity": "0"}, "between 1 and 10000 seats"),
        ({"capacity": "-5"}, "between 1 and 10000 seats"),
        ({"capacity": ""}, "Please give a number"),
        ({"city": ""}, "Please give the city"),
        ({"city": "   "}, "Please give the city"),
        ({"city": "x" * 101}, "At most 100 characters"),
        ({"venue": ""}, "Please give the venue"),
        ({"venue": "x" * 301}, "At most 300 characters"),
        ({"starts_at": "not a date"}, "date"),
        ({"ends_at": ""}, "Please give a date and time"),
    ],
)
def test_bad_session_values_get_a_clear_message_and_save_nothing(
    staff_client, make_call, change, message
):
    call = make_call()
    response = staff_client.post(
        f"/staff/calls/{call.id}/sessions", data=VALID | change, headers=EN
    )
    assert response.status_code == 200
    assert message in response.get_data(as_text=True)
    assert _sessions() == 0


def test_edit_a_session(staff_client, make_session):
    info_session = make_session(registrations=3)
    form = staff_client.get(f"/staff/sessions/{info_session.id}/edit").get_data(as_text=True)
    assert "Stadsbibliotheek Permeke" in form
    local_start = to_brussels(info_session.starts_at).strftime("%Y-%m-%dT%H:%M")
    assert local_start in form  # shown in Brussels time
    response = staff_client.post(
        f"/staff/sessions/{info_session.id}/edit", data=VALID | {"capacity": "3"}
    )
    assert response.status_code == 302
    db.session.expire_all()
    assert (info_session.city, info_session.capacity) == ("Brussels", 3)


@pytest.mark.parametrize(
    ("change", "message", "status"),
    [
        ({"capacity": "2"}, "3 people are registered already", 422),  # refused by the service
        ({"ends_at": "2027-03-10T09:00"}, "must end after it starts", 200),  # by the form
        ({"capacity": "0"}, "between 1 and 10000 seats", 200),
        ({"venue": ""}, "Please give the venue", 200),
    ],
)
def test_a_bad_edit_gets_a_message_and_changes_nothing(
    staff_client, make_session, change, message, status
):
    info_session = make_session(registrations=3, capacity=50)
    response = staff_client.post(
        f"/staff/sessions/{info_session.id}/edit", data=VALID | change, headers=EN
    )
    assert response.status_code == status
    assert message in response.get_data(as_text=True)
    db.session.expire_all()
    assert (info_session.city, info_session.capacity) == ("Antwerp", 50)


def test_delete_a_session_nobody_registered_for(staff_client, make_session):
    info_session = make_session()
    response = staff_client.post(f"/staff/sessions/{info_session.id}/delete")
    assert response.status_code == 302
    assert _sessions() == 0


def test_a_session_with_registrations_cannot_be_deleted(staff_client, make_session):
    info_session = make_session(registrations=1)
    response = staff_client.post(
        f"/staff/sessions/{info_session.id}/delete", headers=EN, follow_redirects=True
    )
    assert "cannot be deleted" in response.get_data(as_text=True)
    assert (_sessions(), _registrations()) == (1, 1)


def test_staff_see_who_registered(staff_client, make_session):
    info_session = make_session(names=["Nadia Tazi", "Karim Benali"])
    page = staff_client.get(f"/staff/sessions/{info_session.id}", headers=EN)
    body = page.get_data(as_text=True)
    assert "Nadia Tazi" in body and "visitor2@example.net" in body
    assert "2 registered for 50 seats" in body


def test_the_registrations_download_as_csv_safe_for_spreadsheets(staff_client, make_session):
    info_session = make_session(
        city="Liège", names=["Nadia Tazi", '=HYPERLINK("http://evil.example","click")']
    )
    response = staff_client.get(f"/staff/sessions/{info_session.id}/registrations.csv", headers=EN)
    assert response.status_code == 200
    assert response.mimetype == "text/csv"
    disposition = response.headers["Content-Disposition"]
    assert disposition.startswith('attachment; filename="') and "-Liege-" in disposition
    assert "filename*=UTF-8''" in disposition and "-Li%C3%A8ge-" in disposition
    raw = response.get_data()
    assert raw.startswith("\ufeff".encode())
    rows = list(csv.reader(io.StringIO(raw.decode("utf-8-sig"))))
    assert rows[0] == ["Name", "Email address", "Registered at"]
    assert rows[1][:2] == ["Nadia Tazi", "visitor1@example.net"]
    assert rows[2][0] == '\'=HYPERLINK("http://evil.example","click")'
    assert rows[1][2].endswith("+00:00") and "T" in rows[1][2]  # ISO 8601


# Visitors --------------------------------------------------------------------------


def _register(client, info_session, email="Nadia.Tazi@Example.ORG", name="Nadia Tazi", **extra):
    data = {"full_name": name, "email": email, "next": "/calls/1/sessions"} | extra
    return client.post(f"/sessions/{info_session.id}/register", data=data, headers=EN)


def _flashed(client, response) -> str:
    return client.get(response.headers["Location"], headers=EN).get_data(as_text=True)


def test_a_visitor_registers_and_gets_a_confirmation(client, make_session):
    info_session = make_session(city="Liège")
    response = _register(client, info_session)
    assert response.status_code == 302
    assert response.headers["Location"] == "/calls/1/sessions"
    registration = db.session.scalar(select(SessionRegistration))
    assert (registration.full_name, registration.email) == ("Nadia Tazi", "nadia.tazi@example.org")
    (message,) = outbox_messages()
    assert (message.recipient, message.template) == (
        "nadia.tazi@example.org",
        "session_registration",
    )
    assert "Liège" in message.subject and "Hello Nadia Tazi" in message.body_text
    assert "Stadsbibliotheek Permeke" in message.body_text
    assert to_brussels(info_session.starts_at).strftime("%H:%M") in message.body_text


def test_the_confirmation_is_in_the_visitors_language(client, make_session, monkeypatch):
    import app.info_sessions.services as services

    locales = []
    real = services.queue_email
    monkeypatch.setattr(
        services, "queue_email", lambda *a, **k: locales.append(k["locale"]) or real(*a, **k)
    )
    info_session = make_session()
    client.post(
        f"/sessions/{info_session.id}/register",
        data={"full_name": "Nadia Tazi", "email": "nadia@example.org"},
        headers={"Accept-Language": "fr-BE,fr;q=0.9"},
    )
    assert locales == ["fr"]


@pytest.mark.parametrize(
    ("setup", "email", "message"),
    [
        ({"capacity": 2, "registrations": 2}, "nadia@example.org", "This session is full"),
        ({"registrations": 1}, "  Visitor1@Example.NET ", "already registered"),
        ({"starts_in": -1}, "nadia@example.org", "already taken place"),
    ],
    ids=["full", "twice", "past"],
)
def test_a_refused_registration_says_why_and_writes_nothing(
    client, make_session, setup, email, message
):
    info_session = make_session(**setup)
    before = _registrations()
    response = _register(client, info_session, email=email)
    assert response.status_code == 302
    assert message in _flashed(client, response)
    assert _registrations() == before and outbox_messages() == []


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"full_name": ""}, "Please give your name"),
        ({"full_name": "x" * 201}, "At most 200 characters"),
        ({"email": "not-an-address"}, "not a valid email address"),
        ({"email": ""}, "Please enter your email address"),
    ],
)
def test_a_bad_registration_gets_a_message_and_writes_nothing(
    client, make_session, change, message
):
    info_session = make_session()
    response = _register(client, info_session, **change)
    assert response.status_code == 302
    assert message in _flashed(client, response)
    assert _registrations() == 0 and outbox_messages() == []


@pytest.mark.parametrize("target", ["https://evil.example/", "//evil.example", ""])
def test_registration_goes_back_only_to_this_site(client, make_session, target):
    response = _register(client, make_session(), next=target)
    assert response.headers["Location"] == "/"


def test_concurrent_visitors_cannot_overbook(app, make_session):
    info_session_id = make_session(capacity=2).id

    def register(number, ready):
        row = db.session.get(InfoSession, info_session_id)
        ready()
        data = {"full_name": f"V{number}", "email": f"v{number}@example.org"}
        register_visitor(row, data, locale="en")
        db.session.commit()

    named = {"won": "registered", "lost": "full"}
    outcomes = [named.get(o, o) for o in race(app, register, range(6), lost=(SessionFull,))]
    assert sorted(outcomes) == ["full"] * 4 + ["registered"] * 2
    assert _registrations() == 2


def test_the_public_list_shows_coming_sessions_and_seats_left(client, make_call, make_session):
    call = make_call()
    make_session(call, city="Antwerp", capacity=60, registrations=3)
    make_session(call, city="Brussels", capacity=1, registrations=1, starts_in=8)
    make_session(call, city="Namur", starts_in=-2)
    body = client.get(f"/calls/{call.id}/sessions", headers=EN).get_data(as_text=True)
    assert "57 seats left" in body and "Full" in body and "This session is full" in body
    assert "Namur" not in body  # over already
    assert body.count('name="full_name"') == 1  # no form for the full session
    assert f'name="next" value="/calls/{call.id}/sessions"' in body
    assert 'name="csrf_token"' in body


@contextmanager
def _counting_queries():
    statements = []

    def count(conn, cursor, statement, parameters, context, executemany):
        statements.append(statement)

    event.listen(db.engine, "before_cursor_execute", count)
    try:
        yield statements
    finally:
        event.remove(db.engine, "before_cursor_execute", count)


@pytest.mark.parametrize("as_staff", [False, True], ids=["public", "staff"])
def test_session_lists_cost_the_same_queries_for_one_or_many(
    client, make_user, login_as, make_call, make_session, as_staff
):
    if as_staff:
        login_as(make_user(Role.STAFF))
    url = "/staff/calls/{}/sessions" if as_staff else "/calls/{}/sessions"
    one, many = make_call(), make_call()
    make_session(one, registrations=2)
    for day in range(5):
        make_session(many, starts_in=day + 1, registrations=day + 1)
    counts = []
    for call in (one, many):
        with _counting_queries() as statements:
            assert client.get(url.format(call.id), headers=EN).status_code == 200
        counts.append(len(statements))
    assert counts[0] == counts[1]


def _demo(make_call, seed):
    from faker import Faker

    faker = Faker(["fr_BE", "nl_BE"])
    faker.seed_instance(seed)
    call = make_call()
    add_demo_sessions(call, random.Random(seed), faker)
    db.session.commit()
    return [
        (to_brussels(s.starts_at).strftime("%a %H:%M"), s.city, s.capacity, count)
        for s, count in sessions_with_counts(call)
    ], [(r.full_name, r.email) for r in db.session.scalars(select(SessionRegistration))]


def test_the_demo_sessions_are_deterministic_and_one_is_full(app, make_call):
    sessions, people = _demo(make_call, 7)
    assert [(city, seats) for _, city, seats, _ in sessions] == [
        ("Antwerp", 60),
        ("Brussels", 80),
        ("Liège", 50),
    ]
    assert all(
        when.endswith("18:00") and not when.startswith(("Sat", "Sun")) for when, *_ in sessions
    )
    assert sessions[2][3] == 50 and sessions[0][3] < 60 and sessions[1][3] < 80
    assert people[0][1] == "visitor1@example.net"
    _empty_tables()
    assert _demo(make_call, 7) == (sessions, people)
