"""The jury's periodic job: remind jurors that scoring closes soon (app.jury.reminders)."""

from huey import crontab

from app.jobs import huey, unit_of_work
from app.jury.reminders import remind_jurors_before_closing


@huey.periodic_task(crontab(minute="*/15"))
def scoring_reminders_task() -> int:
    """Every quarter of an hour: remind, once, the jurors of the calls whose scoring closes
    within their reminder's days and who have reviews not submitted."""
    with unit_of_work():
        reminded = remind_jurors_before_closing()
    return reminded
