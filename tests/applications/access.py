"""Who may reach each route of this area: see tests/test_access.py."""

from tests.access_rules import APPLICANTS, only

EXPECTED = {
    "applications.my_applications": ("GET", only(APPLICANTS)),
    "applications.apply": ("POST", only(APPLICANTS, ok=302)),
    "applications.show_application": ("GET", only({"owner"}) | {"staff": 302, "chair": 302}),
    "applications.confirm_action": ("GET", only({"owner"})),
    "applications.fire_action": ("POST", only({"owner"}, ok=302)),
    "applications.list_applications": ("GET", only({"staff", "chair"})),
    "applications.staff_dossier": ("GET", only({"staff", "chair"})),
}
