"""Published patterns match whole values: no trailing newline (Python's `$`), no non-ASCII digits (`\\d`)."""

from __future__ import annotations

import re

import pytest
from marshmallow import ValidationError

from backend.rules.people_rules import is_valid_username
from backend.schemas.hazard_commands import ReportArgs
from backend.schemas.notification import QuietHours

SHA = "a" * 64


def _report(**extra) -> dict:
    return {"title": "煤气泄漏", "description": "", "location": "炉顶", "severity": "general", **extra}


@pytest.mark.parametrize("photo", [SHA + "\n", SHA.upper(), SHA[:63]])
def test_a_photo_hash_is_exactly_64_lowercase_hex(photo):
    with pytest.raises(ValidationError) as refused:
        ReportArgs().load(_report(photos=[photo]))
    assert "photos" in refused.value.messages
    assert ReportArgs().load(_report(photos=[SHA]))["photos"] == [SHA]


@pytest.mark.parametrize("criterion", ["4.1\n", "٣.1", "４.1", "4.1.2.3"])
def test_a_criterion_is_ascii_article_numbers_only(criterion):
    with pytest.raises(ValidationError):
        ReportArgs().load(_report(criterion=criterion))
    assert ReportArgs().load(_report(criterion="4.1.2"))["criterion"] == "4.1.2"


def test_quiet_hours_are_exactly_hh_mm():
    with pytest.raises(ValidationError):
        QuietHours().load({"start": "22:00\n", "end": "07:00"})
    with pytest.raises(ValidationError):
        QuietHours().load({"start": "２2:00", "end": "07:00"})


def test_a_username_with_a_trailing_newline_is_refused():
    assert is_valid_username("worker-a1")
    assert not is_valid_username("worker-a1\n")


def test_the_end_anchor_means_the_end_in_javascript_too():
    # The published pattern must not rely on Python-only syntax such as \Z (in JavaScript, a literal Z).
    from backend.rules.patterns import TEXT_END

    assert "\\Z" not in TEXT_END and re.fullmatch(r"\(\?!\[\\s\\S\]\)", TEXT_END)
