"""States of a call's selection: its round, and the decision it gives each dossier."""

from enum import StrEnum


class RoundStatus(StrEnum):
    #: The chair deliberates: decisions may still change.
    DRAFT = "draft"
    #: Applied to the dossiers, once; nothing changes it afterwards.
    PUBLISHED = "published"


class Decision(StrEnum):
    """What the round decides for one scored dossier, in the order of the proposal."""

    SELECTED = "selected"
    RESERVE = "reserve"
    NOT_SELECTED = "not_selected"


#: The decisions in the order of the proposal.
DECISIONS = tuple(Decision)
