"""Who may reach each route of the selection: see tests/test_access.py.

Staff and the call's chair see the proposal, the rules, the decision record (and its
printable whole) and the ranking; only the chair computes, moves and publishes (staff get
404 there). In the world, a dossier is still with the jury, so computing is refused with
a message (302); a move without a justification is refused (302); with no proposal, the
publication page sends back to the proposal (302).
"""

from tests.access_rules import STAFF, only

STEERS = STAFF | {"chair"}

EXPECTED = {
    "selection.proposal": ("GET", only(STEERS)),
    "selection.compute": ("POST", only({"chair"}, ok=302)),
    "selection.move": ("POST", only({"chair"}, ok=302)),
    "selection.publish_selection": ("GET", only({"chair"}, ok=302)),
    "selection.rules": ("GET", only(STEERS)),
    "selection.record": ("GET", only(STEERS)),
    "selection.record_print": ("GET", only(STEERS)),
    "selection.ranking_csv": ("GET", only(STEERS)),
}
