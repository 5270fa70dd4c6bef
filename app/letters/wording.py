"""How the letters' outcomes and statuses are named on the pages."""

from flask_babel import lazy_gettext as _l

OUTCOME_LABELS = {
    "ineligible": _l("Not eligible"),
    "information_requested": _l("Information requested"),
    "not_selected": _l("Not selected"),
    "reserve": _l("Reserve list"),
    "selected": _l("Selected"),
    "promoted": _l("Selected from the reserve list"),
}

STATUS_LABELS = {
    "pending": _l("Being generated"),
    "done": _l("Ready"),
    "failed": _l("Failed"),
}
