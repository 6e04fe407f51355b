"""Drill rules: every command x state x role against docs/commands.md, drill types, roll-call sums."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from backend.rules.cadence_table import INTERVAL_RULES
from backend.rules.drill_rules import (
    ALLOWED,
    DRILL_TYPE_KEYS,
    DRILL_TYPES,
    STATUSES,
    TRANSITIONS,
    Decision,
    decide,
    evacuation_seconds,
    fulfilled_obligations,
    missing_ids,
)

ROLES = ("worker", "officer", "principal", "bureau")
# docs/commands.md's drill table written out independently: command -> {state before: state after}.
DOCUMENTED = {
    "drill.plan": {None: "planned"},
    "drill.start": {"planned": "running"},
    "drill.check_in": {"running": "running"},
    "drill.end": {"running": "ended"},
    "drill.add_photos": {s: s for s in ("planned", "running", "ended", "evaluated")},
    "drill.evaluate": {"ended": "evaluated"},
    "drill.cancel": {"planned": "cancelled"},
}
START = datetime(2026, 11, 29, 8, 0, tzinfo=UTC)


@pytest.mark.parametrize("command", sorted(DOCUMENTED))
@pytest.mark.parametrize("state", [None, *STATUSES])
@pytest.mark.parametrize("role", ROLES)
def test_every_drill_decision_matches_the_documented_table(command, state, role):
    drill = {"status": state} if state else None
    expected_next = DOCUMENTED[command].get(state)
    if role not in ("officer", "principal"):
        assert decide(command, role, drill) == Decision("forbidden")
    elif expected_next is None:
        assert decide(command, role, drill) == Decision("conflict")
    else:
        assert decide(command, role, drill) == Decision(None, expected_next)


def test_transition_and_permission_tables_name_the_same_commands():
    assert set(TRANSITIONS) == set(ALLOWED) == set(DOCUMENTED)


def test_every_documented_drill_type_is_known_with_both_labels():
    documented = {
        "evacuation",
        "fire",
        "gas_leak",
        "molten_metal",
        "confined_space_rescue",
        "comprehensive",
        "specialised",
        "onsite_procedure",
    }
    assert set(DRILL_TYPE_KEYS) == documented
    assert all(t.label_zh and t.label_en for t in DRILL_TYPES)


def test_every_drill_type_fulfils_only_obligations_of_the_cadence_table():
    cadence_keys = {rule.key for rule in INTERVAL_RULES}
    for drill_type in DRILL_TYPES:
        assert drill_type.fulfils, drill_type.key
        assert set(drill_type.fulfils) <= cadence_keys, drill_type.key


@pytest.mark.parametrize(
    ("drill_type", "obligations"),
    [
        ("evacuation", ("evacuation_drill",)),
        ("comprehensive", ("comprehensive_drill",)),
        ("specialised", ("comprehensive_drill",)),
        ("fire", ("comprehensive_drill",)),
        ("gas_leak", ("comprehensive_drill",)),
        ("molten_metal", ("comprehensive_drill",)),
        ("confined_space_rescue", ("comprehensive_drill",)),
        ("onsite_procedure", ("onsite_procedure_drill",)),
        ("tea_party", ()),
    ],
)
def test_drill_type_fulfils_its_obligations(drill_type, obligations):
    assert fulfilled_obligations(drill_type) == obligations


def test_missing_people_are_the_expected_who_did_not_check_in_in_order():
    assert missing_ids(["a", "b", "c", "d"], ["c", "x", "a"]) == ["b", "d"]


def test_nobody_is_missing_when_everyone_checked_in():
    assert missing_ids(["a"], ["a"]) == []


def test_evacuation_time_runs_to_the_last_check_in():
    times = [START + timedelta(seconds=40), START + timedelta(seconds=95.4), START + timedelta(seconds=3)]
    assert evacuation_seconds(START, START + timedelta(minutes=10), times) == 95


def test_evacuation_time_runs_to_the_end_when_nobody_checked_in():
    assert evacuation_seconds(START, START + timedelta(minutes=7), []) == 420


def test_evacuation_time_is_never_negative_with_a_fast_device_clock():
    assert evacuation_seconds(START, START, [START - timedelta(seconds=5)]) == 0
