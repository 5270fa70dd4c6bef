"""What ``/healthz`` checks: the database, the job queue and the rate limits' storage
answer (while the last is down the limits count in memory, per worker: reported all the
same, so that someone brings it back)."""

from __future__ import annotations

from huey.storage import RedisStorage
from sqlalchemy import text

from app import jobs
from app.extensions import db, limiter


def health_checks() -> dict[str, str]:
    """``{"database": "ok", "jobs": "ok", "rate_limits": "ok"}``, or the kind of error
    each check met."""
    return {"database": _database(), "jobs": _jobs(), "rate_limits": _rate_limits()}


def _database() -> str:
    try:
        db.session.execute(text("SELECT 1"))
    except Exception as error:  # any failure at all means "not healthy"
        db.session.rollback()
        return f"error: {type(error).__name__}"
    return "ok"


def _jobs() -> str:
    storage = jobs.huey.storage  # read now: the queue may be swapped (tests, a worker's app)
    try:
        if isinstance(storage, RedisStorage):  # ping, not just an open socket
            storage.conn.ping()
        storage.queue_size()
    except Exception as error:  # any failure at all means "not healthy"
        return f"error: {type(error).__name__}"
    return "ok"


def _rate_limits() -> str:
    try:
        answers = limiter.storage.check()  # Redis: a ping; memory: always
    except Exception as error:  # any failure at all means "not healthy"
        return f"error: {type(error).__name__}"
    return "ok" if answers else "error: unreachable"
