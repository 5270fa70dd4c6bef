"""Names of a project's coaching: who follows it, and how it ends.

The coaching itself moves through the application's lifecycle (``start_coaching``,
``complete_coaching``, ``drop_out``); these names qualify its records.
"""

from enum import StrEnum

from workflows.application import ApplicationStatus


class CoachRole(StrEnum):
    #: The main coach, in Belgium or in Morocco.
    PRIMARY = "primary"
    #: An optional second coach in Morocco.
    MOROCCO = "morocco"


class CoachingOutcome(StrEnum):
    """How coaching ends: the application's final state after ``coaching``."""

    COMPLETED = ApplicationStatus.COMPLETED.value
    DROPPED_OUT = ApplicationStatus.DROPPED_OUT.value
