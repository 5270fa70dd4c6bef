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


class MoveReason(StrEnum):
    """Why the chair moved a dossier against the proposal: the category the applicant is
    told (the chair's own words stay in the decision record)."""

    #: The balance of the selected group (sectors, regions, women and men...).
    BALANCE = "balance"
    #: How well the project fits the programme's aims.
    PROGRAMME_FIT = "programme_fit"
    #: The project's feasibility, weighed in the deliberation.
    FEASIBILITY = "feasibility"
    #: Information that reached the jury after the scoring.
    NEW_INFORMATION = "new_information"
    #: The jurors' scores differed and the deliberation settled it.
    SCORING_REVIEW = "scoring_review"
    #: Another reason, written in the decision record.
    OTHER = "other"
