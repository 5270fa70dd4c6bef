"""The documents area's periodic job: rendered pages are not kept once unused."""

import logging

from flask import current_app
from huey import crontab

from app.documents.pages import purge
from app.jobs import app_context, huey

log = logging.getLogger("impulse.documents")


@huey.periodic_task(crontab(hour="4", minute="10"))
def purge_pages_task() -> int:
    """Every night: remove the pages rendered for the split view that nobody read for
    DOCUMENT_PAGES_KEEP_DAYS days, and those of documents deleted since."""
    with app_context():
        removed = purge(current_app.config["DOCUMENT_PAGES_KEEP_DAYS"])
    log.info("rendered pages of %d documents removed", removed)
    return removed
