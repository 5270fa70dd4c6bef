"""Who may reach each route of this area: see tests/test_access.py."""

from tests.access_rules import everyone

EXPECTED = {
    "eligibility.self_check": ("GET", everyone(200)),
}


def path_values(users, application):
    return {"reference": application.call.reference}
