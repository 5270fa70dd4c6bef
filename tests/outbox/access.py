"""Who may reach each route of this area: see tests/test_access.py."""

from tests.access_rules import STAFF, only

EXPECTED = {
    "outbox.list_messages": ("GET", only(STAFF)),
    "outbox.show_message": ("GET", only(STAFF)),
}
