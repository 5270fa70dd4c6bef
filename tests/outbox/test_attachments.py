"""A message may carry files: stored with it, sent with it by SMTP (again on a retry), and
listed on the staff's view of the outbox."""

from email import message_from_bytes, policy

from app.auth.models import Role
from app.extensions import db
from app.outbox.services import Attachment, queue_email
from tests.helpers import outbox_messages
from tests.outbox.test_outbox import _free_port, smtp_server  # noqa: F401

INVITATION = Attachment(
    "invitation.ics",
    "text/calendar; method=PUBLISH; charset=UTF-8",
    b"BEGIN:VCALENDAR\r\nVERSION:2.0\r\nEND:VCALENDAR\r\n",
)


def _queue(user):
    return queue_email(
        user.email,
        "Welcome",
        "welcome",
        user=user,
        login_url="http://x/login",
        attachments=[INVITATION],
    )


def test_an_attachment_is_sent_with_the_message(app, make_user, smtp_server):  # noqa: F811
    user = make_user(Role.APPLICANT, full_name="Nadia Tazi")
    _queue(user)
    db.session.commit()
    [envelope] = smtp_server.messages
    mail = message_from_bytes(envelope.content, policy=policy.default)
    assert "Nadia Tazi" in mail.get_body(("plain",)).get_content()
    [part] = list(mail.iter_attachments())
    assert part.get_content_type() == "text/calendar"
    assert part.get_filename() == "invitation.ics"
    assert part.get_param("method") == "PUBLISH"
    assert part.get_payload(decode=True) == INVITATION.content


def test_a_retried_message_sends_the_same_file(app, runner, make_user):
    user = make_user(Role.APPLICANT)
    app.config.update(MAIL_SERVER="127.0.0.1", MAIL_PORT=_free_port(), MAIL_USE_TLS=False)
    try:
        _queue(user)
        db.session.commit()
        db.session.expire_all()
        assert outbox_messages()[0].status == "failed"
    finally:
        app.config.update(MAIL_SERVER=None)
    [message] = outbox_messages()
    assert [(a.filename, a.content) for a in message.attachments] == [
        ("invitation.ics", INVITATION.content)
    ]


def test_without_smtp_the_log_names_the_files(app, make_user, caplog):
    user = make_user(Role.APPLICANT)
    with caplog.at_level("INFO", logger="impulse.outbox"):
        _queue(user)
        db.session.commit()
    assert "invitation.ics" in caplog.text


def test_staff_see_the_files_of_a_message(client, make_user, login_as):
    user = make_user(Role.APPLICANT)
    message = _queue(user)
    db.session.commit()
    login_as(make_user(Role.STAFF))
    page = client.get(f"/staff/outbox/{message.id}", headers={"Accept-Language": "en"}).text
    assert "Attachments" in page and "invitation.ics" in page
