"""The selection's periodic job: free the places whose confirmation deadline passed."""

from huey import crontab

from app.jobs import huey, unit_of_work
from app.selection.reserve import expire_all_confirmations


@huey.periodic_task(crontab(minute="*/15"))
def expire_confirmations_task() -> int:
    """Every quarter of an hour: free the places whose confirmation deadline passed (the
    reserve fills them)."""
    with unit_of_work():
        lapsed = expire_all_confirmations()
    return lapsed
