"""The one source of the current time, so that tests can freeze it."""

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

BRUSSELS = ZoneInfo("Europe/Brussels")


def utcnow() -> datetime:
    """The current time, timezone-aware, in UTC."""
    return datetime.now(UTC)


def to_brussels(moment: datetime) -> datetime:
    """``moment`` seen from Europe/Brussels, where every deadline of a call is set."""
    return moment.astimezone(BRUSSELS)


def from_brussels_naive(moment: datetime) -> datetime:
    """Read a naive wall-clock time typed by staff as Europe/Brussels time, return UTC."""
    return moment.replace(tzinfo=BRUSSELS).astimezone(UTC)
