"""What the selection does when a dossier changes state (see app.events)."""

from app.events import transitioned
from app.selection.reserve import promote_from_reserve
from workflows.application import PLACE_STATES


@transitioned.connect
def fill_freed_place(application, *, source, dest, **_) -> None:
    """A place left (declined, lapsed or withdrawn): the reserve fills it, in order."""
    if source in PLACE_STATES and dest not in PLACE_STATES:
        promote_from_reserve(application.call, actor=None)
