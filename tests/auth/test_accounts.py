"""Registration, login, logout, passwords, invitations, deactivation, rate limit."""

import re
from datetime import timedelta

import pytest
import time_machine
from argon2 import PasswordHasher

from app.auth.models import Role, User
from app.common.clock import utcnow
from app.extensions import db
from tests.conftest import PASSWORD
from tests.helpers import outbox_messages, without_csrf_tokens

NEW_PASSWORD = "a brand new passphrase"
EN = {"Accept-Language": "en"}


def _link(path_prefix: str) -> str:
    body = outbox_messages()[-1].body_text
    match = re.search(r"http://127\.0\.0\.1:5000(" + re.escape(path_prefix) + r"\S+)", body)
    assert match, body
    return match.group(1)


REGISTRATION = {
    "full_name": "Salma Bennani",
    "email": "Salma@Example.org",
    "password": PASSWORD,
    "confirm": PASSWORD,
    "accept_privacy": "y",
}


def _accounts() -> int:
    return db.session.scalar(db.select(db.func.count()).select_from(User))


def test_register_mails_a_link_and_the_link_creates_the_applicant(client):
    response = client.post("/register", data=REGISTRATION, headers={"Accept-Language": "en"})
    assert response.headers["Location"] == "/register/sent"
    page = client.get("/register/sent", headers={"Accept-Language": "en"}).get_data(as_text=True)
    assert "Check your e-mail" in page and "Salma@Example.org" in page
    assert _accounts() == 0  # nothing exists until the address is confirmed
    assert outbox_messages()[-1].recipient == "salma@example.org"
    link = _link("/register/confirm/")
    assert "Confirm your address" in client.get(link, headers=EN).get_data(as_text=True)
    assert _accounts() == 0  # opening the link (a mail scanner) creates nothing
    response = client.post(link)
    assert response.status_code == 302
    user = db.session.scalar(db.select(User).where(User.email == "salma@example.org"))
    assert user.roles == {"applicant"} and user.full_name == "Salma Bennani"
    assert user.password_hash.startswith("$argon2id$")
    assert PasswordHasher().check_needs_rehash(user.password_hash) is not None
    assert "Welcome" in outbox_messages()[-1].subject
    assert client.get("/home").headers["Location"] == "/my/applications"
    client.post("/logout")
    again = client.post(link, headers={"Accept-Language": "en"})
    assert again.headers["Location"] == "/register"  # the link works once
    assert _accounts() == 1


def test_the_account_made_by_registering_logs_in_with_the_password_chosen(client):
    client.post("/register", data=REGISTRATION)
    client.post(_link("/register/confirm/"))
    client.post("/logout")
    response = client.post("/login", data={"email": "salma@example.org", "password": PASSWORD})
    assert response.status_code == 302 and response.headers["Location"] == "/home"


def test_registering_a_taken_address_looks_the_same_and_warns_its_owner(client, make_user):
    owner = make_user(Role.APPLICANT, email="taken@example.org")
    before = owner.password_hash
    pages = []
    for email in ("TAKEN@example.org", "new@example.org"):
        response = client.post(
            "/register", data=REGISTRATION | {"email": email}, headers={"Accept-Language": "en"}
        )
        assert response.status_code == 302
        page = client.get(response.headers["Location"], headers={"Accept-Language": "en"})
        pages.append(without_csrf_tokens(page.get_data(as_text=True)).replace(email, "ADDRESS"))
    assert pages[0] == pages[1]
    notice, confirmation = outbox_messages()[-2:]
    assert notice.recipient == "taken@example.org" and confirmation.recipient == "new@example.org"
    assert "http://127.0.0.1:5000/login" in notice.body_text
    assert "http://127.0.0.1:5000/password/forgot" in notice.body_text
    assert "/register/confirm/" not in notice.body_text
    db.session.expire_all()
    assert db.session.get(User, owner.id).password_hash == before  # nothing changed
    assert _accounts() == 1


