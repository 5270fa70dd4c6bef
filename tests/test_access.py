"""Every route x every role, read from ``app.url_map``: a new route cannot escape this table.

Each area lists its routes in tests/<area>/access.py (vocabulary in tests/access_rules.py);
an area may add path values for its own objects with ``path_values(users, application)``.
"""

import pytest

from app.auth.models import Role
from app.extensions import db
from app.jury.models import ConflictOfInterest, JuryAssignment
from app.outbox.services import queue_email
from tests.access_rules import ROLES


def _area_tables():
    """Each area's expectations live beside its tests, in tests/<area>/access.py."""
    import importlib
    import pkgutil

    import tests

    expected, extra_values = {}, []
    for module in pkgutil.iter_modules(tests.__path__):
        if not module.ispkg:
            continue
        try:
            access = importlib.import_module(f"tests.{module.name}.access")
        except ModuleNotFoundError:
            continue
        overlap = set(expected) & set(access.EXPECTED)
        assert not overlap, f"endpoints listed twice: {overlap}"
        expected.update(access.EXPECTED)
        if hasattr(access, "path_values"):
            extra_values.append(access.path_values)
    return expected, extra_values


EXPECTED, EXTRA_VALUES = _area_tables()


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
        "conflicted": make_user(Role.JUROR),
        "chair": make_user(Role.CHAIR),
        "coach": make_user(Role.COACH),
    }
    call = make_call("MBI-2026")
    application = make_application("submitted", call=call, applicant=users["owner"])
    for role in ("juror", "conflicted"):
        db.session.add(JuryAssignment(application=application, juror=users[role]))
    db.session.flush()
    db.session.add(
        ConflictOfInterest(
            application_id=application.id, juror_id=users["conflicted"].id, kind="family"
        )
    )
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
    for path_values in EXTRA_VALUES:
        values.update(path_values(users, application))
    db.session.commit()
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
    body = response.get_data().decode("utf-8", "replace")  # some answers are PDF files
    response.close()
    expected = answers[role]
    if expected == "login":
        assert response.status_code == 302
        assert response.headers["Location"].startswith("/login")
    else:
        assert response.status_code == expected, body[:300]
        if expected == 404:
            assert application.title not in body


JUNK = {
    "version": "not-a-number",
    "note": "x" * 20000,
    "email": "not an email",
    "roles": ["emperor"],
    "active": "maybe",
    "locale": "../../etc",
    "next": "//evil.example",
    "application_id": ["1", "abc"],
    "capacity": "-5",
    "starts_at": "yesterday",
    "justification": "\x00",
    "reason": "",
    "score": "eleven",
    "kind": "<script>",
    "juror_id": "abc",
}
POST_ENDPOINTS = sorted(  # logging out would end the role under test half-way
    endpoint
    for endpoint, (method, _) in EXPECTED.items()
    if method == "POST" and endpoint != "auth.logout"
)


@pytest.mark.parametrize("role", ["owner", "staff", "juror", "chair"])
def test_junk_posted_to_every_post_route_never_answers_5xx(app, client, login_as, world, role):
    users, values, application = world
    login_as(users[role])
    for endpoint in POST_ENDPOINTS:
        response = client.post(_url(app, endpoint, values), data=JUNK)
        body = response.get_data(as_text=True)
        response.close()
        assert response.status_code < 500, (endpoint, body[:300])


GET_ENDPOINTS = sorted(endpoint for endpoint, (method, _) in EXPECTED.items() if method == "GET")
JUNK_QUERY = {
    "page": "-3",
    "status": "<x>",
    "sort": "drop table",
    "order": "sideways",
    "verdict": "maybe",
    "q": "%" * 300,
    "sector": "ZZ",
    "birth_date": "31/31/31",
    "eligible_share_percent": "1e309",
    "order_by": "'",
}


@pytest.mark.parametrize("role", ["anonymous", "owner", "staff", "chair"])
def test_junk_query_strings_on_every_page_never_answer_5xx(app, client, login_as, world, role):
    users, values, application = world
    if role != "anonymous":
        login_as(users[role])
    for endpoint in GET_ENDPOINTS:
        response = client.get(_url(app, endpoint, values), query_string=JUNK_QUERY)
        response.close()
        assert response.status_code < 500, endpoint
