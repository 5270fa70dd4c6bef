"""States of a decision letter, and the outcome each decision trigger announces."""

from enum import StrEnum

from workflows.application import DECISION_TRIGGERS, Trigger


class LetterStatus(StrEnum):
    #: Requested with the decision; waiting for the worker.
    PENDING = "pending"
    #: Rendered and stored under its SHA-256.
    DONE = "done"
    #: Could not be rendered; ``last_error`` says why, staff may retry.
    FAILED = "failed"


class LetterOutcome(StrEnum):
    INELIGIBLE = "ineligible"
    INFORMATION_REQUESTED = "information_requested"
    NOT_SELECTED = "not_selected"
    RESERVE = "reserve"
    SELECTED = "selected"
    PROMOTED = "promoted"


#: The outcome each decision trigger announces.
OUTCOME_OF_TRIGGER = {
    Trigger.DECLARE_INELIGIBLE: LetterOutcome.INELIGIBLE,
    Trigger.REQUEST_INFORMATION: LetterOutcome.INFORMATION_REQUESTED,
    Trigger.REJECT: LetterOutcome.NOT_SELECTED,
    Trigger.PLACE_ON_RESERVE: LetterOutcome.RESERVE,
    Trigger.SELECT: LetterOutcome.SELECTED,
    Trigger.PROMOTE: LetterOutcome.PROMOTED,
}
assert set(OUTCOME_OF_TRIGGER) == set(DECISION_TRIGGERS)  # noqa: S101 - checked at import