def test_a_registration_link_for_an_address_taken_meanwhile_is_refused(client, make_user):
    client.post("/register", data=REGISTRATION)
    link = _link("/register/confirm/")
    make_user(Role.STAFF, email="salma@example.org")  # invited and joined meanwhile
    response = client.post(link, headers={"Accept-Language": "en"}, follow_redirects=True)
    assert "already has an account" in response.get_data(as_text=True)
    assert _accounts() == 1


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"email": "not-an-email"}, "valid email"),
        ({"password": "short", "confirm": "short"}, "at least 10"),
        ({"confirm": "something else entirely"}, "differ"),
        ({"accept_privacy": ""}, "privacy"),
        ({"full_name": ""}, "your name"),
        ({"full_name": "x" * 201}, "200"),
    ],
)
def test_register_refuses_bad_input_with_a_clear_message(client, data, message):
    form = {
        "full_name": "Salma",
        "email": "salma@example.org",
        "password": PASSWORD,
        "confirm": PASSWORD,
        "accept_privacy": "y",
    } | data
    response = client.post("/register", data=form, headers={"Accept-Language": "en"})
    assert response.status_code == 200
    assert message in response.get_data(as_text=True)
    assert db.session.scalar(db.select(db.func.count()).select_from(User)) == 0


def test_production_password_hashing_is_argon2id_at_owasp_strength():
    from app.config import Config

    assert Config.ARGON2_MEMORY_COST >= 19456
    assert Config.ARGON2_TIME_COST >= 2


def test_login_with_wrong_password_or_unknown_email_says_the_same(client, make_user):
    user = make_user(Role.STAFF)
    wrong = client.post(
        "/login",
        data={"email": user.email, "password": "wrong password!"},
        headers={"Accept-Language": "en"},
    )
    unknown = client.post(
        "/login",
        data={"email": "nobody@example.org", "password": PASSWORD},
        headers={"Accept-Language": "en"},
    )
    assert wrong.status_code == unknown.status_code == 200
    for response in (wrong, unknown):
        assert "not correct" in response.get_data(as_text=True)


def test_a_deactivated_account_cannot_log_in_and_its_sessions_end(client, make_user, login_as):
    staff = make_user(Role.STAFF)
    user = make_user(Role.JUROR)
    juror_client = client.application.test_client()
    juror_client.post("/login", data={"email": user.email, "password": PASSWORD})
    assert juror_client.get("/jury/").status_code == 200
    login_as(staff)
    response = client.post(f"/staff/people/{user.id}/active", data={"active": "0"})
    assert response.status_code == 302, response.get_data(as_text=True)
    assert juror_client.get("/jury/").status_code == 302  # back to the login page
    response = juror_client.post("/login", data={"email": user.email, "password": PASSWORD})
    assert response.status_code == 200
    db.session.refresh(user)
    assert not user.active


def test_next_is_followed_only_for_paths_of_this_site(client, make_user):
    user = make_user(Role.STAFF)
    for target, expected in [
        ("/staff/calls", "/staff/calls"),
        ("https://evil.example/", "/home"),
        ("//evil.example/x", "/home"),
        ("/\\evil.example", "/home"),
    ]:
        response = client.post(
            f"/login?next={target}", data={"email": user.email, "password": PASSWORD}
        )
        assert response.headers["Location"] == expected
        client.post("/logout")


def test_logout_ends_the_session_even_for_a_copied_cookie(app, client, make_user, login_as):
    user = make_user(Role.STAFF)
    login_as(user)
    stolen = client.get_cookie("session").value
    client.post("/logout")
    thief = app.test_client()
    thief.set_cookie("session", stolen)
    response = thief.get("/staff")
    assert response.status_code == 302 and response.headers["Location"].startswith("/login")


def test_password_change_ends_other_sessions_but_keeps_this_one(app, client, make_user, login_as):
    user = make_user(Role.STAFF)
    other_device = app.test_client()
    other_device.post("/login", data={"email": user.email, "password": PASSWORD})
    login_as(user)
    response = client.post(
        "/account/password",
        data={"current_password": PASSWORD, "password": NEW_PASSWORD, "confirm": NEW_PASSWORD},
    )
    assert response.status_code == 302
    assert client.get("/staff").status_code == 200
    assert other_device.get("/staff").status_code == 302
    assert outbox_messages()[-1].template == "password_changed"


