"""Training hours by role and industry, and the exam's pass mark, retake and retraining."""

from __future__ import annotations

from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from backend.rules.roles import ENTERPRISE_FLAGS
from backend.rules.training_requirements import (
    EXAM_STATES,
    EXAM_TRANSITIONS,
    HOURS_RULES,
    PASS_MARK,
    exam_status,
    passes,
    required_hours,
)

HIRED = date(2024, 3, 15)


@pytest.mark.parametrize("role", ("principal", "officer"))
def test_principal_and_safety_manager_train_32_hours_when_appointed_then_12_yearly(role):
    assert required_hours(role, ["gas"], HIRED, 2024) == 32
    assert required_hours(role, ["gas"], HIRED, 2025) == 12


@pytest.mark.parametrize("role", ("principal", "officer"))
def test_metal_smelting_principal_and_safety_manager_train_48_hours_then_16_yearly(role):
    assert required_hours(role, ["metal_smelting"], HIRED, 2024) == 48
    assert required_hours(role, ["metal_smelting"], HIRED, 2026) == 16


def test_new_hire_outside_the_high_risk_trades_takes_24_hours_then_8_yearly():
    assert required_hours("worker", [], HIRED, 2024) == 24
    assert required_hours("worker", [], HIRED, 2025) == 8
    # A flag that is not metal smelting does not make the trade high-risk.
    assert required_hours("worker", ["gas", "confined_space"], HIRED, 2026) == 8


def test_metal_smelting_new_hire_takes_72_hours_then_20_yearly():
    assert required_hours("worker", ["metal_smelting", "gas"], HIRED, 2024) == 72
    assert required_hours("worker", ["metal_smelting", "gas"], HIRED, 2025) == 20


def test_nothing_is_owed_before_the_year_of_hire():
    assert required_hours("worker", [], HIRED, 2023) == 0


def test_without_a_hire_date_the_yearly_hours_apply():
    assert required_hours("principal", [], None, 2024) == 12


@pytest.mark.parametrize("flag", sorted(set(ENTERPRISE_FLAGS) - {"metal_smelting"}))
def test_only_metal_smelting_raises_the_hours(flag):
    assert required_hours("worker", [flag], HIRED, 2024) == 24
    assert required_hours("officer", [flag], HIRED, 2024) == 32


def test_a_role_without_a_rule_is_an_error():
    with pytest.raises(ValueError):
        required_hours("bureau", [], HIRED, 2024)


def test_hours_rows_cite_order_3_and_use_known_flags():
    for rule in HOURS_RULES:
        assert "令第3号" in rule.source and rule.any_of <= set(ENTERPRISE_FLAGS)


def test_a_score_of_80_passes_and_79_fails():
    assert exam_status([(HIRED, 80)]).state == "passed"
    assert exam_status([(HIRED, 79)]).state == "retake_allowed"
    assert (passes(PASS_MARK), passes(PASS_MARK - 1), passes(100), passes(0)) == (True, False, True, False)


def test_scores_outside_zero_to_one_hundred_are_rejected():
    for score in (-1, 101):
        with pytest.raises(ValueError):
            exam_status([(HIRED, score)])


def test_no_attempt_is_not_taken():
    assert exam_status([]) == exam_status(()) and exam_status([]).state == "not_taken"
    assert exam_status([]).last_score is None


def test_passing_the_one_retake_passes():
    status = exam_status([(date(2024, 4, 1), 79), (date(2024, 4, 8), 85)])
    assert (status.state, status.last_score, status.last_taken_on) == ("passed", 85, date(2024, 4, 8))


def test_failing_the_retake_requires_retraining():
    status = exam_status([(date(2024, 4, 1), 60), (date(2024, 4, 8), 79)])
    assert status.state == "retraining_required" and not status.may_sit_exam


def test_a_pass_after_retraining_clears_it():
    attempts = [(date(2024, 4, 1), 60), (date(2024, 4, 8), 70), (date(2024, 5, 6), 90)]
    assert exam_status(attempts).state == "passed"


def test_after_retraining_a_fresh_exam_again_has_one_retake():
    attempts = [(date(2024, 4, 1), 60), (date(2024, 4, 8), 70), (date(2024, 5, 6), 75)]
    assert exam_status(attempts).state == "retake_allowed"
    assert exam_status([*attempts, (date(2024, 5, 13), 50)]).state == "retraining_required"


def test_attempts_are_replayed_in_date_order():
    attempts = [(date(2024, 4, 8), 79), (date(2024, 5, 1), 95), (date(2024, 4, 1), 79)]
    assert exam_status(attempts).state == "passed"
    assert exam_status([(date(2024, 5, 1), 95), (date(2024, 4, 1), 70)]).last_score == 95


def test_the_exam_transition_table_covers_every_state_and_outcome():
    assert set(EXAM_TRANSITIONS) == {(s, p) for s in EXAM_STATES for p in (True, False)}
    assert set(EXAM_TRANSITIONS.values()) <= set(EXAM_STATES)


scores = st.integers(0, 100)


@given(earlier=st.lists(scores, max_size=8), final=st.integers(PASS_MARK, 100))
def test_any_history_ending_in_a_pass_is_passed(earlier, final):
    attempts = [(date(2024, 1, 1 + i), s) for i, s in enumerate(earlier)]
    assert exam_status([*attempts, (date(2024, 2, 1), final)]).state == "passed"


@given(history=st.lists(scores, max_size=8))
def test_two_fails_in_a_row_after_a_pass_always_require_retraining(history):
    attempts = [(date(2024, 1, 1 + i), s) for i, s in enumerate([*history, 100, 10, 20])]
    assert exam_status(attempts).state == "retraining_required"
