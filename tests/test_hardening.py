"""Rate limits on every public form, trusted hosts, the proxy count, structured logs."""

import json
import logging
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from app import config as app_config
from app import create_app
from app.auth.models import Role, User
from app.common.clock import utcnow
from app.common.limits import VERIFY_LIMIT, rate_limit
from app.extensions import db, limiter
from app.info_sessions.models import InfoSession
from tests.conftest import PASSWORD
from tests.helpers import limits, outbox_messages

EN = {"Accept-Language": "en"}


def _codes(responses):
    return [response.status_code for response in responses]


def test_registration_is_rate_limited(app, client):
    with limits(app, REGISTER_RATE_LIMIT="2 per minute"):
        codes = _codes(
            client.post(
                "/register",
                data={"email": "not an address", "full_name": "X", "password": "short"},
                headers=EN,
            )
            for _ in range(3)
        )
        blocked = client.post(
            "/register",
            data={
                "email": "late@example.org",
                "full_name": "Late Comer",
                "password": "a long enough password",
                "password_again": "a long enough password",
                "accept_privacy": "y",
            },
            headers=EN,
        )
        page = client.get("/register")  # reading the form is never limited
    assert codes == [200, 200, 429]
    assert blocked.status_code == 429 and "Too many attempts" in blocked.get_data(as_text=True)
    assert page.status_code == 200
    assert db.session.scalar(select(func.count()).select_from(User)) == 0


def test_password_reset_requests_and_uses_share_one_limit(app, client, make_user):
    user = make_user(Role.APPLICANT)
    with limits(app, PASSWORD_RESET_RATE_LIMIT="2 per minute"):
        first = client.post("/password/forgot", data={"email": user.email})
        second = client.post("/password/reset/some-guessed-token", data={"password": "x"})
        third = client.post("/password/forgot", data={"email": user.email}, headers=EN)
    assert _codes([first, second, third]) == [302, 302, 429]
    assert "Too many attempts" in third.get_data(as_text=True)
    assert len(outbox_messages()) == 1  # the blocked request sent no email


def test_information_session_registration_is_rate_limited(app, client, make_call):
    call = make_call()
    starts = utcnow() + timedelta(days=7)
    info_session = InfoSession(
        call=call,
        city="Gent",
        venue="Zebrastraat",
        starts_at=starts,
        ends_at=starts + timedelta(hours=2),
        capacity=50,
    )
    db.session.add(info_session)
    db.session.commit()
    with limits(app, SESSION_REGISTRATION_RATE_LIMIT="2 per minute"):
        codes = _codes(
            client.post(
                f"/sessions/{info_session.id}/register",
                data={"full_name": f"Visitor {n}", "email": f"v{n}@example.org"},
                headers=EN,
            )
            for n in range(3)
        )
    assert codes == [302, 302, 429]
    assert len(outbox_messages()) == 2


@pytest.fixture
def fresh_app(tmp_path):
    """A second app on its own database, built with ``settings`` (for app-level options)."""
    built = []

    def build(**settings):
        config = app_config.TestConfig(f"sqlite:///{tmp_path}/fresh.db", tmp_path)
        for key, value in settings.items():
            setattr(config, key, value)
        fresh = create_app(config)
        built.append(fresh)
        return fresh

    yield build
    limiter.enabled = False
    for fresh in built:
        with fresh.app_context():
            db.engine.dispose()


@rate_limit(VERIFY_LIMIT)
def verify_probe(code):
    """A public page limited like the letters' verification page."""
    from flask import request

    return {"code": code, "client": request.remote_addr}


def _probe(fresh):
    """The fresh app with the probe page at 2 per minute; limits on."""
    fresh.config[VERIFY_LIMIT] = "2 per minute"
    fresh.add_url_rule("/verify-probe/<code>", view_func=verify_probe)
    limiter.enabled = True
    limiter.reset()
    return fresh.test_client()


def test_the_verification_limit_counts_every_code_together(fresh_app):
    client = _probe(fresh_app())
    codes = _codes(client.get(f"/verify-probe/CODE{n}") for n in range(3))
    assert codes == [200, 200, 429]


def test_without_proxy_count_a_forged_forwarded_for_changes_nothing(fresh_app):
    client = _probe(fresh_app())
    responses = [
        client.get("/verify-probe/A", headers={"X-Forwarded-For": f"10.0.0.{n}"}) for n in range(3)
    ]
    assert _codes(responses) == [200, 200, 429]
    assert responses[0].get_json()["client"] == "127.0.0.1"


