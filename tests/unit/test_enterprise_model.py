"""The enterprise model refuses bad credit codes and unknown profile flags."""

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
