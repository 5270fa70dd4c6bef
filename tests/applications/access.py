"""Who may reach each route of this area: see tests/test_access.py."""

from tests.access_rules import APPLICANTS, only

EXPECTED = {
    "applications.my_applications": ("GET", only(APPLICANTS)),
    "applications.apply": ("POST", only(APPLICANTS, ok=302)),
    "applications.show_application": ("GET", only({"owner"}) | {"staff": 302, "chair": 302}),
    "applications.confirm_action": ("GET", only({"owner"})),
    # The world's application is submitted: its owner is sent back to the read-only view.
    "applications.edit_step": ("GET", only({"owner"}, ok=302)),
    "applications.fire_action": ("POST", only({"owner"}, ok=302)),
    "applications.list_applications": ("GET", only({"staff", "chair"})),
    "applications.staff_dossier": ("GET", only({"staff", "chair"})),
}


def path_values(users, application):
    return {"slug": "project"}
