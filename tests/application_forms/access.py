"""Who may reach each route of this area: see tests/test_access.py."""

from tests.access_rules import STAFF, only

EXPECTED = {
    "application_forms.edit_form": ("GET", only(STAFF)),
    "application_forms.edit_step": ("GET", only(STAFF)),
    "application_forms.edit_question": ("GET", only(STAFF)),
    "application_forms.change_form": ("POST", only(STAFF, ok=302)),
    "application_forms.edit_documents": ("GET", only(STAFF)),
    "application_forms.preview": ("GET", only(STAFF)),
}


def path_values(users, application) -> dict:
    """A step and a question of the default form, and a move of the editor."""
    return {"slug": "applicant", "name": "full_name", "change": "step-down", "item": "applicant"}
