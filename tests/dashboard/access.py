"""Who may reach each route of the dashboard: see tests/test_access.py.

Staff see everything; the world's chair sits on the world's call's jury as chair
(tests/jury/access.py) and sees the jury part only: the dashboard page, the jury
reports ("jurors", "criterion-N") and the workbook, not the applicants' reports,
the applications export or the audit trail.
"""

from tests.access_rules import STAFF, only

STEERING = STAFF | {"chair"}

EXPECTED = {
    "dashboard.show": ("GET", only(STEERING)),
    "dashboard.chart": ("GET", only(STEERING)),
    "dashboard.export_report": ("GET", only(STEERING)),
    "dashboard.export_workbook": ("GET", only(STEERING)),
    "dashboard.export_applications": ("GET", only(STAFF)),
    "dashboard.audit": ("GET", only(STAFF)),
    "dashboard.export_audit": ("GET", only(STAFF)),
}


def path_values(users, application) -> dict:
    """A jury report (the chair may see it) as CSV (the table reads bodies as text)."""
    return {"report": "jurors", "fmt": "csv"}
