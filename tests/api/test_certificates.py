"""Certificate commands through push: record with default dates, review, renew, revoke, and who may."""

from __future__ import annotations

import uuid

import pytest

from ..api_client import Device

CERTIFICATE_FIELDS = {
    "id",
    "enterprise_id",
    "user_id",
    "operation",
    "number",
    "issued_on",
    "review_due_on",
    "expires_on",
    "reviewed_on",
    "reviews_extended",
    "status",
    "history",
}


def applied(outcome: dict) -> dict:
    assert outcome["status"] == "applied", outcome
    return outcome


def rejected(outcome: dict, code: str) -> dict:
    assert outcome["status"] == "rejected", outcome
    assert outcome["code"] == code, outcome
    return outcome


@pytest.fixture
def officer(client, people):
    return Device(client, "officer-a")


def record(device: Device, people, certificate_id: str | None = None, **changes) -> dict:
    args = {
        "user_id": people["worker-a1"],
        "operation": "高处作业",
        "number": "T140000198001010011",
        "issued_on": "2024-03-01",
        **changes,
    }
    return device.do("certificate.record", certificate_id or str(uuid.uuid4()), **args)


def certificate(device: Device, certificate_id: str) -> dict:
    return device.pull_all()[("certificate", certificate_id)]


@pytest.fixture
def recorded(officer, people) -> str:
    return applied(record(officer, people))["entity_id"]


# --- record ------------------------------------------------------------------------------------------


def test_record_defaults_to_six_years_validity_and_review_in_three(officer, people, recorded):
    change = certificate(officer, recorded)
    data = change["data"]
    assert change["version"] == 1
    assert set(data) == CERTIFICATE_FIELDS
    assert data == {
        **data,
        "id": recorded,
        "enterprise_id": people["A"],
        "user_id": people["worker-a1"],
        "operation": "高处作业",
        "number": "T140000198001010011",
        "issued_on": "2024-03-01",
        "expires_on": "2030-03-01",
        "review_due_on": "2027-03-01",
        "reviewed_on": None,
        "reviews_extended": False,
        "status": "valid",
    }
    assert [(e["type"], e["by"]) for e in data["history"]] == [("certificate.record", people["officer-a"])]


def test_record_keeps_given_expiry_and_review_dates(officer, people):
    outcome = record(officer, people, expires_on="2029-12-31", review_due_on="2026-06-30")
    data = certificate(officer, applied(outcome)["entity_id"])["data"]
    assert (data["expires_on"], data["review_due_on"]) == ("2029-12-31", "2026-06-30")


def test_a_leap_day_certificate_expires_on_the_last_day_of_february(officer, people):
    data = certificate(officer, applied(record(officer, people, issued_on="2024-02-29"))["entity_id"])["data"]
    assert (data["expires_on"], data["review_due_on"]) == ("2030-02-28", "2027-02-28")


def test_principal_records_a_certificate(client, people):
    applied(record(Device(client, "principal-a"), people))


def test_the_whole_enterprise_sees_certificates_and_another_does_not(client, people, recorded):
    assert ("certificate", recorded) in Device(client, "worker-a2").pull_all()
    assert ("certificate", recorded) not in Device(client, "worker-b1").pull_all()


@pytest.mark.parametrize("username", ["worker-a1", "bureau"])
def test_workers_and_the_bureau_may_not_record_certificates(client, people, username):
    rejected(record(Device(client, username), people), "forbidden")


def test_holder_of_another_enterprise_is_invalid(officer, people):
    assert "user_id" in rejected(record(officer, people, user_id=people["worker-b1"]), "invalid")["fields"]


def test_unknown_holder_is_invalid(officer, people):
    assert "user_id" in rejected(record(officer, people, user_id=str(uuid.uuid4())), "invalid")["fields"]


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"expires_on": "2024-03-01"}, "expires_on"),
        ({"review_due_on": "2020-01-01"}, "review_due_on"),
        ({"number": ""}, "number"),
        ({"issued_on": "2024-13-01"}, "issued_on"),
        ({"operation": None}, "operation"),
    ],
)
def test_record_with_bad_args_is_invalid(officer, people, changes, field):
    assert field in rejected(record(officer, people, **changes), "invalid")["fields"]


def test_record_with_an_existing_certificate_id_is_a_conflict(officer, people, recorded):
    rejected(record(officer, people, recorded), "conflict")


