"""The one family of errors a user can cause, and how each reads for them.

Every area's refusal (AccountError, CallError, ApplicationError, DocumentError,
JuryError, ScoringError, SelectionError, CoachingError...) is a :class:`Refusal`, and so
is the lifecycle's :class:`~workflows.application.TransitionRefused`. Each carries the
HTTP status of the page that says it: 422 by default, 404 for :class:`NotPermitted`
(nobody learns what exists), 409 for :class:`Conflict` (:class:`ConcurrentUpdate`, a
transition the lifecycle refuses now), 409 also for :class:`NotYet` (another step comes
first: the page links to it). ``app.common.views.run_service`` and the error handlers turn
them into a message in the reader's language with :func:`message_of`.

A lost race is a :class:`ConcurrentUpdate` too, however the database noticed it: a
version column that moved on (``StaleDataError``), or one of :data:`RACE_CONSTRAINTS`
broken by a row someone else inserted first (:func:`is_lost_race`).
"""

from __future__ import annotations

import re

from flask_babel import gettext
from flask_babel import lazy_gettext as _l

from workflows.errors import Conflict, NotPermitted, Refusal

__all__ = [
    "RACE_CONSTRAINTS",
    "Conflict",
    "ConcurrentUpdate",
    "NotPermitted",
    "NotYet",
    "Refusal",
    "is_lost_race",
    "message_of",
]


class ConcurrentUpdate(Conflict):
    """Someone else changed the record since the person loaded it: reload and try again."""

    def __init__(self, message: object = None) -> None:
        super().__init__(
            message
            or _l(
                "This was changed by someone else in the meantime. Reload the page and try again."
            )
        )


class NotYet(Refusal):
    """Not possible before another step, done on another page: the page that says so
    links there (``way_out``: the link's label, its endpoint and values). 409: the
    state of things, not the request, stands in the way."""

    status = 409

    def __init__(self, message: object, *, label: object, endpoint: str, **values) -> None:
        super().__init__(message)
        self.way_out = (label, endpoint, values)


#: Unique constraints that only two requests writing the same row at the same moment can
#: break: the loser is told the record changed meanwhile (409), never a 500.
RACE_CONSTRAINTS = frozenset(
    {
        # two staff deciding one dossier (or running the rules) store its outcomes at once
        "uq_rule_outcomes_application_id_rule",
        # two chairs computing the first draft of a call's selection
        "uq_selection_rounds_call_id",
        # a juror's first save of a review, from two tabs
        "uq_reviews_assignment_id",
        # the first progress of one milestone, recorded twice
        "uq_milestone_progress_application_id_key",
        # the end of one project's coaching, recorded twice
        "uq_coaching_closures_application_id",
    }
)

#: SQLite names the columns of the unique constraint it found broken, not the constraint.
_SQLITE_UNIQUE = re.compile(r"UNIQUE constraint failed: ([\w.]+(?:, [\w.]+)*)")


def _broken_constraint(error: Exception) -> str | None:
    """The name of the constraint an IntegrityError broke, when the database says it."""
    original = getattr(error, "orig", None)
    name = getattr(getattr(original, "diag", None), "constraint_name", None)  # PostgreSQL
    if name:
        return name
    found = _SQLITE_UNIQUE.search(str(original))
    if found is None:
        return None
    columns = [qualified.split(".") for qualified in found[1].split(", ")]
    # named as app.extensions names them: uq_<table>_<column>_<column>...
    return "_".join(["uq", columns[0][0], *(column for _table, column in columns)])


def is_lost_race(error: Exception) -> bool:
    """Whether ``error`` (an IntegrityError) broke one of :data:`RACE_CONSTRAINTS`:
    someone else wrote the same row first."""
    return _broken_constraint(error) in RACE_CONSTRAINTS


#: How the values of a refusal's parameters read, by parameter name ({"state": {"draft":
#: "Draft"...}}): each area's wording module adds its own vocabulary.
PARAMETER_WORDING: dict[str, dict] = {}


def message_of(error: Refusal) -> str:
    """What ``error`` says, in the reader's language.

    A lazy string is already translated; a plain string (marked with ``N_`` where Flask
    is not at hand, as in workflows/) is looked up in the catalogue, then formatted with
    the error's parameters, each read through :data:`PARAMETER_WORDING`.
    """
    if isinstance(error.message, str):
        params = {
            name: str(PARAMETER_WORDING.get(name, {}).get(value, value))
            for name, value in error.params.items()
        }
        return gettext(error.message, **params) if params else gettext(error.message)
    return str(error)
