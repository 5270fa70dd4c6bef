"""Every route x every role, read from ``app.url_map``: a new route cannot escape this table.

Expected answers: 200 (allowed page), 302 (allowed action, or a redirect by design),
"login" (anonymous sent to the login page) and 404 (not allowed: nobody learns what exists).
"""

import pytest

from app.auth.models import Role
from app.extensions import db
from app.outbox.services import queue_email

ROLES = ["anonymous", "owner", "applicant", "staff", "juror", "chair", "coach"]
SIGNED_IN = ROLES[1:]


def only(allowed, ok=200, other=404):
    """``ok`` for the roles in ``allowed``, ``other`` for the rest, login for anonymous."""
    return {role: ok if role in allowed else other for role in SIGNED_IN} | {"anonymous": "login"}


def everyone(answer):
    return {role: answer for role in ROLES}


STAFF = {"staff"}
APPLICANTS = {"owner", "applicant"}
EXPECTED = {
    # endpoint: (method, {role: answer})
    "main.index": ("GET", {"anonymous": 200} | {role: 302 for role in SIGNED_IN}),
    "main.home": ("GET", only(set(SIGNED_IN), ok=302)),
    "main.staff_home": ("GET", only(STAFF)),
    "main.switch_language": ("POST", everyone(302)),
    "main.privacy": ("GET", everyone(200)),
    "auth.login": ("GET", {"anonymous": 200} | {role: 302 for role in SIGNED_IN}),
    "auth.logout": ("POST", everyone(302)),
    "auth.register": ("GET", {"anonymous": 200} | {role: 302 for role in SIGNED_IN}),
    "auth.forgot_password": ("GET", everyone(200)),
    "auth.reset_password": ("GET", everyone(302)),
    "auth.change_password": ("GET", only(set(SIGNED_IN))),
    "auth.accept_invitation": ("GET", everyone(302)),
    "auth.people": ("GET", only(STAFF)),
    "auth.invite": ("POST", only(STAFF, ok=302)),
    "auth.set_user_active": ("POST", only(STAFF, ok=302)),
    "calls.list_calls": ("GET", only(STAFF)),
    "calls.new_call": ("GET", only(STAFF)),
    "calls.show_call": ("GET", only(STAFF)),
    "calls.edit_call": ("GET", only(STAFF)),
    "applications.my_applications": ("GET", only(APPLICANTS)),
    "applications.apply": ("POST", only(APPLICANTS, ok=302)),
    "applications.show_application": ("GET", only({"owner"}) | {"staff": 302, "chair": 302}),
    "applications.confirm_action": ("GET", only({"owner"})),
    "applications.fire_action": ("POST", only({"owner"}, ok=302)),
    "applications.list_applications": ("GET", only({"staff", "chair"})),
    "applications.staff_dossier": ("GET", only({"staff", "chair"})),
    "jury.home": ("GET", only({"juror", "chair"})),
    "coaching.home": ("GET", only({"coach"})),
    "outbox.list_messages": ("GET", only(STAFF)),
    "outbox.show_message": ("GET", only(STAFF)),
    "static": ("GET", everyone(200)),
}


def test_every_route_is_in_the_table(app):
    endpoints = {rule.endpoint for rule in app.url_map.iter_rules()}
    assert endpoints == set(EXPECTED)


@pytest.fixture
def world(app, make_user, make_call, make_application):
    users = {
        "owner": make_user(Role.APPLICANT),
        "applicant": make_user(Role.APPLICANT),
        "staff": make_user(Role.STAFF),
        "juror": make_user(Role.JUROR),
        "chair": make_user(Role.CHAIR),
        "coach": make_user(Role.COACH),
    }
    call = make_call("MBI-2026")
    application = make_application("submitted", call=call, applicant=users["owner"])
    message = queue_email(
        "someone@example.org", "Hello", "welcome", user=users["owner"], login_url="http://x"
    )
    db.session.commit()
    values = {
        "call_id": call.id,
        "application_id": application.id,
        "message_id": message.id,
        "user_id": users["applicant"].id,
        "token": "not-a-real-token",
        "trigger": "withdraw",
        "filename": "css/impulse.css",
    }
    return users, values, application


def _url(app, endpoint, values):
    rule = next(rule for rule in app.url_map.iter_rules() if rule.endpoint == endpoint)
    with app.test_request_context():
        from flask import url_for

        return url_for(endpoint, **{name: values[name] for name in rule.arguments})


CASES = [(endpoint, role) for endpoint in sorted(EXPECTED) for role in ROLES]


@pytest.mark.parametrize(("endpoint", "role"), CASES, ids=[f"{e}-{r}" for e, r in CASES])
def test_route_answers_each_role_as_intended(app, client, login_as, world, endpoint, role):
    users, values, application = world
    if role != "anonymous":
        login_as(users[role])
    method, answers = EXPECTED[endpoint]
    url = _url(app, endpoint, values)
    data = {
        "version": str(application.version),
        "locale": "en",
        "email": "new@example.org",
        "roles": ["juror"],
        "active": "0",
    }
    response = client.get(url) if method == "GET" else client.post(url, data=data)
    body = response.get_data(as_text=True)
    response.close()
    expected = answers[role]
    if expected == "login":
        assert response.status_code == 302
        assert response.headers["Location"].startswith("/login")
    else:
        assert response.status_code == expected, body[:300]
        if expected == 404:
            assert application.title not in body
