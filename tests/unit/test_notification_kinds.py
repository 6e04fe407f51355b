"""Notification kinds as data and the quiet-hours rule."""

from __future__ import annotations

import json
from datetime import datetime, time
from zoneinfo import ZoneInfo

import pytest

from backend.rules.notification_kinds import (
    KINDS,
    OPT_OUT_KINDS,
    in_quiet_hours,
    is_critical,
    push_allowed,
    quiet_hours_end,
)
from scripts.pwa_kinds import TARGET as PWA_KINDS
from scripts.pwa_kinds import rendered

SHANGHAI = ZoneInfo("Asia/Shanghai")
NIGHT = {"quiet_hours": {"start": "22:00", "end": "07:00"}}
LUNCH = {"quiet_hours": {"start": "12:00", "end": "13:30"}}


def test_every_kind_of_the_issue_has_both_labels():
    expected = {
        "drill_due",
        "inspection_due",
        "hazard_deadline",
        "hazard_overdue",
        "hazard_escalated",
        "major_hazard_reported",
        "major_hazard_overdue",
        "drill_reported",
        "certificate_expiry",
        "retraining_required",
        "training_tomorrow",
        "digest_weekly",
        "digest_daily",
        "notice",
        "hazard_reported",
        "hazard_assigned",
        "hazard_rectified",
        "hazard_verified",
        "hazard_sent_back",
        "hazard_dismissed",
        "lockout_confirm",
        "drill_invited",
        "training_invited",
    }
    assert set(KINDS) == expected
    assert all(kind.zh and kind.en for kind in KINDS.values())


def test_only_major_hazards_found_or_overdue_are_critical():
    assert [name for name in KINDS if is_critical(name)] == ["major_hazard_reported", "major_hazard_overdue"]
    assert not is_critical("no_such_kind")


def test_notices_and_critical_kinds_cannot_be_opted_out_of():
    assert "notice" not in OPT_OUT_KINDS and "major_hazard_overdue" not in OPT_OUT_KINDS
    assert "major_hazard_reported" not in OPT_OUT_KINDS
    assert "digest_daily" in OPT_OUT_KINDS


def test_the_workflow_kinds_may_be_opted_out_of():
    workflow = (
        "hazard_reported",
        "hazard_assigned",
        "hazard_rectified",
        "lockout_confirm",
        "training_invited",
    )
    assert all(kind in OPT_OUT_KINDS and not is_critical(kind) for kind in workflow)


def test_the_pwa_reads_the_servers_kinds_from_its_generated_file():
    # Run `.venv/bin/python -m scripts.pwa_kinds` after changing KINDS.
    assert PWA_KINDS.read_text(encoding="utf-8") == rendered()
    listed = json.loads(rendered())
    assert [k["kind"] for k in listed] == list(KINDS)
    assert {k["kind"] for k in listed if k["opt_out"]} == set(OPT_OUT_KINDS)


@pytest.mark.parametrize(
    ("clock", "quiet"),
    [("21:59", False), ("22:00", True), ("23:30", True), ("00:00", True), ("06:59", True), ("07:00", False)],
)
def test_a_window_crossing_midnight(clock, quiet):
    hours, minutes = map(int, clock.split(":"))
    assert in_quiet_hours(NIGHT, datetime(2025, 6, 2, hours, minutes, tzinfo=SHANGHAI)) is quiet


@pytest.mark.parametrize(
    ("clock", "quiet"), [(time(11, 59), False), (time(12, 0), True), (time(13, 30), False)]
)
def test_a_window_within_one_day(clock, quiet):
    assert in_quiet_hours(LUNCH, clock) is quiet


def test_no_window_is_never_quiet():
    assert not in_quiet_hours(None, time(3, 0))
    assert not in_quiet_hours({"quiet_hours": None}, time(3, 0))
    assert not in_quiet_hours({"quiet_hours": {"start": "08:00", "end": "08:00"}}, time(8, 0))


def test_quiet_hours_end_at_the_next_end_time():
    late = datetime(2025, 6, 2, 23, 0, tzinfo=SHANGHAI)
    assert quiet_hours_end(NIGHT, late) == datetime(2025, 6, 3, 7, 0, tzinfo=SHANGHAI)
    early = datetime(2025, 6, 3, 5, 0, tzinfo=SHANGHAI)
    assert quiet_hours_end(NIGHT, early) == datetime(2025, 6, 3, 7, 0, tzinfo=SHANGHAI)


def test_push_off_stops_everything_and_opt_out_only_what_is_not_critical():
    assert push_allowed(None, "digest_daily", False)
    assert not push_allowed({"push_enabled": False}, "major_hazard_overdue", True)
    opted = {"push_enabled": True, "opt_out": ["digest_daily", "hazard_overdue"]}
    assert not push_allowed(opted, "digest_daily", False)
    assert push_allowed(opted, "hazard_overdue", True)
    assert push_allowed(opted, "drill_due", False)
