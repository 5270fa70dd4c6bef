"""The privacy area's periodic job: documents are not kept longer than the programme says."""

import logging

from flask import current_app
from huey import crontab

from app.jobs import huey, unit_of_work
from app.privacy.cli import retention_report
from app.privacy.services import apply_retention

log = logging.getLogger("impulse.privacy")


@huey.periodic_task(crontab(hour="3", minute="30"))
def retention_task() -> int:
    """Every night: delete the documents of applications not selected, RETENTION_MONTHS
    after the decision (``flask --app wsgi privacy retention --dry-run`` shows what goes)."""
    with unit_of_work():
        months = current_app.config["RETENTION_MONTHS"]
        items = apply_retention(months)
        report = retention_report(items, months=months, dry_run=False)
        deleted = sum(len(item.documents) for item in items)
    log.info(report)
    return deleted
