"""What eligibility does when a dossier changes state (see app.events)."""

from app.eligibility.checks import check_application
from app.eligibility.models import open_request
from app.events import transitioned
from workflows.application import Trigger


@transitioned.connect
def check_submitted_dossier(application, *, trigger, entry, **_) -> None:
    """A submitted (or completed) dossier: the rules run on it; a completion answers the
    open information request."""
    if trigger == Trigger.RESUBMIT:
        request = open_request(application)
        if request is not None:
            request.answered_at = entry.created_at
    if trigger in (Trigger.SUBMIT, Trigger.RESUBMIT):
        check_application(application)
