"""The selection's refusals: what a chair (or a command) is told, nothing changed."""

from flask_babel import lazy_gettext as _l

from app.common.errors import Conflict, Refusal


class SelectionError(Refusal):
    """A refused selection operation; the message is shown to the user."""


class AlreadyPublished(SelectionError, Conflict):
    """The call's selection is published: its decisions can no longer change. Whoever
    acted on the draft meanwhile (a second publisher, a late move) gets the 409 page."""

    def __init__(self) -> None:
        super().__init__(_l("The selection of this call is already published."))
