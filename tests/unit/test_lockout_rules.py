"""Lockout rules: transitions, who may act, the second person, lock counting, labelled types."""

from __future__ import annotations

import pytest

from backend.rules.lockout_rules import (
    ACTIVE_STATUSES,
    ALLOWED,
    ENERGY_TYPE_KEYS,
    ENERGY_TYPES,
    EQUIPMENT_COMMANDS,
    STATUSES,
    TRANSITIONS,
    WORK_TYPE_KEYS,
    WORK_TYPES,
    Decision,
    active_locks,
    decide,
    decide_equipment,
    has_active_lockout,
    lock_on,
    locked_point_ids,
    needs_removal_reason,
    relations_of,
    status_after_apply,
    status_after_remove,
)

ROLES = ("worker", "officer", "principal", "bureau")
DOCUMENTED = {
    "lockout.open": {None: "applying"},
    "lockout.apply_lock": {"applying": "applying"},
    "lockout.verify_zero_energy": {"locked": "verified"},
    "lockout.confirm": {"verified": "safe_to_work"},
    "lockout.release": {"safe_to_work": "releasing"},
    "lockout.remove_lock": {"releasing": "releasing"},
}


def lock(point, by, removed=False):
    return {
        "point_id": point,
        "applied_by": by,
        "removed_at": "2026-11-29T09:00:00.000Z" if removed else None,
    }


@pytest.mark.parametrize("command", sorted(set(DOCUMENTED) - {"lockout.remove_lock"}))
@pytest.mark.parametrize("state", [None, *STATUSES])
@pytest.mark.parametrize("role", ROLES)
def test_any_enterprise_person_may_send_lockout_commands_in_their_state(command, state, role):
    lockout = {"status": state} if state else None
    expected_next = DOCUMENTED[command].get(state)
    if role == "bureau":
        assert decide(command, role, set(), lockout) == Decision("forbidden")
    elif expected_next is None:
        assert decide(command, role, set(), lockout) == Decision("conflict")
    else:
        assert decide(command, role, set(), lockout) == Decision(None, expected_next)


def test_transition_and_permission_tables_name_the_same_commands():
    assert set(TRANSITIONS) == set(ALLOWED) == set(DOCUMENTED)


@pytest.mark.parametrize("role", ["worker", "officer", "principal"])
def test_an_applier_cannot_confirm_their_own_lockout(role):
    lockout = {"status": "verified", "locks": [lock("p1", "u1")]}
    assert decide("lockout.confirm", role, relations_of("u1", lockout), lockout) == Decision("forbidden")


def test_a_second_person_confirms():
    lockout = {"status": "verified", "locks": [lock("p1", "u1")]}
    assert decide("lockout.confirm", "worker", relations_of("u2", lockout), lockout) == Decision(
        None, "safe_to_work"
    )


@pytest.mark.parametrize(
    ("role", "remover", "code"),
    [
        ("worker", "u1", None),
        ("worker", "u2", "forbidden"),
        ("principal", "u2", "forbidden"),
        ("officer", "u2", None),
        ("bureau", "u9", "forbidden"),
    ],
)
def test_a_lock_comes_off_by_its_applier_or_an_officer(role, remover, code):
    lockout = {"status": "releasing", "locks": [lock("p1", "u1")]}
    decision = decide("lockout.remove_lock", role, relations_of(remover, lockout, "p1"), lockout)
    assert decision.code == code


def test_removing_a_lock_outside_releasing_is_conflict():
    lockout = {"status": "safe_to_work", "locks": [lock("p1", "u1")]}
    decision = decide("lockout.remove_lock", "worker", relations_of("u1", lockout, "p1"), lockout)
    assert decision == Decision("conflict")


def test_only_someone_else_s_lock_needs_a_removal_reason():
    lockout = {"locks": [lock("p1", "u1")]}
    assert not needs_removal_reason(relations_of("u1", lockout, "p1"))
    assert needs_removal_reason(relations_of("u2", lockout, "p1"))


def test_relations_name_the_applier_of_any_lock_and_of_the_named_lock():
    lockout = {"locks": [lock("p1", "u1"), lock("p2", "u2")]}
    assert relations_of("u1", lockout, "p2") == {"applier"}
    assert relations_of("u2", lockout, "p2") == {"applier", "lock_applier"}
    assert relations_of("u3", lockout, "p2") == set()
    assert relations_of("u1", None) == set()


def test_lock_on_prefers_the_active_lock_of_a_point():
    removed, active = lock("p1", "u1", removed=True), lock("p1", "u2")
    assert lock_on({"locks": [removed, active]}, "p1") is active
    assert lock_on({"locks": [removed]}, "p1") is removed
    assert lock_on({"locks": [removed]}, "p9") is None


def test_the_last_point_locked_makes_the_lockout_locked():
    assert status_after_apply([lock("p1", "u1")], ["p1", "p2"], "applying") == "applying"
    assert status_after_apply([lock("p1", "u1"), lock("p2", "u1")], ["p1", "p2"], "applying") == "locked"


def test_the_last_lock_removed_releases_the_lockout():
    assert status_after_remove([lock("p1", "u1", True), lock("p2", "u1")], "releasing") == "releasing"
    assert status_after_remove([lock("p1", "u1", True), lock("p2", "u1", True)], "releasing") == "released"


def test_active_locks_are_those_not_removed():
    assert active_locks([lock("p1", "u1", True), lock("p2", "u1")]) == [lock("p2", "u1")]


def test_locked_points_come_from_active_locks_of_unreleased_lockouts_of_that_equipment():
    lockouts = [
        {"equipment_id": "e1", "status": "locked", "locks": [lock("p1", "u"), lock("p2", "u", True)]},
        {"equipment_id": "e1", "status": "released", "locks": [lock("p3", "u")]},
        {"equipment_id": "e2", "status": "locked", "locks": [lock("p4", "u")]},
    ]
    assert locked_point_ids(lockouts, "e1") == {"p1"}
    assert has_active_lockout(lockouts, "e1")
    assert not has_active_lockout(lockouts[1:2], "e1")


@pytest.mark.parametrize("command", EQUIPMENT_COMMANDS)
@pytest.mark.parametrize("role", ROLES)
def test_only_officers_and_principals_manage_equipment(command, role):
    expected = None if role in ("officer", "principal") else "forbidden"
    assert decide_equipment(command, role).code == expected


def test_active_lockouts_are_every_state_but_released():
    assert set(ACTIVE_STATUSES) == set(STATUSES) - {"released"}


def test_energy_and_work_types_are_the_documented_codes_with_both_labels():
    documented = {
        "electrical",
        "mechanical",
        "hydraulic",
        "pneumatic",
        "gas",
        "thermal",
        "chemical",
        "gravity",
    }
    assert set(ENERGY_TYPE_KEYS) == documented
    assert set(WORK_TYPE_KEYS) == {"maintenance", "confined_space", "hot_work", "other"}
    assert all(label.label_zh and label.label_en for label in (*ENERGY_TYPES, *WORK_TYPES))
