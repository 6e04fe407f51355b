"""The cadence engine against every row of domain.md's cadence table, its flag branches and boundaries."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from backend.rules.cadence import STATES, add_months, due_soon_days_for, obligations, state_of
from backend.rules.cadence_table import CADENCE_RULES, MAJOR_HAZARD_DUE_SOON_DAYS, WHO
from backend.rules.roles import ENTERPRISE_FLAGS

TODAY = date(2024, 6, 1)
HIGH_OCCUPANCY = ("metal_smelting", "labour_intensive", "factory_in_factory")


def obligation(key, flags=(), last=None, today=TODAY, since=None):
    """The obligation `key` of an enterprise with these flags, last done on `last`."""
    found = [o for o in obligations(flags, {key: last}, today, since) if o.key == key]
    return found[0] if found else None


def test_ordinary_enterprise_drills_evacuation_every_twelve_months():
    drill = obligation("evacuation_drill", last=date(2024, 1, 10))
    assert (drill.interval_months, drill.next_due) == (12, date(2025, 1, 10))


@pytest.mark.parametrize("flag", HIGH_OCCUPANCY)
def test_metal_smelting_labour_intensive_or_factory_in_factory_drills_evacuation_every_six_months(flag):
    drill = obligation("evacuation_drill", flags=(flag,), last=date(2024, 1, 10))
    assert (drill.interval_months, drill.next_due) == (6, date(2024, 7, 10))


@pytest.mark.parametrize("flag", sorted(set(ENTERPRISE_FLAGS) - set(HIGH_OCCUPANCY)))
def test_other_flags_keep_the_twelve_month_evacuation_drill(flag):
    assert obligation("evacuation_drill", flags=(flag,)).interval_months == 12


@pytest.mark.parametrize("flags", [(), ("labour_intensive", "factory_in_factory", "gas", "confined_space")])
def test_comprehensive_or_specialised_drill_is_yearly_outside_metal_smelting(flags):
    drill = obligation("comprehensive_drill", flags=flags, last=date(2024, 3, 1))
    assert (drill.interval_months, drill.next_due, drill.who) == (12, date(2025, 3, 1), ("enterprise",))


def test_metal_smelting_drills_its_comprehensive_or_specialised_plan_every_six_months():
    # 预案管理办法 Art.33¶2; it was 12 months before issue 9.
    drill = obligation("comprehensive_drill", flags=("metal_smelting",), last=date(2024, 3, 1))
    assert (drill.interval_months, drill.next_due) == (6, date(2024, 9, 1))


def test_onsite_procedure_drill_is_every_six_months():
    drill = obligation("onsite_procedure_drill", last=date(2024, 3, 1))
    assert (drill.interval_months, drill.next_due) == (6, date(2024, 9, 1))


def test_principal_leads_an_inspection_every_quarter():
    inspection = obligation("principal_inspection", flags=("gas",), last=date(2024, 2, 1))
    assert (inspection.interval_months, inspection.next_due) == (3, date(2024, 5, 1))
    assert inspection.who == ("principal",)


def test_metal_smelting_principal_leads_an_inspection_every_month():
    inspection = obligation("principal_inspection", flags=("metal_smelting",), last=date(2024, 5, 20))
    assert (inspection.interval_months, inspection.next_due) == (1, date(2024, 6, 20))


@pytest.mark.parametrize("flag", ("labour_intensive", "factory_in_factory"))
def test_only_metal_smelting_makes_the_principal_inspection_monthly(flag):
    assert obligation("principal_inspection", flags=(flag,)).interval_months == 3


def test_enterprise_ledger_is_updated_every_six_months():
    ledger = obligation("ledger_update", last=date(2024, 1, 1))
    assert (ledger.interval_months, ledger.next_due, ledger.source) == (6, date(2024, 7, 1), "notice §(一)")


def test_confined_space_training_applies_only_to_confined_space_enterprises():
    assert obligation("confined_space_training", flags=("metal_smelting", "gas")) is None
    training = obligation("confined_space_training", flags=("confined_space",), last=date(2023, 9, 1))
    assert (training.interval_months, training.next_due, training.state) == (12, date(2024, 9, 1), "ok")


def test_quarterly_hazard_statistics_after_a_report_are_due_the_15th_after_the_current_quarter():
    stats = obligation("hazard_statistics_quarterly", last=date(2024, 4, 10))
    assert (stats.kind, stats.next_due, stats.state) == ("deadline", date(2024, 7, 15), "ok")


def test_a_report_in_the_last_quarter_makes_the_next_due_on_15_january():
    stats = obligation("hazard_statistics_quarterly", last=date(2024, 12, 31), today=date(2025, 1, 2))
    assert (stats.next_due, stats.state) == (date(2025, 1, 15), "due_soon")


def test_yearly_hazard_statistics_after_a_report_are_due_31_january_next_year():
    stats = obligation("hazard_statistics_yearly", last=date(2024, 1, 20))
    assert (stats.interval_months, stats.next_due) == (12, date(2025, 1, 31))


def test_never_reported_statistics_owe_the_last_completed_period():
    assert obligation("hazard_statistics_quarterly", today=date(2024, 5, 20)).next_due == date(2024, 4, 15)
    assert obligation("hazard_statistics_quarterly", today=date(2024, 5, 20)).state == "overdue"
    assert obligation("hazard_statistics_quarterly", today=date(2024, 4, 5)).state == "due_soon"
    assert obligation("hazard_statistics_yearly", today=date(2024, 3, 1)).next_due == date(2024, 1, 31)


def test_never_reported_statistics_since_registration_owe_the_first_period():
    since = date(2024, 2, 10)
    assert obligation("hazard_statistics_quarterly", since=since).next_due == date(2024, 4, 15)
    assert obligation("hazard_statistics_yearly", since=since).next_due == date(2025, 1, 31)


def test_only_the_rows_domain_md_marks_verify_are_unverified():
    unverified = {rule.key for rule in CADENCE_RULES if not rule.verified}
    assert unverified == {"hazard_statistics_quarterly", "hazard_statistics_yearly"}


def test_table_rows_have_unique_keys_known_flags_known_duties_and_sources():
    keys = [rule.key for rule in CADENCE_RULES]
    assert len(keys) == len(set(keys)) == 8
    for rule in CADENCE_RULES:
        flags = set(rule.applies_when).union(*(o.any_of for o in getattr(rule, "overrides", ())))
        assert flags <= set(ENTERPRISE_FLAGS) and set(rule.who) <= set(WHO)
        assert rule.source and rule.label_zh and rule.label_en


def test_an_enterprise_with_every_flag_has_every_obligation_in_table_order():
    keys = [o.key for o in obligations(ENTERPRISE_FLAGS, {}, TODAY)]
    assert keys == [rule.key for rule in CADENCE_RULES]
    assert "confined_space_training" not in [o.key for o in obligations(["dust_explosion"], {}, TODAY)]


def test_unknown_flags_and_unknown_keys_are_ignored():
    found = obligations(["standardisation_2"], {"no_such_rule": date(2024, 1, 1)}, TODAY)
    assert len(found) == 7 and all(o.last_done is None for o in found)


@pytest.mark.parametrize(
    ("days_left", "state"), [(31, "ok"), (30, "due_soon"), (1, "due_soon"), (0, "due_soon"), (-1, "overdue")]
)
def test_state_turns_due_soon_within_its_days_and_overdue_the_day_after_the_due_date(days_left, state):
    assert state_of(TODAY, TODAY - timedelta(days=days_left), 30) == state


def test_a_yearly_drill_is_ok_until_thirty_days_before_and_overdue_the_day_after():
    last = date(2024, 1, 10)
    states = [
        obligation("evacuation_drill", last=last, today=d).state
        for d in (date(2024, 12, 10), date(2024, 12, 11), date(2025, 1, 10), date(2025, 1, 11))
    ]
    assert states == ["ok", "due_soon", "due_soon", "overdue"]


@pytest.mark.parametrize(("months", "days"), [(1, 7), (3, 14), (6, 30), (12, 30)])
def test_short_intervals_warn_fewer_days_ahead(months, days):
    assert due_soon_days_for(months) == days


def test_monthly_inspection_warns_a_week_ahead():
    inspection = obligation("principal_inspection", ("metal_smelting",), date(2024, 5, 8), date(2024, 6, 1))
    assert (inspection.due_soon_days, inspection.state) == (7, "due_soon")
    assert obligation("principal_inspection", ("metal_smelting",), date(2024, 5, 9)).state == "ok"


@pytest.mark.parametrize(
    ("start", "months", "expected"),
    [
        (date(2023, 8, 31), 6, date(2024, 2, 29)),
        (date(2022, 8, 31), 6, date(2023, 2, 28)),
        (date(2024, 1, 31), 1, date(2024, 2, 29)),
        (date(2024, 3, 31), 1, date(2024, 4, 30)),
        (date(2024, 3, 31), -1, date(2024, 2, 29)),
        (date(2024, 11, 15), 3, date(2025, 2, 15)),
        (date(2024, 2, 29), 12, date(2025, 2, 28)),
        (date(2024, 2, 29), 48, date(2028, 2, 29)),
    ],
)
def test_month_arithmetic_clamps_to_month_ends_and_knows_leap_years(start, months, expected):
    assert add_months(start, months) == expected


def test_six_month_drill_after_31_august_is_due_on_the_last_day_of_february():
    drill = obligation("evacuation_drill", ("labour_intensive",), date(2023, 8, 31), date(2024, 1, 1))
    assert drill.next_due == date(2024, 2, 29)


def test_never_done_is_due_one_interval_after_registration():
    drill = obligation("evacuation_drill", since=date(2024, 3, 1))
    assert (drill.last_done, drill.next_due, drill.state) == (None, date(2025, 3, 1), "ok")


def test_never_done_without_a_registration_date_is_due_today():
    drill = obligation("onsite_procedure_drill")
    assert (drill.next_due, drill.state) == (TODAY, "due_soon")


def test_major_hazard_is_overdue_the_day_after_its_plan_deadline():
    deadline = date(2024, 6, 30)
    assert state_of(deadline, date(2024, 6, 23), MAJOR_HAZARD_DUE_SOON_DAYS) == "due_soon"
    assert state_of(deadline, date(2024, 7, 1), MAJOR_HAZARD_DUE_SOON_DAYS) == "overdue"


dates = st.dates(min_value=date(2000, 1, 1), max_value=date(2090, 12, 31))
flag_sets = st.sets(st.sampled_from(ENTERPRISE_FLAGS))


@given(flags=flag_sets, last=dates, since=st.none() | dates, today=dates, later=st.integers(0, 4000))
def test_next_due_follows_last_done_and_state_never_improves_as_days_pass(flags, last, since, today, later):
    done = {rule.key: last for rule in CADENCE_RULES}
    before = obligations(flags, done, today, since)
    after = obligations(flags, done, today + timedelta(days=later), since)
    for early, late in zip(before, after, strict=True):
        assert early.next_due > last and early.next_due == late.next_due
        assert STATES.index(early.state) <= STATES.index(late.state)


@given(start=dates, months=st.integers(-240, 240))
def test_adding_months_lands_in_the_right_month_never_past_the_start_day(start, months):
    result = add_months(start, months)
    assert (result.year * 12 + result.month) - (start.year * 12 + start.month) == months
    assert result.day <= start.day and (result.day == start.day or (result + timedelta(days=1)).day == 1)
