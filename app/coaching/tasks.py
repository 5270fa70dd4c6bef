"""Coaching's periodic job: the weekly digest of stalled projects to each coach."""

from huey import crontab

from app.coaching.followup import send_digests
from app.jobs import huey, unit_of_work


@huey.periodic_task(crontab(day_of_week="1", hour="7", minute="0"))
def coaching_digest_task() -> int:
    """Every Monday at 07:00: mail each coach the stalled projects they follow."""
    with unit_of_work():
        sent = send_digests()
    return sent
