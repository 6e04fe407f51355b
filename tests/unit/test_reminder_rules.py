"""The reminder rules: stages of an obligation, hazard warnings and the escalation ladder, claim keys."""

from __future__ import annotations

from datetime import date, datetime, timedelta

from backend.derived.clock import SHANGHAI
from backend.rules import reminder_rules as rules

DUE = date(2025, 3, 31)


def on(days_before: int) -> str | None:
    return rules.obligation_occasion(DUE, DUE - timedelta(days=days_before))


def test_an_obligation_reminds_14_and_7_days_ahead_and_on_the_due_day():
    assert on(30) is None and on(15) is None
    assert on(14) == "d-14" and on(8) == "d-14"
    assert on(7) == "d-7" and on(1) == "d-7"
    assert on(0) == "d-0"


def test_an_overdue_obligation_reminds_the_day_after_then_weekly():
    stages = [on(-n) for n in range(1, 23)]
    assert stages[:7] == ["overdue-w0"] * 7
    assert stages[7:14] == ["overdue-w1"] * 7
    assert stages[14] == "overdue-w2"
    assert len(set(stages)) == 4


def test_drills_remind_officers_and_inspections_principals_and_officers():
    assert rules.OBLIGATION_REMINDERS["evacuation_drill"] == ("drill_due", ("officer",))
    assert rules.OBLIGATION_REMINDERS["principal_inspection"] == ("inspection_due", ("principal", "officer"))
    assert "ledger_update" not in rules.OBLIGATION_REMINDERS


def test_a_hazard_warns_two_days_before_its_deadline_until_the_deadline():
    warned = [d for d in range(-3, 6) if rules.hazard_warning_due(DUE, DUE - timedelta(days=d))]
    assert warned == [0, 1, 2]


def test_the_ladder_counts_from_the_first_day_after_the_deadline():
    assert rules.days_overdue(DUE, DUE) is None
    assert rules.days_overdue(DUE, DUE + timedelta(days=1)) == 0
    assert rules.days_overdue(DUE, DUE + timedelta(days=4)) == 3


def names(severity: str, day: int) -> list[str]:
    return [step.name for step in rules.escalation_steps(severity, day)]


def test_a_general_hazard_escalates_assignee_then_officer_then_principal():
    assert names("general", 0) == ["assignee"]
    assert names("general", 1) == ["assignee", "officer"]
    assert names("general", 2) == ["assignee", "officer"]
    assert names("general", 3) == ["assignee", "officer", "principal"]


def test_a_major_hazard_reaches_the_bureau_one_day_after_the_first_overdue_day():
    assert names("major", 0) == ["assignee"]
    assert names("major", 1) == ["assignee", "officer", "bureau"]
    assert names("major", 3) == ["assignee", "officer", "bureau", "principal"]
    [bureau] = [s for s in rules.ESCALATION_LADDER if s.audience == "bureau"]
    assert bureau.kind == "major_hazard_overdue" and bureau.major_only


def test_a_certificate_warns_within_60_days_of_expiry():
    assert not rules.certificate_warning_due(DUE, DUE - timedelta(days=61))
    assert rules.certificate_warning_due(DUE, DUE - timedelta(days=60))
    assert rules.certificate_warning_due(DUE, DUE)
    assert not rules.certificate_warning_due(DUE, DUE + timedelta(days=1))


def test_training_reminds_the_day_before():
    assert rules.training_tomorrow(DUE, DUE - timedelta(days=1))
    assert not rules.training_tomorrow(DUE, DUE)
    assert not rules.training_tomorrow(DUE, DUE - timedelta(days=2))


def test_the_claim_key_names_kind_subject_occasion_and_recipient():
    assert rules.claim_key("drill_due", "e-1:evacuation_drill:2025-03-31", "d-7", "u-1") == (
        "drill_due:e-1:evacuation_drill:2025-03-31:d-7:u-1"
    )


def test_the_weekly_period_is_the_iso_week():
    assert rules.iso_week(date(2025, 3, 3)) == "2025-W10"
    assert rules.iso_week(date(2024, 12, 30)) == "2025-W01"


def test_people_read_the_week_in_chinese():
    assert rules.iso_week_label(date(2025, 3, 3)) == "2025年第10周"
    assert rules.iso_week_label(date(2024, 12, 30)) == "2025年第1周", "the ISO year, not the calendar year"


def test_digests_wait_for_the_morning_and_the_weekly_one_for_monday_morning():
    monday_early = datetime(2025, 3, 3, 7, 59, tzinfo=SHANGHAI)
    monday = datetime(2025, 3, 3, 8, 0, tzinfo=SHANGHAI)
    tuesday_early = datetime(2025, 3, 4, 1, 0, tzinfo=SHANGHAI)
    assert not rules.digest_time_reached(monday_early) and rules.digest_time_reached(monday)
    assert not rules.digest_time_reached(monday_early, weekly=True)
    assert rules.digest_time_reached(tuesday_early, weekly=True)
    assert not rules.digest_time_reached(tuesday_early)
