"""Who may reach each route of this area: see tests/test_access.py."""

from app.eligibility.models import EligibilityDecision
from app.extensions import db
from tests.access_rules import STAFF, everyone, only

EXPECTED = {
    "eligibility.self_check": ("GET", everyone(200)),
    "eligibility.queue": ("GET", only(STAFF)),
    "eligibility.run_check": ("POST", only(STAFF, ok=302)),
    "eligibility.confirm_all_pass": ("GET", only(STAFF)),
    "eligibility.publish": ("POST", only(STAFF, ok=302)),
    "eligibility.review": ("GET", only(STAFF)),
    # A refused decision (the generic form carries no valid version) comes back with a message.
    "eligibility.decide_eligible": ("POST", only(STAFF, ok=302)),
    "eligibility.decide_ineligible": ("POST", only(STAFF, ok=302)),
    "eligibility.ask_information": ("POST", only(STAFF, ok=302)),
    "eligibility.confirm_proposal": ("POST", only(STAFF, ok=302)),
    "eligibility.cancel": ("POST", only(STAFF, ok=302)),
    "eligibility.edit_rules": ("GET", only(STAFF)),
    "eligibility.edit_rule": ("GET", only(STAFF)),
    "eligibility.remove_rule": ("POST", only(STAFF, ok=302)),
    "eligibility.edit_rules_data": ("GET", only(STAFF)),
}


def path_values(users, application):
    proposal = EligibilityDecision(
        application=application,
        outcome="ineligible",
        status="proposed",
        reason="Too young.",
        decided_by_id=users["staff"].id,
    )
    db.session.add(proposal)
    db.session.flush()
    return {
        "reference": application.call.reference,
        "decision_id": proposal.id,
        "rule": "minimum_age",
    }
