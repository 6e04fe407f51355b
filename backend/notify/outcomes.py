"""What one delivery attempt came to, and when to try again: Retry-After, else exponential backoff."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from email.utils import parsedate_to_datetime

# 30 s, 2 min, 10 min, 1 h, then 3 h, 6 h, 12 h (the cap).
BACKOFF = (30, 120, 600, 3600, 3 * 3600, 6 * 3600, 12 * 3600)
MAX_ATTEMPTS = 8
MAX_RETRY_AFTER = timedelta(days=1)


@dataclass(frozen=True)
class DeliveryResult:
    """One attempt's outcome: sent, gone (target removed), retry (try later) or failed (give up)."""

    status: str
    http_status: int | None = None
    error: str | None = None
    retry_after: timedelta | None = None
    delivery_id: int | None = None

    @property
    def ok(self) -> bool:
        return self.status == "sent"


def backoff(attempts: int) -> timedelta:
    """Return the wait after the given number of failed attempts (1 → 30 s), capped."""
    return timedelta(seconds=BACKOFF[min(max(attempts, 1), len(BACKOFF)) - 1])


def parse_retry_after(value: str | None, now: datetime | None = None) -> timedelta | None:
    """Read a Retry-After header, in seconds or as an HTTP date; None when absent or unreadable."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return min(timedelta(seconds=int(value)), MAX_RETRY_AFTER)
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    wait = when - (now or datetime.now(UTC))
    return min(max(wait, timedelta(0)), MAX_RETRY_AFTER)


def retry_or_fail(attempts: int) -> str:
    """Tell whether a retryable failure after this many attempts is retried or given up."""
    return "failed" if attempts >= MAX_ATTEMPTS else "retry"


def next_attempt(result: DeliveryResult, attempts: int, now: datetime) -> datetime:
    """Return when to try again: what the service asked for, else the backoff for the attempt count."""
    return now + (result.retry_after if result.retry_after is not None else backoff(attempts))