# --- review ------------------------------------------------------------------------------------------


def test_review_sets_the_next_review_three_years_on(officer, recorded):
    assert applied(officer.do("certificate.review", recorded, reviewed_on="2027-02-10"))["version"] == 2
    data = certificate(officer, recorded)["data"]
    assert (data["reviewed_on"], data["review_due_on"]) == ("2027-02-10", "2030-02-10")
    assert data["history"][-1]["type"] == "certificate.review"


def test_review_before_issue_is_invalid(officer, recorded):
    outcome = officer.do("certificate.review", recorded, reviewed_on="2020-01-01")
    assert "reviewed_on" in rejected(outcome, "invalid")["fields"]


def test_review_without_a_date_is_invalid(officer, recorded):
    assert "reviewed_on" in rejected(officer.do("certificate.review", recorded), "invalid")["fields"]


def test_worker_may_not_review(client, recorded):
    rejected(
        Device(client, "worker-a1").do("certificate.review", recorded, reviewed_on="2027-02-10"), "forbidden"
    )


def test_officer_of_another_enterprise_cannot_find_the_certificate(client, recorded):
    officer_b = Device(client, "officer-b")
    for command, args in [
        ("certificate.review", {"reviewed_on": "2027-02-10"}),
        ("certificate.renew", {"issued_on": "2030-02-01", "number": "N2"}),
        ("certificate.revoke", {"reason": "x"}),
    ]:
        rejected(officer_b.do(command, recorded, **args), "not_found")


# --- renew -------------------------------------------------------------------------------------------


def test_renew_gives_a_new_validity(officer, recorded):
    applied(officer.do("certificate.review", recorded, reviewed_on="2027-02-10"))
    applied(officer.do("certificate.renew", recorded, issued_on="2030-02-01", number="T2"))
    data = certificate(officer, recorded)["data"]
    assert (data["number"], data["issued_on"], data["expires_on"]) == ("T2", "2030-02-01", "2036-02-01")
    assert (data["review_due_on"], data["reviewed_on"], data["status"]) == ("2033-02-01", None, "valid")


def test_renew_keeps_a_given_expiry(officer, recorded):
    applied(
        officer.do(
            "certificate.renew", recorded, issued_on="2030-02-01", number="T2", expires_on="2035-01-01"
        )
    )
    assert certificate(officer, recorded)["data"]["expires_on"] == "2035-01-01"


def test_renew_with_expiry_before_issue_is_invalid(officer, recorded):
    outcome = officer.do(
        "certificate.renew", recorded, issued_on="2030-02-01", number="T2", expires_on="2030-01-01"
    )
    assert "expires_on" in rejected(outcome, "invalid")["fields"]


def test_worker_may_not_renew(client, recorded):
    outcome = Device(client, "worker-a1").do(
        "certificate.renew", recorded, issued_on="2030-02-01", number="T2"
    )
    rejected(outcome, "forbidden")


# --- revoke ------------------------------------------------------------------------------------------


def test_revoke_marks_the_certificate_revoked(officer, recorded):
    applied(officer.do("certificate.revoke", recorded, reason="违章作业"))
    data = certificate(officer, recorded)["data"]
    assert data["status"] == "revoked"
    assert data["history"][-1]["reason"] == "违章作业"


def test_a_revoked_certificate_cannot_be_reviewed_renewed_or_revoked_again(officer, recorded):
    applied(officer.do("certificate.revoke", recorded, reason="违章作业"))
    rejected(officer.do("certificate.review", recorded, reviewed_on="2027-02-10"), "conflict")
    rejected(officer.do("certificate.renew", recorded, issued_on="2030-02-01", number="T2"), "conflict")
    rejected(officer.do("certificate.revoke", recorded, reason="again"), "conflict")
    assert certificate(officer, recorded)["version"] == 2


def test_forbidden_comes_before_conflict(client, officer, recorded):
    applied(officer.do("certificate.revoke", recorded, reason="违章作业"))
    rejected(
        Device(client, "worker-a1").do("certificate.review", recorded, reviewed_on="2027-02-10"), "forbidden"
    )


def test_revoke_without_reason_is_invalid(officer, recorded):
    assert "reason" in rejected(officer.do("certificate.revoke", recorded), "invalid")["fields"]


def test_worker_may_not_revoke(client, recorded):
    rejected(Device(client, "worker-a1").do("certificate.revoke", recorded, reason="x"), "forbidden")
