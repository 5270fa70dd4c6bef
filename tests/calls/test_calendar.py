"""Staff subscribe to a call's calendar feed: its deadlines and information sessions, at a
link nobody can guess (signed, renewable), that holds no applicant's data."""

import html
import re
from datetime import UTC, datetime, timedelta

import pytest
from icalendar import Calendar
from sqlalchemy import select

from app.audit.models import AuditEvent
from app.auth.models import Role
from app.common.clock import utcnow
from app.events import Event
from app.extensions import db
from app.info_sessions.models import InfoSession, SessionRegistration
from app.jury.scoring import set_scoring_open
from app.selection.models import SelectionDecision, SelectionRound
from workflows.selection import RoundStatus


@pytest.fixture
def call(make_call):
    call = make_call(
        "MBI-2026",
        opens_in=-10,
        closes_in=20,
        name="Maghrib Belgium Impulse 2026",
    )
    # Deadlines at known moments: 31 March (summer time) and 1 March (winter time).
    call.opens_at = datetime(2026, 3, 1, 9, 0, tzinfo=UTC)  # 10:00 in Brussels
    call.closes_at = datetime(2026, 3, 31, 21, 59, tzinfo=UTC)  # 23:59 in Brussels
    starts = datetime(2026, 3, 12, 17, 0, tzinfo=UTC)  # 18:00 in Brussels
    session = InfoSession(
        call=call,
        city="Antwerp",
        venue="Permeke, De Coninckplein 25",
        starts_at=starts,
        ends_at=starts + timedelta(hours=2),
        capacity=40,
    )
    session.registrations.append(
        SessionRegistration(full_name="Zineb Alaoui", email="zineb@example.org")
    )
    db.session.add(session)
    db.session.commit()
    return call


def _feed_url(client, call) -> str:
    page = client.get(f"/staff/calls/{call.id}", headers={"Accept-Language": "en"})
    link = re.search(r'id="calendar-url" type="url" dir="ltr" value="([^"]+)"', page.text)
    assert link, "no calendar link on the call's page"
    return html.unescape(link.group(1))


def _path(url: str) -> str:
    return url.split("//", 1)[1].split("/", 1)[1].join(("/", ""))


@pytest.fixture
def staff_client(client, make_user, login_as):
    login_as(make_user(Role.STAFF))
    return client


def test_the_call_page_links_a_feed_calendar_apps_read_without_logging_in(app, staff_client, call):
    url = _feed_url(staff_client, call)
    assert url.startswith(app.config["BASE_URL"]) and url.endswith("lang=en")
    staff_client.post("/logout")
    response = staff_client.get(_path(url))  # a calendar app: no session
    assert response.status_code == 200
    assert response.mimetype == "text/calendar"
    calendar = Calendar.from_ical(response.data)
    assert calendar.timezones[0].tz_name == "Europe/Brussels"
    events = {str(event["SUMMARY"]): event for event in calendar.events}
    assert list(events) == [
        "MBI-2026: applications open",
        "MBI-2026: information session in Antwerp",
        "MBI-2026: deadline for applications",
    ]
    deadline = events["MBI-2026: deadline for applications"]
    assert deadline.start == call.closes_at
    assert (deadline.start.hour, deadline.start.minute) == (23, 59)  # Brussels time
    assert deadline["DTSTART"].params["TZID"] == "Europe/Brussels"
    opening = events["MBI-2026: applications open"]
    assert opening.start.hour == 10 and opening.start.utcoffset() == timedelta(hours=1)
    session = events["MBI-2026: information session in Antwerp"]
    assert (session.start.hour, session.end.hour) == (18, 20)
    assert str(session["LOCATION"]) == "Permeke, De Coninckplein 25, Antwerp"
    assert str(session["DESCRIPTION"]) == "1 of 40 seats taken."
    # Nobody's name or address.
    assert b"Zineb" not in response.data and b"zineb@example.org" not in response.data


def test_the_feed_speaks_the_language_of_the_link(staff_client, call):
    url = _feed_url(staff_client, call).replace("lang=en", "lang=fr")
    calendar = Calendar.from_ical(staff_client.get(_path(url)).data)
    summaries = [str(event["SUMMARY"]) for event in calendar.events]
    assert "MBI-2026 : date limite des candidatures" in summaries


def test_uids_stay_the_same_from_one_reading_to_the_next(staff_client, call):
    path = _path(_feed_url(staff_client, call))
    first = [str(e["UID"]) for e in Calendar.from_ical(staff_client.get(path).data).events]
    second = [str(e["UID"]) for e in Calendar.from_ical(staff_client.get(path).data).events]
    assert first == second and len(set(first)) == 3
    session = db.session.scalar(select(InfoSession))
    # The session's UID is the one its registration invitation carries.
    assert f"info-session-{session.id}@127.0.0.1" in first


def test_scoring_selection_and_confirmation_deadlines_join_the_feed(
    staff_client, call, make_user, make_application
):
    staff = make_user(Role.STAFF)
    set_scoring_open(call, True, actor=staff)
    call.scoring_closes_at = datetime(2026, 5, 15, 15, 0, tzinfo=UTC)  # 17:00 in Brussels
    published = utcnow().replace(microsecond=0)
    selection = SelectionRound(
        call_id=call.id, status=RoundStatus.PUBLISHED, published_at=published
    )
    application = make_application("selected", call=call)
    selection.decisions.append(
        SelectionDecision(
            application_id=application.id,
            decision="selected",
            rank=1,
            score=80.0,
            pure_decision="selected",
            confirm_by=published + timedelta(days=call.confirmation_days),
        )
    )
    db.session.add(selection)
    db.session.commit()
    calendar = Calendar.from_ical(staff_client.get(_path(_feed_url(staff_client, call))).data)
    events = {str(event["SUMMARY"]): event for event in calendar.events}
    assert "MBI-2026: scoring opened" in events
    scores_due = events["MBI-2026: deadline for the jury's scores"]
    assert scores_due.start == call.scoring_closes_at and scores_due.start.hour == 17
    assert events["MBI-2026: selection published"].start == published
    confirm = events["MBI-2026: deadline to confirm a place"]
    assert confirm.start == published + timedelta(days=call.confirmation_days)
    assert application.reference not in staff_client.get(_path(_feed_url(staff_client, call))).text


def test_a_forged_or_damaged_link_is_a_404(staff_client, call, make_call):
    path = _path(_feed_url(staff_client, call))
    token = path.split("/")[-1].split(".ics")[0]
    other = make_call("GSB-2026")
    forged = path.replace(token, token[:-2] + ("AA" if not token.endswith("AA") else "BB"))
    assert staff_client.get(forged).status_code == 404
    assert staff_client.get(path.replace(token, str(other.id))).status_code == 404


def test_renewing_the_link_stops_the_old_one_and_is_audited(staff_client, call):
    old = _path(_feed_url(staff_client, call))
    response = staff_client.post(f"/staff/calls/{call.id}/calendar-link")
    assert response.status_code == 302
    page = staff_client.get(response.headers["Location"], headers={"Accept-Language": "en"})
    assert "The calendar link of MBI-2026 is renewed" in page.text
    new = _path(_feed_url(staff_client, call))
    assert new != old
    assert staff_client.get(old).status_code == 404
    assert staff_client.get(new).status_code == 200
    row = db.session.scalars(
        select(AuditEvent).where(AuditEvent.event == Event.CALENDAR_LINK_RENEWED)
    ).one()
    assert row.call_id == call.id and row.actor_id is not None
    assert call.calendar_key not in str(row.data)
