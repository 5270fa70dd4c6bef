"""Who may reach each route of this area: see tests/test_access.py."""

from tests.access_rules import only

EXPECTED = {
    "coaching.home": ("GET", only({"coach"})),
}
