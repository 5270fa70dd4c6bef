"""Who may reach each route of this area: see tests/test_access.py."""

from tests.access_rules import SIGNED_IN, STAFF, everyone, only

EXPECTED = {
    "main.healthz": ("GET", everyone(200)),
    "main.favicon": ("GET", everyone(200)),
    "static": ("GET", everyone(200)),
    "main.index": ("GET", {"anonymous": 200} | {role: 302 for role in SIGNED_IN}),
    "main.home": ("GET", only(set(SIGNED_IN), ok=302)),
    "main.staff_home": ("GET", only(STAFF)),
    "main.switch_language": ("POST", everyone(302)),
    "main.privacy": ("GET", everyone(200)),
}
