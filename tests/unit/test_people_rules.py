"""People rules without an app: who may manage enterprises, people and certificates; usernames; days."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from backend.rules.people_rules import (
    ALLOWED,
    CERTIFICATE_TRANSITIONS,
    Person,
    certificate_decision,
    enterprise_decision,
    is_valid_username,
    local_day,
    user_decision,
)

BUREAU = Person("b", "bureau", None)
OFFICER_A = Person("oa", "officer", "A")
PRINCIPAL_A = Person("pa", "principal", "A")
WORKER_A = Person("wa", "worker", "A")
WORKER_B = Person("wb", "worker", "B")
INACTIVE_A = Person("ia", "worker", "A", active=False)


def test_every_people_command_names_who_may_send_it():
    assert {t.split(".")[0] for t in ALLOWED} == {"enterprise", "user", "certificate"}
    assert all(ALLOWED[t] for t in ALLOWED)


@pytest.mark.parametrize("actor", [OFFICER_A, PRINCIPAL_A, WORKER_A])
def test_only_the_bureau_registers_and_updates_enterprises(actor):
    assert enterprise_decision("enterprise.register", actor, None) == "forbidden"
    assert enterprise_decision("enterprise.update", actor, "A") == "forbidden"
    assert enterprise_decision("enterprise.register", BUREAU, None) is None
    assert enterprise_decision("enterprise.update", BUREAU, "A") is None


def test_managers_confirm_only_their_own_enterprise_ledger():
    assert enterprise_decision("enterprise.confirm_ledger", OFFICER_A, "A") is None
    assert enterprise_decision("enterprise.confirm_ledger", PRINCIPAL_A, "B") == "forbidden"
    assert enterprise_decision("enterprise.confirm_ledger", WORKER_A, "A") == "forbidden"
    assert enterprise_decision("enterprise.confirm_ledger", BUREAU, "B") is None


def test_managers_create_people_of_their_own_enterprise_only():
    assert user_decision("user.create", OFFICER_A, Person("n", None, "A"), "worker") is None
    assert user_decision("user.create", PRINCIPAL_A, Person("n", None, "A"), "principal") is None
    assert user_decision("user.create", OFFICER_A, Person("n", None, "B"), "worker") == "forbidden"
    assert user_decision("user.create", WORKER_A, Person("n", None, "A"), "worker") == "forbidden"


def test_bureau_creates_people_of_any_enterprise_but_never_bureau_accounts():
    assert user_decision("user.create", BUREAU, Person("n", None, "B"), "officer") is None
    assert user_decision("user.create", BUREAU, Person("n", None, "B"), "bureau") == "forbidden"


def test_an_unknown_role_is_left_to_argument_validation():
    assert user_decision("user.create", OFFICER_A, Person("n", None, "A"), "chief") is None


def test_nobody_changes_their_own_role_but_may_restate_it():
    assert user_decision("user.update", OFFICER_A, OFFICER_A, "principal") == "forbidden"
    assert user_decision("user.update", OFFICER_A, OFFICER_A, "officer") is None
    assert user_decision("user.update", OFFICER_A, WORKER_A, "officer") is None


def test_managers_act_on_people_of_their_own_enterprise_only():
    for command in ("user.update", "user.reset_password", "user.deactivate"):
        assert user_decision(command, OFFICER_A, WORKER_A) is None
        assert user_decision(command, OFFICER_A, WORKER_B) == "forbidden"
        assert user_decision(command, BUREAU, WORKER_B) is None
        assert user_decision(command, WORKER_A, WORKER_A) == "forbidden"


def test_bureau_accounts_are_not_managed_by_commands():
    assert user_decision("user.update", BUREAU, Person("b2", "bureau", None)) == "forbidden"


def test_nobody_deactivates_themselves():
    assert user_decision("user.deactivate", OFFICER_A, OFFICER_A) == "forbidden"


def test_deactivate_needs_an_active_person_and_reactivate_an_inactive_one():
    assert user_decision("user.deactivate", OFFICER_A, INACTIVE_A) == "conflict"
    assert user_decision("user.reactivate", OFFICER_A, WORKER_A) == "conflict"
    assert user_decision("user.reactivate", OFFICER_A, INACTIVE_A) is None


def test_forbidden_is_decided_before_conflict():
    assert user_decision("user.reactivate", WORKER_A, WORKER_A) == "forbidden"


@pytest.mark.parametrize("command", sorted(CERTIFICATE_TRANSITIONS))
def test_only_managers_handle_certificates(command):
    state = None if command == "certificate.record" else "valid"
    assert certificate_decision(command, WORKER_A, state) == ("forbidden", None)
    assert certificate_decision(command, BUREAU, state) == ("forbidden", None)
    assert certificate_decision(command, OFFICER_A, state)[0] is None


def test_certificate_transitions():
    assert certificate_decision("certificate.record", OFFICER_A, None) == (None, "valid")
    assert certificate_decision("certificate.record", OFFICER_A, "valid") == ("conflict", None)
    assert certificate_decision("certificate.revoke", OFFICER_A, "valid") == (None, "revoked")
    for command in ("certificate.review", "certificate.renew", "certificate.revoke"):
        assert certificate_decision(command, PRINCIPAL_A, "revoked") == ("conflict", None)


@pytest.mark.parametrize("name", ["abc", "worker-a1", "li.an_quan", "x" * 64, "007"])
def test_valid_usernames(name):
    assert is_valid_username(name)


@pytest.mark.parametrize("name", ["ab", "x" * 65, "Worker", "张三", "a b", "a@b", "", None, 123])
def test_invalid_usernames(name):
    assert not is_valid_username(name)


def test_local_day_is_the_china_calendar_day():
    assert local_day(datetime(2026, 11, 28, 15, 59, tzinfo=UTC)) == date(2026, 11, 28)
    assert local_day(datetime(2026, 11, 28, 16, 0, tzinfo=UTC)) == date(2026, 11, 29)
