"""Who may reach each route of this area: see tests/test_access.py."""

from tests.access_rules import SIGNED_IN, STAFF, everyone, only

EXPECTED = {
    "auth.login": ("GET", {"anonymous": 200} | {role: 302 for role in SIGNED_IN}),
    "auth.logout": ("POST", everyone(302)),
    "auth.register": ("GET", {"anonymous": 200} | {role: 302 for role in SIGNED_IN}),
    "auth.registration_sent": ("GET", everyone(200)),
    "auth.confirm_registration": ("GET", everyone(302)),
    "auth.forgot_password": ("GET", everyone(200)),
    "auth.reset_password": ("GET", everyone(302)),
    "auth.change_password": ("GET", only(set(SIGNED_IN))),
    "auth.accept_invitation": ("GET", everyone(302)),
    "auth.people": ("GET", only(STAFF)),
    "auth.invite": ("POST", only(STAFF, ok=302)),
    "auth.set_user_active": ("POST", only(STAFF, ok=302)),
}
