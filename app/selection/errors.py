"""The selection's refusals: what a chair (or a command) is told, nothing changed."""

from flask_babel import lazy_gettext as _l

from app.common.errors import Refusal


class SelectionError(Refusal):
    """A refused selection operation; the message is shown to the user."""


class AlreadyPublished(SelectionError):
    """The call's selection is published: its decisions can no longer change."""

    def __init__(self) -> None:
        super().__init__(_l("The selection of this call is already published."))