def test_password_change_needs_the_current_password(client, make_user, login_as):
    user = make_user(Role.STAFF)
    login_as(user)
    response = client.post(
        "/account/password",
        data={
            "current_password": "not my password",
            "password": NEW_PASSWORD,
            "confirm": NEW_PASSWORD,
        },
        headers={"Accept-Language": "en"},
    )
    assert "not correct" in response.get_data(as_text=True)


def test_password_reset_link_works_once(client, make_user):
    user = make_user(Role.APPLICANT)
    client.post("/password/forgot", data={"email": user.email})
    link = _link("/password/reset/")
    assert client.get(link).status_code == 200
    response = client.post(link, data={"password": NEW_PASSWORD, "confirm": NEW_PASSWORD})
    assert response.headers["Location"] == "/login"
    assert (
        client.post("/login", data={"email": user.email, "password": NEW_PASSWORD}).status_code
        == 302
    )
    client.post("/logout")
    again = client.post(
        link, data={"password": "yet another passphrase", "confirm": "yet another passphrase"}
    )
    assert again.headers["Location"] == "/password/forgot"
    assert (
        client.post(
            "/login", data={"email": user.email, "password": "yet another passphrase"}
        ).status_code
        == 200
    )


def test_password_reset_link_expires(client, make_user):
    user = make_user(Role.APPLICANT)
    client.post("/password/forgot", data={"email": user.email})
    link = _link("/password/reset/")
    with time_machine.travel(utcnow() + timedelta(hours=2, seconds=1), tick=False):
        response = client.post(link, data={"password": NEW_PASSWORD, "confirm": NEW_PASSWORD})
    assert response.headers["Location"] == "/password/forgot"
    assert (
        client.post("/login", data={"email": user.email, "password": PASSWORD}).status_code == 302
    )


def test_password_reset_for_an_unknown_address_reveals_nothing(client):
    response = client.post("/password/forgot", data={"email": "nobody@example.org"})
    assert response.status_code == 302
    assert outbox_messages() == []


def test_staff_invite_a_juror_who_creates_an_account(app, client, make_user, login_as):
    staff = make_user(Role.STAFF)
    login_as(staff)
    client.post(
        "/staff/people/invite", data={"email": "juror@example.org", "roles": ["juror", "chair"]}
    )
    client.post("/logout")
    link = _link("/invitations/")
    response = client.post(
        link, data={"full_name": "Jamila Juror", "password": PASSWORD, "confirm": PASSWORD}
    )
    assert response.status_code == 302
    user = db.session.scalar(db.select(User).where(User.email == "juror@example.org"))
    assert user.roles == {"juror", "chair"}
    assert client.get("/jury/").status_code == 200
    client.post("/logout")
    assert client.get(link).headers["Location"] == "/login"  # used: gone


def test_an_invitation_adds_roles_to_an_existing_account(client, make_user, login_as):
    staff = make_user(Role.STAFF)
    coach = make_user(Role.COACH, email="coach@example.org")
    login_as(staff)
    client.post("/staff/people/invite", data={"email": "coach@example.org", "roles": ["juror"]})
    client.post("/logout")
    link = _link("/invitations/")
    login_as(coach)
    assert client.post(link).status_code == 302
    db.session.refresh(coach)
    assert coach.roles == {"coach", "juror"}


def test_forgot_password_answers_the_same_for_any_address(client, make_user):
    user = make_user(Role.APPLICANT)
    answers = []
    for email in (user.email, "nobody@example.org"):
        response = client.post("/password/forgot", data={"email": email}, headers=EN)
        page = client.get(response.headers["Location"], headers=EN).get_data(as_text=True)
        # CSRF tokens carry the second they were made in: not part of the answer
        page = re.sub(r'name="csrf_token" value="[^"]*"', "", page)
        answers.append((response.status_code, response.headers["Location"], page))
    assert answers[0] == answers[1]
    assert "If an account exists for this address" in answers[0][2]
    assert [m.recipient for m in outbox_messages()] == [user.email]
