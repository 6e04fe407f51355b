"""The one clock the derived entities read: today's date and times on the Asia/Shanghai calendar."""

from __future__ import annotations

from datetime import UTC, date, datetime, time
from zoneinfo import ZoneInfo

from sync.wire import parse_time

SHANGHAI = ZoneInfo("Asia/Shanghai")


def today_in_shanghai() -> date:
    """Return today's calendar day in Asia/Shanghai (tests patch this to travel in time)."""
    return datetime.now(UTC).astimezone(SHANGHAI).date()


def day_start(day: date) -> datetime:
    """Return the UTC moment an Asia/Shanghai calendar day begins."""
    return datetime.combine(day, time(), SHANGHAI).astimezone(UTC)


def local_day(value: str | datetime | None) -> date | None:
    """Return the Asia/Shanghai calendar day of an RFC 3339 time (or aware datetime); None stays None."""
    moment = parse_moment(value)
    return moment.astimezone(SHANGHAI).date() if moment else None


def parse_moment(value: str | datetime | None) -> datetime | None:
    """Return an aware datetime from RFC 3339 text, or None when absent or unreadable."""
    if value is None or isinstance(value, datetime):
        return value
    return parse_time(value)


def parse_day(value: str | None) -> date | None:
    """Return a date from YYYY-MM-DD text, or None."""
    try:
        return date.fromisoformat(value) if value else None
    except (TypeError, ValueError):
        return None
