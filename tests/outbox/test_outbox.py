"""Every email is an outbox row first, queued with the change that causes it, sent after commit."""

import socket

import pytest
from aiosmtpd.controller import Controller

from app.auth.models import Role
from app.extensions import db
from app.jury.models import ConflictOfInterest
from app.outbox.services import queue_email
from tests.helpers import outbox_messages


class Inbox:
    def __init__(self):
        self.messages = []

    async def handle_DATA(self, server, session, envelope):
        self.messages.append(envelope)
        return "250 OK"


@pytest.fixture
def smtp_server(app):
    inbox = Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=_free_port())
    controller.start()
    app.config.update(MAIL_SERVER="127.0.0.1", MAIL_PORT=controller.port, MAIL_USE_TLS=False)
    yield inbox
    controller.stop()
    app.config.update(MAIL_SERVER=None)


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def test_a_rolled_back_change_sends_nothing(app, make_user):
    user = make_user(Role.APPLICANT)
    queue_email(user.email, "Hello", "welcome", user=user, login_url="http://x")
    db.session.rollback()
    assert outbox_messages() == []


def test_a_committed_message_is_delivered_by_smtp(app, make_user, smtp_server):
    user = make_user(Role.APPLICANT, full_name="Nadia Tazi")
    queue_email(user.email, "Welcome", "welcome", user=user, login_url="http://x/login")
    db.session.commit()
    [message] = outbox_messages()
    assert message.status == "sent" and message.sent_at is not None
    [envelope] = smtp_server.messages
    assert envelope.rcpt_tos == [user.email]
    assert b"Nadia Tazi" in envelope.content


def test_an_smtp_failure_is_recorded_and_retried_by_the_command(app, runner, make_user):
    user = make_user(Role.APPLICANT)
    app.config.update(MAIL_SERVER="127.0.0.1", MAIL_PORT=_free_port(), MAIL_USE_TLS=False)
    try:
        queue_email(user.email, "Welcome", "welcome", user=user, login_url="http://x")
        db.session.commit()
        db.session.expire_all()
        [message] = outbox_messages()
        assert message.status == "failed" and message.last_error
    finally:
        app.config.update(MAIL_SERVER=None)
    result = runner.invoke(args=["outbox", "send"])
    assert "1 message" in result.output
    db.session.expire_all()
    assert outbox_messages()[0].status == "sent"
    assert outbox_messages()[0].attempts == 2


def test_without_smtp_messages_go_to_the_log(app, make_user, caplog):
    user = make_user(Role.APPLICANT)
    with caplog.at_level("INFO", logger="impulse.outbox"):
        queue_email(user.email, "Welcome", "welcome", user=user, login_url="http://x")
        db.session.commit()
    assert user.email in caplog.text
    assert outbox_messages()[0].status == "sent"


def test_emails_are_written_in_the_recipients_language(app, make_user):
    user = make_user(Role.APPLICANT, locale="fr", full_name="Omar")
    from flask_babel import lazy_gettext as _l

    queue_email(
        user.email,
        _l("Welcome to Impulse"),
        "welcome",
        locale="fr",
        user=user,
        login_url="http://x",
    )
    db.session.commit()
    message = outbox_messages()[0]
    assert message.subject == "Bienvenue sur Impulse"
    assert "Bonjour Omar" in message.body_text


def test_an_arabic_email_is_in_arabic_and_marked_right_to_left(app, make_user):
    from flask_babel import lazy_gettext as _l

    from app.outbox.services import RLM

    user = make_user(Role.APPLICANT, locale="ar", full_name="Omar")
    queue_email(
        user.email,
        _l("Welcome to Impulse"),
        "welcome",
        locale="ar",
        user=user,
        login_url="https://impulse.example/login",
    )
    queue_email(
        user.email, _l("Welcome to Impulse"), "welcome", locale="nl", user=user, login_url="x"
    )
    db.session.commit()
    arabic, dutch = outbox_messages()
    assert arabic.subject == RLM + "مرحبًا بكم في Impulse"
    lines = [line for line in arabic.body_text.splitlines() if line.strip()]
    assert "حسابكم في Impulse جاهز" in arabic.body_text
    assert all(line.startswith(RLM) for line in lines if not line.startswith("-- "))
    assert "https://impulse.example/login" in arabic.body_text
    assert dutch.subject == "Welkom bij Impulse" and RLM not in dutch.body_text
    assert "Uw Impulse-account is klaar." in dutch.body_text


def test_staff_see_the_outbox(client, make_user, login_as):
    user = make_user(Role.APPLICANT)
    queue_email(user.email, "A subject to find", "welcome", user=user, login_url="http://x")
    db.session.commit()
    login_as(make_user(Role.STAFF))
    html = client.get("/staff/outbox/").get_data(as_text=True)
    assert "A subject to find" in html and user.email in html
    message = outbox_messages()[0]
    assert "http://x" in client.get(f"/staff/outbox/{message.id}").get_data(as_text=True)


def test_a_staff_member_in_conflict_does_not_read_the_dossiers_emails(
    client, make_user, make_application, login_as
):
    hidden, shown = make_application("submitted"), make_application("submitted")
    about = {}
    for application, subject in ((hidden, "About Zineb's argan project"), (shown, "About another")):
        about[application.id] = queue_email(
            application.applicant.email,
            subject,
            "welcome",
            application_id=application.id,
            user=application.applicant,
            login_url="http://x",
        )
    staff = make_user(Role.STAFF)
    db.session.add(ConflictOfInterest(application_id=hidden.id, juror_id=staff.id, kind="family"))
    db.session.commit()
    login_as(staff)
    page = client.get("/staff/outbox/").get_data(as_text=True)
    assert "About another" in page
    assert "Zineb" not in page and hidden.applicant.email not in page
    assert client.get(f"/staff/outbox/{about[hidden.id].id}").status_code == 404
    assert client.get(f"/staff/outbox/{about[shown.id].id}").status_code == 200
