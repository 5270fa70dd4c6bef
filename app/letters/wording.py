"""How the letters' outcomes and statuses are named on the pages."""

from flask_babel import lazy_gettext as _l

from workflows.letters import LetterOutcome, LetterStatus

OUTCOME_LABELS = {
    LetterOutcome.INELIGIBLE: _l("Not eligible"),
    LetterOutcome.INFORMATION_REQUESTED: _l("Information requested"),
    LetterOutcome.NOT_SELECTED: _l("Not selected"),
    LetterOutcome.RESERVE: _l("Reserve list"),
    LetterOutcome.SELECTED: _l("Selected"),
    LetterOutcome.PROMOTED: _l("Selected from the reserve list"),
}

STATUS_LABELS = {
    LetterStatus.PENDING: _l("Being generated"),
    LetterStatus.DONE: _l("Ready"),
    LetterStatus.FAILED: _l("Failed"),
}
