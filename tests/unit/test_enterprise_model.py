"""The enterprise model: credit codes and flags are checked; the registration day is Shanghai's."""

from datetime import UTC, datetime

import pytest

from backend.models import Enterprise


def test_enterprise_accepts_a_valid_credit_code():
    assert Enterprise(uscc="91350100M000100Y43", name="甲", flags=["gas"]).uscc == "91350100M000100Y43"


def test_enterprise_refuses_a_wrong_check_character():
    with pytest.raises(ValueError, match="credit code"):
        Enterprise(uscc="91350100M000100Y44", name="甲")


def test_enterprise_refuses_unknown_flags():
    with pytest.raises(ValueError, match="unknown enterprise flags"):
        Enterprise(uscc="91350100M000100Y43", name="甲", flags=["volcano"])


@pytest.mark.parametrize(
    ("created_at", "registered_on"),
    [
        (datetime(2026, 12, 6, 15, 59, tzinfo=UTC), "2026-12-06"),  # 23:59 in Shanghai
        (datetime(2026, 12, 6, 16, 0, tzinfo=UTC), "2026-12-07"),  # 00:00 the next day in Shanghai
        (datetime(2026, 12, 31, 20, 0, tzinfo=UTC), "2027-01-01"),
    ],
)
def test_registered_on_is_the_asia_shanghai_calendar_day(created_at, registered_on):
    enterprise = Enterprise(uscc="91350100M000100Y43", name="甲", created_at=created_at)
    assert enterprise.to_data()["registered_on"] == registered_on
    assert enterprise.registered_on().isoformat() == registered_on
