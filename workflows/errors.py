"""The one family of errors a user can cause: every refusal is a :class:`Refusal`.

It lives here, beside the state machines, because the machines refuse too and must not
import Flask. The application side (``app.common.errors``) re-exports it, adds its own
kinds and turns any of them into a message in the reader's language and an HTTP status
(``app.common.views.run_service`` and the error handlers of ``app/__init__.py``).
"""

from __future__ import annotations


def N_(message: str) -> str:
    """Mark ``message`` for the catalogue without translating it here (no Flask in
    workflows/): the application translates it when it shows the refusal."""
    return message


class Refusal(Exception):
    """A refused operation; nothing was changed.

    ``message`` is what the person reads: a lazy translated string, or a plain string
    marked with :func:`N_` that the application looks up in the catalogue, formatted
    with ``params``. ``status`` is the HTTP status of a page that says it.
    """

    #: 422: the request was understood but cannot be done as asked.
    status = 422
    #: Where the person does what must come first, for the page that says the refusal
    #: to link to: ``(label, endpoint, values)``; None for most refusals.
    way_out: tuple[object, str, dict] | None = None

    def __init__(self, message: object = "", **params: object) -> None:
        super().__init__(message)
        self.message = message
        self.params = params

    def __str__(self) -> str:
        text = str(self.message)
        return text % self.params if self.params else text


class NotPermitted(Refusal):
    """The person may not do this; shown as "not found" (404) so nobody learns what exists."""

    status = 404


class Conflict(Refusal):
    """What the person saw has changed, or cannot change now (409)."""

    status = 409
