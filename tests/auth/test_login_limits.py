"""Failed logins are counted per account and per client address; successes are not.

A jury room logs in from one address; a password guesser spreads over several. The
first must never be locked out, the second must be stopped, and the owner of the
account under attack is told once, with a way back in.
"""

from app.auth.models import Role
from tests.conftest import PASSWORD
from tests.helpers import limits, outbox_messages, without_csrf_tokens

EN = {"Accept-Language": "en"}
NEW_PASSWORD = "a brand new passphrase"


def _log_in(client, email, password, address="127.0.0.1"):
    return client.post(
        "/login",
        data={"email": email, "password": password},
        headers=EN,
        environ_base={"REMOTE_ADDR": address},
    )


def test_wrong_passwords_from_three_addresses_end_in_a_refusal(app, client, make_user):
    owner = make_user(Role.STAFF, email="target@example.org")
    addresses = ["127.0.0.2", "127.0.0.3", "127.0.0.4"]
    with limits(app):  # the defaults: 10 failures per account in 15 minutes
        codes = [
            _log_in(client, owner.email, f"guess {n}", addresses[n % 3]).status_code
            for n in range(30)
        ]
        right = _log_in(client, owner.email, PASSWORD, "127.0.0.9")
    assert codes[:10] == [200] * 10  # each evaluated, and refused as wrong
    assert codes[10:] == [429] * 20  # then not even evaluated
    page = right.get_data(as_text=True)
    assert right.status_code == 429  # the right password too, from anywhere
    assert "Too many failed attempts for this account" in page
    assert 'href="/password/forgot"' in page
    notices = [m for m in outbox_messages() if m.template == "login_locked"]
    assert [m.recipient for m in notices] == [owner.email]  # once, not 21 times
    assert "http://127.0.0.1:5000/password/forgot" in notices[0].body_text


def test_a_locked_unknown_address_looks_the_same_and_mails_nobody(app, client, make_user):
    make_user(Role.STAFF, email="someone@example.org")
    pages = {}
    with limits(app, LOGIN_ACCOUNT_RATE_LIMIT="3 per 15 minutes"):
        for email in ("someone@example.org", "nobody@example.org"):
            for _ in range(3):
                _log_in(client, email, "wrong password")
            response = _log_in(client, email, "wrong password")
            page = without_csrf_tokens(response.get_data(as_text=True)).replace(email, "ADDRESS")
            pages[email] = (response.status_code, page)
    assert pages["someone@example.org"] == pages["nobody@example.org"]
    assert pages["someone@example.org"][0] == 429
    assert [m.recipient for m in outbox_messages()] == ["someone@example.org"]


def test_a_room_of_people_behind_one_address_all_log_in(app, client, make_user):
    people = [make_user(Role.JUROR) for _ in range(40)]
    with limits(app):
        # one typo each, then the right password: 40 failures, 40 successes, one address
        typos = [_log_in(client, p.email, PASSWORD + "x").status_code for p in people]
        codes = []
        for person in people:
            codes.append(_log_in(client, person.email, PASSWORD).status_code)
            client.post("/logout")
    assert set(typos) == {200}
    assert codes == [302] * 40


def test_one_address_guessing_many_accounts_is_stopped(app, client, make_user):
    with limits(app, LOGIN_ADDRESS_RATE_LIMIT="5 per 15 minutes"):
        codes = [
            _log_in(client, f"person{n}@example.org", "wrong password").status_code
            for n in range(7)
        ]
        elsewhere = _log_in(client, "person9@example.org", "wrong password", "127.0.0.5")
    assert codes == [200] * 5 + [429] * 2
    assert elsewhere.status_code == 200  # another address has its own count


def test_choosing_a_new_password_unlocks_the_account_at_once(app, client, make_user):
    owner = make_user(Role.APPLICANT)
    with limits(app, LOGIN_ACCOUNT_RATE_LIMIT="2 per 15 minutes"):
        for _ in range(3):
            _log_in(client, owner.email, "wrong password")
        assert _log_in(client, owner.email, PASSWORD).status_code == 429
        client.post("/password/forgot", data={"email": owner.email})
        reset = [m for m in outbox_messages() if m.template == "password_reset"][-1]
        link = reset.body_text.split("http://127.0.0.1:5000", 1)[1].split()[0]
        client.post(link, data={"password": NEW_PASSWORD, "confirm": NEW_PASSWORD})
        assert _log_in(client, owner.email, NEW_PASSWORD).status_code == 302
