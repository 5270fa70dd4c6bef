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
    # The feed is read by calendar apps, which cannot log in: its signed link is the key
    # (a forged one, as here, is a 404 for everyone; tests/calls/test_calendar.py).
    "calls.calendar_feed": ("GET", everyone(404)),
    "calls.renew_calendar": ("POST", only(STAFF, ok=302)),
}


def path_values(users, application):
    return {"reference": application.call.reference, "outcome": "selected"}
