"""States of the jury's work: a review, and the scoring phase of a call.

A review has no machine of its own: a juror saves drafts, submits (locked), and only
the chair reopens (back to draft). ``app.jury.scoring`` enforces it.
"""

from enum import StrEnum


class ReviewStatus(StrEnum):
    #: Saved by the juror, still changing; not in the ranking.
    DRAFT = "draft"
    #: Locked and counted in the ranking until the chair reopens it.
    SUBMITTED = "submitted"


class ScoringPhase(StrEnum):
    """Whether the jurors of a call may score (``Call.scoring_open``)."""

    OPEN = "open"
    CLOSED = "closed"
