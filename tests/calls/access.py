"""Who may reach each route of this area: see tests/test_access.py."""

from tests.access_rules import STAFF, everyone, only

EXPECTED = {
    "calls.public_call": ("GET", everyone(200)),
    "calls.list_calls": ("GET", only(STAFF)),
    "calls.new_call": ("GET", only(STAFF)),
    "calls.show_call": ("GET", only(STAFF)),
    "calls.edit_call": ("GET", only(STAFF)),
    "calls.call_wording": ("GET", only(STAFF)),
    "calls.edit_wording": ("GET", only(STAFF)),
    "calls.export_call": ("GET", only(STAFF)),
    "calls.copy_call": ("GET", only(STAFF)),
    "calls.import_call": ("GET", only(STAFF)),
}


def path_values(users, application):
    return {"reference": application.call.reference, "outcome": "selected"}
