"""CSRF is enforced on every POST route (read from url_map) when left on, as in production."""

import pytest

from app.auth.models import Role
from tests.helpers import csrf_token_from


def _post_rules(app):
    return sorted(
        (rule for rule in app.url_map.iter_rules() if "POST" in rule.methods),
        key=lambda rule: rule.endpoint,
    )


@pytest.fixture
def csrf_on(app):
    app.config["WTF_CSRF_ENABLED"] = True
    yield
    app.config["WTF_CSRF_ENABLED"] = False


def test_there_are_post_routes(app):
    assert len(_post_rules(app)) >= 10


@pytest.mark.parametrize("as_staff", [False, True], ids=["anonymous", "staff"])
def test_every_post_route_refuses_a_missing_token(
    app, client, make_user, login_as, csrf_on, as_staff
):
    if as_staff:
        staff = make_user(Role.STAFF)
        app.config["WTF_CSRF_ENABLED"] = False
        login_as(staff)
        app.config["WTF_CSRF_ENABLED"] = True
    values = {"token": "x", "trigger": "withdraw"}  # any other argument: 1
    for rule in _post_rules(app):
        url = rule.rule
        for name in rule.arguments:
            url = url.replace(f"<{name}>", str(values.get(name, 1))).replace(
                f"<int:{name}>", str(values.get(name, 1))
            )
        response = client.post(url, data={"email": "a@example.org", "password": "x" * 12})
        assert response.status_code == 400, rule.endpoint
        assert "expired" in response.get_data(as_text=True) or "expiré" in response.get_data(
            as_text=True
        )


def test_a_form_with_its_token_goes_through(app, client, make_user, csrf_on):
    user = make_user(Role.STAFF)
    page = client.get("/login")
    token = csrf_token_from(page.get_data(as_text=True))
    from tests.conftest import PASSWORD

    response = client.post(
        "/login", data={"email": user.email, "password": PASSWORD, "csrf_token": token}
    )
    assert response.status_code == 302
    assert response.headers["Location"] == "/home"
