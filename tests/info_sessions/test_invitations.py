"""A registration e-mail carries the session as a calendar invitation (RFC 5545, in
Europe/Brussels time), sent through the real SMTP server and read back with icalendar;
a change of the session sends it again under the same UID."""

from datetime import timedelta
from email import message_from_bytes, policy
from zoneinfo import ZoneInfo

from icalendar import Calendar

from app.auth.models import Role
from app.common.clock import utcnow
from app.extensions import db
from app.info_sessions.models import InfoSession
from tests.helpers import outbox_messages
from tests.outbox.test_outbox import smtp_server  # noqa: F401 - the real SMTP server

BRUSSELS = ZoneInfo("Europe/Brussels")


def _session(make_call, **values) -> InfoSession:
    starts = (utcnow() + timedelta(days=20)).replace(hour=17, minute=0, second=0, microsecond=0)
    info_session = InfoSession(
        call=make_call("MBI-2026"),
        city="Liège",
        venue="Cité Miroir, Place Xavier Neujean 22, 4000 Liège",
        starts_at=starts,
        ends_at=starts + timedelta(hours=2),
        capacity=40,
        **values,
    )
    db.session.add(info_session)
    db.session.commit()
    return info_session


def _invitation(envelope) -> tuple[Calendar, object]:
    """The calendar attached to the e-mail the SMTP server received, and its part."""
    mail = message_from_bytes(envelope.content, policy=policy.default)
    [part] = [p for p in mail.iter_attachments() if p.get_content_type() == "text/calendar"]
    return Calendar.from_ical(part.get_payload(decode=True)), part


def test_the_registration_email_carries_the_session_as_an_invitation(
    app,
    client,
    make_call,
    smtp_server,  # noqa: F811
):
    info_session = _session(make_call)
    response = client.post(
        f"/sessions/{info_session.id}/register",
        data={"full_name": "Nadia Tazi", "email": "nadia@example.org"},
        headers={"Accept-Language": "fr"},
    )
    assert response.status_code == 302
    [envelope] = smtp_server.messages
    assert envelope.rcpt_tos == ["nadia@example.org"]
    calendar, part = _invitation(envelope)
    assert part.get_filename() == "information-session.ics"
    assert part.get_param("method") == "PUBLISH"
    [event] = calendar.events
    # The start and end as the session's, written in Brussels time with its zone.
    assert event.start == info_session.starts_at and event.end == info_session.ends_at
    assert event["DTSTART"].params["TZID"] == "Europe/Brussels"
    assert event.start.utcoffset() == info_session.starts_at.astimezone(BRUSSELS).utcoffset()
    assert event.start.hour == info_session.starts_at.astimezone(BRUSSELS).hour
    [timezone] = calendar.timezones
    assert timezone.tz_name == "Europe/Brussels"
    # In the visitor's language, with the place; nobody's name or address in it.
    assert str(event["SUMMARY"]) == f"Séance d’information : {info_session.call.name}"
    assert str(event["LOCATION"]) == "Cité Miroir, Place Xavier Neujean 22, 4000 Liège, Liège"
    text = part.get_payload(decode=True).decode()
    assert "Nadia" not in text and "nadia@example.org" not in text
    assert str(event["UID"]).startswith(f"info-session-{info_session.id}@")
    assert "information-session.ics" in outbox_messages()[0].body_text


def test_a_changed_session_sends_the_invitation_again_under_the_same_uid(
    client,
    make_call,
    make_user,
    login_as,
    smtp_server,  # noqa: F811
):
    info_session = _session(make_call)
    for email in ("nadia@example.org", "omar@example.org"):
        client.post(
            f"/sessions/{info_session.id}/register",
            data={"full_name": "Visitor", "email": email},
            headers={"Accept-Language": "nl" if email.startswith("omar") else "en"},
        )
    first, _ = _invitation(smtp_server.messages[0])
    login_as(make_user(Role.STAFF))
    later = info_session.starts_at.astimezone(BRUSSELS) + timedelta(days=1, hours=1)
    response = client.post(
        f"/staff/sessions/{info_session.id}/edit",
        data={
            "city": "Liège",
            "venue": "La Cité Miroir, salle 2",
            "starts_at": later.strftime("%Y-%m-%dT%H:%M"),
            "ends_at": (later + timedelta(hours=2)).strftime("%Y-%m-%dT%H:%M"),
            "capacity": "40",
        },
    )
    assert response.status_code == 302
    changed = [m for m in outbox_messages() if m.template == "session_changed"]
    assert sorted(m.recipient for m in changed) == ["nadia@example.org", "omar@example.org"]
    assert {m.subject for m in changed} == {
        "The information session in Liège has changed",
        "De infosessie in Liège is gewijzigd",
    }
    envelope = next(e for e in smtp_server.messages[2:] if e.rcpt_tos == ["nadia@example.org"])
    again, _ = _invitation(envelope)
    [before], [after] = first.events, again.events
    assert after["UID"] == before["UID"]
    assert after["SEQUENCE"] > before["SEQUENCE"]
    assert after.start == later and str(after["LOCATION"]) == "La Cité Miroir, salle 2, Liège"


def test_a_seat_change_alone_sends_nothing(client, make_call, make_user, login_as):
    info_session = _session(make_call)
    client.post(
        f"/sessions/{info_session.id}/register",
        data={"full_name": "Visitor", "email": "nadia@example.org"},
    )
    login_as(make_user(Role.STAFF))
    local = info_session.starts_at.astimezone(BRUSSELS)
    client.post(
        f"/staff/sessions/{info_session.id}/edit",
        data={
            "city": info_session.city,
            "venue": info_session.venue,
            "starts_at": local.strftime("%Y-%m-%dT%H:%M"),
            "ends_at": (local + timedelta(hours=2)).strftime("%Y-%m-%dT%H:%M"),
            "capacity": "60",
        },
    )
    assert [m.template for m in outbox_messages()] == ["session_registration"]