def test_with_one_proxy_only_the_address_it_adds_counts(fresh_app):
    client = _probe(fresh_app(PROXY_COUNT=1))
    # The client forges the first entries; the proxy appends the real address last.
    responses = [
        client.get("/verify-probe/A", headers={"X-Forwarded-For": f"10.0.0.{n}, 203.0.113.7"})
        for n in range(3)
    ]
    assert _codes(responses) == [200, 200, 429]
    assert responses[0].get_json()["client"] == "203.0.113.7"
    other = client.get("/verify-probe/A", headers={"X-Forwarded-For": "203.0.113.8"})
    assert other.status_code == 200  # another real client has its own count


def test_untrusted_host_headers_are_refused(app, client, make_user):
    user = make_user(Role.APPLICANT)
    app.config["TRUSTED_HOSTS"] = ["impulse.example"]
    try:
        poisoned = client.post(
            "/password/forgot", data={"email": user.email}, headers={"Host": "evil.example"}
        )
        good = client.get("/privacy", headers={"Host": "impulse.example"})
    finally:
        app.config["TRUSTED_HOSTS"] = None
    assert poisoned.status_code == 400
    assert outbox_messages() == []
    assert good.status_code == 200


def test_emailed_links_come_from_base_url_whatever_the_host(app, client, make_user):
    user = make_user(Role.APPLICANT)
    client.post("/password/forgot", data={"email": user.email}, headers={"Host": "evil.example"})
    (message,) = outbox_messages()
    assert app.config["BASE_URL"] + "/password/reset/" in message.body_text
    assert "evil.example" not in message.body_text


def test_trusted_hosts_and_proxy_count_come_from_the_environment(monkeypatch):
    from app import config as config_module

    monkeypatch.setenv("TRUSTED_HOSTS", "impulse.example, www.impulse.example")
    monkeypatch.setenv("PROXY_COUNT", "2")
    import importlib

    reloaded = importlib.reload(config_module)
    try:
        assert reloaded.Config.TRUSTED_HOSTS == ["impulse.example", "www.impulse.example"]
        assert reloaded.Config.PROXY_COUNT == 2
    finally:
        monkeypatch.delenv("TRUSTED_HOSTS")
        monkeypatch.delenv("PROXY_COUNT")
        importlib.reload(config_module)


class _Lines(logging.Handler):
    def __init__(self):
        super().__init__()
        self.lines = []

    def emit(self, record):
        self.lines.append(record.getMessage())


@pytest.fixture
def request_lines(app):
    handler = _Lines()
    logger = logging.getLogger("impulse.request")
    logger.addHandler(handler)
    app.config["REQUEST_LOG"] = True
    yield handler.lines
    app.config["REQUEST_LOG"] = False
    logger.removeHandler(handler)


def test_each_request_logs_one_json_line_with_its_id(client, make_user, login_as, request_lines):
    user = login_as(make_user(Role.STAFF))
    request_lines.clear()
    response = client.get("/staff", headers={"X-Request-ID": "abc-123"})
    assert response.headers["X-Request-ID"] == "abc-123"
    (line,) = request_lines
    entry = json.loads(line)
    assert entry["request_id"] == "abc-123"
    assert entry["user_id"] == user.id
    assert (entry["method"], entry["path"], entry["status"]) == ("GET", "/staff", 200)
    assert isinstance(entry["ms"], float) and entry["ms"] >= 0


def test_a_request_without_a_usable_id_gets_a_new_one(client, request_lines):
    response = client.get("/nowhere", headers={"X-Request-ID": 'bad id; forged="yes"'})
    generated = response.headers["X-Request-ID"]
    assert len(generated) == 32 and "forged" not in generated
    entry = json.loads(request_lines[-1])
    assert entry["request_id"] == generated
    assert (entry["status"], entry["user_id"]) == (404, None)


def test_login_failures_still_log_the_anonymous_request(client, make_user, request_lines):
    user = make_user(Role.STAFF)
    client.post("/login", data={"email": user.email, "password": PASSWORD + "x"})
    entry = json.loads(request_lines[-1])
    assert (entry["method"], entry["path"], entry["status"], entry["user_id"]) == (
        "POST",
        "/login",
        200,
        None,
    )
