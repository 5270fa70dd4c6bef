"""A mailed link works once, even when several requests use it at the same moment.

Six browsers (six sessions, as six gunicorn workers would serve them) post a new
password with one reset link at once: exactly one password is set. The same holds for
an invitation and a registration link. On PostgreSQL, where requests truly run in
parallel; on SQLite writes take turns, and the sequential tests of test_accounts.py
cover the same rule.
"""

import re
import threading

import pytest
from sqlalchemy import func, select

from app.auth.models import Role, RoleGrant, User
from app.extensions import db
from tests.conftest import PASSWORD
from tests.helpers import outbox_messages

pytestmark = pytest.mark.postgres

BROWSERS = 6


def _link(path_prefix: str) -> str:
    body = outbox_messages()[-1].body_text
    return re.search(r"http://127\.0\.0\.1:5000(" + re.escape(path_prefix) + r"\S+)", body)[1]


def _at_once(app, post) -> list:
    """``post(client, n)`` from BROWSERS clients released together; their responses."""
    barrier = threading.Barrier(BROWSERS, timeout=30)
    responses: list = []

    def browse(n):
        client = app.test_client()
        client.get("/login")  # a session of its own
        barrier.wait()
        responses.append(post(client, n))

    threads = [threading.Thread(target=browse, args=(n,)) for n in range(BROWSERS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return responses


def _then_home(client, posted):
    """Where ``client`` lands on its home page after ``posted`` (no 500 allowed)."""
    assert posted.status_code < 500
    return client.get("/home")


def _logged_in(homes) -> int:
    """How many of these home pages lead somewhere else than the login page."""
    return sum(not home.headers["Location"].startswith("/login") for home in homes)


def _password(n: int) -> str:
    return f"new passphrase number {n}"


@pytest.mark.parametrize("trial", range(3))
def test_one_reset_link_sets_one_password(app, client, make_user, trial):
    user = make_user(Role.APPLICANT)
    client.post("/password/forgot", data={"email": user.email})
    link = _link("/password/reset/")
    responses = _at_once(
        app, lambda c, n: c.post(link, data={"password": _password(n), "confirm": _password(n)})
    )
    told = sorted(response.headers.get("Location") for response in responses)
    assert told == ["/login"] + ["/password/forgot"] * (BROWSERS - 1)  # "changed" once
    works = [
        n
        for n in range(BROWSERS)
        if client.post("/login", data={"email": user.email, "password": _password(n)}).status_code
        == 302
        and client.post("/logout")
    ]
    assert len(works) == 1, works


def test_one_invitation_creates_one_account(app, client, make_user, login_as):
    login_as(make_user(Role.STAFF))
    client.post("/staff/people/invite", data={"email": "juror@example.org", "roles": ["juror"]})
    client.post("/logout")
    link = _link("/invitations/")
    responses = _at_once(
        app,
        lambda c, n: _then_home(
            c,
            c.post(
                link, data={"full_name": f"Juror {n}", "password": PASSWORD, "confirm": PASSWORD}
            ),
        ),
    )
    assert [r.status_code for r in responses] == [302] * BROWSERS
    assert _logged_in(responses) == 1
    assert db.session.scalar(select(func.count()).select_from(User)) == 2  # staff + juror
    assert db.session.scalar(select(func.count()).where(RoleGrant.role == "juror")) == 1


def test_one_registration_link_creates_one_account(app, client):
    client.post(
        "/register",
        data={
            "full_name": "Salma",
            "email": "salma@example.org",
            "password": PASSWORD,
            "confirm": PASSWORD,
            "accept_privacy": "y",
        },
    )
    link = _link("/register/confirm/")
    responses = _at_once(app, lambda c, n: _then_home(c, c.post(link)))
    assert [r.status_code for r in responses] == [302] * BROWSERS
    assert _logged_in(responses) == 1
    assert db.session.scalar(select(func.count()).select_from(User)) == 1
