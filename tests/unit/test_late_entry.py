"""Late entry: a command received more than 24 hours after its capture is late; the window is 90 days."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from backend.rules.late_entry import (
    LATE_ENTRY_HOURS,
    LATE_ENTRY_LOOKBACK_DAYS,
    delay_hours,
    in_lookback,
    is_late,
)

CAPTURED = datetime(2026, 3, 1, 8, 0, tzinfo=UTC)


def test_the_limit_is_twenty_four_hours_and_the_window_ninety_days():
    assert LATE_ENTRY_HOURS == 24
    assert LATE_ENTRY_LOOKBACK_DAYS == 90


def test_delay_is_counted_in_hours_from_capture_to_receipt():
    assert delay_hours(CAPTURED, CAPTURED + timedelta(hours=30, minutes=30)) == 30.5


def test_a_command_synced_after_a_night_shift_is_not_late():
    assert not is_late(CAPTURED, CAPTURED + timedelta(hours=12))


def test_exactly_twenty_four_hours_is_not_late_but_a_minute_more_is():
    assert not is_late(CAPTURED, CAPTURED + timedelta(hours=24))
    assert is_late(CAPTURED, CAPTURED + timedelta(hours=24, minutes=1))


def test_a_device_clock_ahead_of_the_server_is_never_late():
    assert not is_late(CAPTURED, CAPTURED - timedelta(hours=48))


def test_a_bureau_may_set_its_own_limit():
    assert is_late(CAPTURED, CAPTURED + timedelta(hours=13), limit_hours=12)


def test_the_lookback_window_holds_the_last_ninety_days_and_today():
    today = date(2026, 6, 1)
    assert in_lookback(today, today)
    assert in_lookback(today - timedelta(days=90), today)
    assert not in_lookback(today - timedelta(days=91), today)
    assert not in_lookback(today + timedelta(days=1), today)
