"""The hazard workflow rules: every command x state x role x relation against protocol.md's table."""

from __future__ import annotations

import itertools

import pytest

from backend.rules.hazard_rules import (
    ALLOWED,
    STATUSES,
    TRANSITIONS,
    Decision,
    decide,
    relations_of,
    state_after_verify,
)

COMMANDS = ("hazard.report", "hazard.assign", "hazard.rectify", "hazard.verify", "hazard.dismiss")
ENTERPRISE_ROLES = ("worker", "officer", "principal")
RELATIONS = ("reporter", "assignee", "rectifier")
SEVERITIES = ("general", "major")


def relation_sets():
    """Every subset of the relations a person can have to a hazard."""
    for size in range(len(RELATIONS) + 1):
        yield from (frozenset(combo) for combo in itertools.combinations(RELATIONS, size))


def protocol_decision(command, state, role, relations, severity):
    """protocol.md's table written out independently: (code or None, next state)."""
    managers = role in ("officer", "principal")
    if role == "bureau":
        return "forbidden", None
    if command == "hazard.report":
        return ("conflict", None) if state is not None else (None, "reported")
    if command == "hazard.assign":
        if not managers:
            return "forbidden", None
        return (None, "assigned") if state in ("reported", "assigned") else ("conflict", None)
    if command == "hazard.rectify":
        if state == "assigned":
            may = role == "officer" or "assignee" in relations
        elif state == "reported":
            may = role == "officer" or "reporter" in relations
        else:
            may = role == "officer" or bool({"assignee", "reporter"} & relations)
        if not may:
            return "forbidden", None
        if state == "assigned" or (state == "reported" and severity == "general"):
            return None, "rectified"
        return "conflict", None
    if command == "hazard.verify":
        if not managers or "rectifier" in relations:
            return "forbidden", None
        return (None, "closed") if state == "rectified" else ("conflict", None)
    if command == "hazard.dismiss":
        if not managers:
            return "forbidden", None
        return (None, "dismissed") if state == "reported" else ("conflict", None)
    raise AssertionError(command)


def hazard_in(state, severity):
    return None if state is None else {"status": state, "severity": severity}


def people_for(state):
    """Every role with every relation it can have (none before the hazard exists; the bureau has none)."""
    for role in ENTERPRISE_ROLES:
        for relations in relation_sets() if state is not None else [frozenset()]:
            yield role, relations
    yield "bureau", frozenset()


@pytest.mark.parametrize("state", (None, *STATUSES))
@pytest.mark.parametrize("command", COMMANDS)
def test_decision_matches_protocol_table_for_every_role_relation_and_severity(command, state):
    mismatches = []
    for severity in SEVERITIES:
        for role, relations in people_for(state):
            expected = protocol_decision(command, state, role, relations, severity)
            decision = decide(command, role, set(relations), hazard_in(state, severity))
            if (decision.code, decision.next_state) != expected:
                mismatches.append((severity, role, sorted(relations), decision, expected))
    assert mismatches == []


def test_transition_table_is_protocol_table():
    assert TRANSITIONS == {
        "hazard.report": {None: "reported"},
        "hazard.assign": {"reported": "assigned", "assigned": "assigned"},
        "hazard.rectify": {"assigned": "rectified", "reported": "rectified"},
        "hazard.verify": {"rectified": "closed"},
        "hazard.dismiss": {"reported": "dismissed"},
    }


def test_every_command_has_a_permission_entry():
    assert set(ALLOWED) == set(TRANSITIONS) == set(COMMANDS)


def test_worker_cannot_verify_rectification():
    hazard = {"status": "rectified", "severity": "general"}
    assert decide("hazard.verify", "worker", set(), hazard).code == "forbidden"


def test_officer_who_rectified_cannot_verify():
    hazard = {"status": "rectified", "severity": "general"}
    assert decide("hazard.verify", "officer", {"rectifier"}, hazard).code == "forbidden"


def test_principal_verifies_someone_elses_rectification():
    hazard = {"status": "rectified", "severity": "major"}
    assert decide("hazard.verify", "principal", set(), hazard) == Decision(None, "closed")


def test_major_hazard_cannot_be_rectified_on_the_spot():
    hazard = {"status": "reported", "severity": "major"}
    assert decide("hazard.rectify", "worker", {"reporter"}, hazard).code == "conflict"
    assert decide("hazard.rectify", "officer", set(), hazard).code == "conflict"


def test_reporter_rectifies_general_hazard_on_the_spot():
    hazard = {"status": "reported", "severity": "general"}
    assert decide("hazard.rectify", "worker", {"reporter"}, hazard) == Decision(None, "rectified")


def test_reporter_cannot_rectify_once_assigned_to_someone_else():
    hazard = {"status": "assigned", "severity": "general"}
    assert decide("hazard.rectify", "worker", {"reporter"}, hazard).code == "forbidden"


def test_closed_hazard_cannot_be_rectified_by_its_assignee():
    hazard = {"status": "closed", "severity": "general"}
    assert decide("hazard.rectify", "worker", {"assignee"}, hazard).code == "conflict"


def test_accepted_verification_closes_and_refusal_sends_back_to_assigned():
    decision = decide("hazard.verify", "officer", set(), {"status": "rectified", "severity": "general"})
    assert state_after_verify(decision, True) == "closed"
    assert state_after_verify(decision, False) == "assigned"


@pytest.mark.parametrize(
    ("hazard", "expected"),
    [
        (None, set()),
        ({}, set()),
        ({"reported_by": "u"}, {"reporter"}),
        ({"assignee_id": "u"}, {"assignee"}),
        ({"rectification": {"by": "u"}}, {"rectifier"}),
        ({"reported_by": "u", "assignee_id": "u", "rectification": {"by": "u"}}, set(RELATIONS)),
        ({"reported_by": "x", "assignee_id": "y", "rectification": None}, set()),
    ],
)
def test_relations_of_names_how_a_person_relates_to_a_hazard(hazard, expected):
    assert relations_of("u", hazard) == expected
