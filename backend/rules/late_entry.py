"""Late entry (先检查后补录) as data: how long after the deed a record may reach the server unremarked."""

from __future__ import annotations

from datetime import date, datetime, timedelta

# "互联网+执法": records are entered on the spot. A phone offline for a shift syncs within hours; a
# command received more than this long after its device capture time is shown to the bureau as late.
LATE_ENTRY_HOURS = 24
# The bureau's overview lists late entries captured within this many days.
LATE_ENTRY_LOOKBACK_DAYS = 90
# At most this many late entries per enterprise, newest first: the overview is a signal, not a log.
LATE_ENTRY_LIMIT = 50
SOURCE = "交应急字〔2024〕45号: 互联网+执法, 100% online, no after-the-fact entry"


def delay_hours(captured_at: datetime, received_at: datetime) -> float:
    """Return how many hours the server received a command after the device captured it."""
    return (received_at - captured_at).total_seconds() / 3600


def is_late(captured_at: datetime, received_at: datetime, limit_hours: float = LATE_ENTRY_HOURS) -> bool:
    """Tell whether a command reached the server more than `limit_hours` after its capture."""
    return delay_hours(captured_at, received_at) > limit_hours


def in_lookback(captured_on: date, today: date, days: int = LATE_ENTRY_LOOKBACK_DAYS) -> bool:
    """Tell whether a capture day falls within the overview's lookback window (today included)."""
    return today - timedelta(days=days) <= captured_on <= today


def leaves_lookback(captured_on: date, days: int = LATE_ENTRY_LOOKBACK_DAYS) -> date:
    """Return the first day on which an entry captured that day is out of the lookback window."""
    return captured_on + timedelta(days=days + 1)
