"""The one family of errors a user can cause, and how each reads for them.

Every area's refusal (AccountError, CallError, ApplicationError, DocumentError,
JuryError, ScoringError, SelectionError, CoachingError...) is a :class:`Refusal`, and so
is the lifecycle's :class:`~workflows.application.TransitionRefused`. Each carries the
HTTP status of the page that says it: 422 by default, 404 for :class:`NotPermitted`
(nobody learns what exists), 409 for :class:`Conflict` (:class:`ConcurrentUpdate`, a
transition the lifecycle refuses now). ``app.common.views.run_service`` and the error
handlers turn them into a message in the reader's language with :func:`message_of`.
"""

from __future__ import annotations

from flask_babel import gettext
from flask_babel import lazy_gettext as _l

from workflows.errors import Conflict, NotPermitted, Refusal

__all__ = ["Conflict", "ConcurrentUpdate", "NotPermitted", "Refusal", "message_of"]


class ConcurrentUpdate(Conflict):
    """Someone else changed the record since the person loaded it: reload and try again."""

    def __init__(self, message: object = None) -> None:
        super().__init__(
            message
            or _l(
                "This was changed by someone else in the meantime. Reload the page and try again."
            )
        )


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
