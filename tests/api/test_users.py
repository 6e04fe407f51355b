"""User commands through push: create, update, reset_password, deactivate, reactivate; badges."""

from __future__ import annotations

import json
import uuid

import pytest
from sqlalchemy import select

from backend.badges import badge_user
from backend.extensions import db
from sync import tables

from ..api_client import Device
from ..people import seed_people

USER_FIELDS = {
    "id",
    "username",
    "display_name",
    "role",
    "enterprise_id",
    "region_code",
    "employment_type",
    "job",
    "phone",
    "hired_on",
    "active",
    "history",
}
SECRET = "s3cret-Pass-9"
LOGIN = "/api/v1/auth/login"
REFRESH = "/api/v1/auth/refresh"


def applied(outcome: dict) -> dict:
    assert outcome["status"] == "applied", outcome
    return outcome


def rejected(outcome: dict, code: str) -> dict:
    assert outcome["status"] == "rejected", outcome
    assert outcome["code"] == code, outcome
    return outcome


def login(client, username: str, password: str):
    return client.post(LOGIN, json={"username": username, "password": password})


def new_user(device: Device, user_id: str | None = None, **changes) -> dict:
    args = {
        "username": "worker-a9",
        "display_name": "吴师傅",
        "role": "worker",
        "employment_type": "flexible",
        "password": SECRET,
        **changes,
    }
    return device.do("user.create", user_id or str(uuid.uuid4()), **args)


@pytest.fixture
def officer(client, people):
    return Device(client, "officer-a")


# --- create ------------------------------------------------------------------------------------------


def test_officer_creates_a_worker_with_every_documented_field(officer, people):
    outcome = applied(new_user(officer, job="天车工", phone="13800000000", hired_on="2026-03-01"))
    assert outcome["version"] == 1
    data = officer.pull_all()[("user", outcome["entity_id"])]["data"]
    assert set(data) == USER_FIELDS
    assert data == {
        **data,
        "id": outcome["entity_id"],
        "username": "worker-a9",
        "display_name": "吴师傅",
        "role": "worker",
        "enterprise_id": people["A"],
        "employment_type": "flexible",
        "job": "天车工",
        "phone": "13800000000",
        "hired_on": "2026-03-01",
        "active": True,
    }
    assert [(e["type"], e["by"]) for e in data["history"]] == [("user.create", people["officer-a"])]


def test_created_user_signs_in_with_the_first_password(client, officer):
    applied(new_user(officer))
    assert login(client, "worker-a9", SECRET).status_code == 200


def test_principal_creates_an_officer(client, people):
    applied(new_user(Device(client, "principal-a"), username="officer-a2", role="officer"))


def test_bureau_creates_a_user_of_any_enterprise(client, people):
    outcome = applied(new_user(Device(client, "bureau"), enterprise_id=people["B"], username="worker-b9"))
    assert (
        Device(client, "officer-b").pull_all()[("user", outcome["entity_id"])]["data"]["enterprise_id"]
        == (people["B"])
    )


def test_password_never_reaches_the_command_log_or_pulled_data(app, client, officer, people):
    created = applied(new_user(officer))
    applied(officer.do("user.reset_password", created["entity_id"], password="another-Pass-7"))
    with app.app_context():
        logged = db.session.execute(select(tables.commands.c.args)).scalars().all()
    assert SECRET not in json.dumps(logged) and "another-Pass-7" not in json.dumps(logged)
    assert {"password": "***"}.items() <= logged[-1].items()
    for username in ("officer-a", "bureau", "worker-a1"):
        changes = Device(client, username).pull_all().values()
        pulled = json.dumps(list(changes), ensure_ascii=False)
        assert SECRET not in pulled and "another-Pass-7" not in pulled and "argon2" not in pulled
        assert not any("password" in key for change in changes for key in change["data"])


def test_worker_may_not_create_users(client, people):
    rejected(new_user(Device(client, "worker-a1")), "forbidden")


def test_officer_may_not_create_users_of_another_enterprise(officer, people):
    rejected(new_user(officer, enterprise_id=people["B"]), "forbidden")


def test_nobody_creates_a_bureau_account_by_command(client, people):
    rejected(new_user(Device(client, "bureau"), enterprise_id=people["A"], role="bureau"), "forbidden")


def test_bureau_must_name_the_enterprise(client, people):
    outcome = rejected(new_user(Device(client, "bureau")), "invalid")
    assert "enterprise_id" in outcome["fields"]


def test_bureau_naming_an_unknown_enterprise_is_invalid(client, people):
    outcome = rejected(new_user(Device(client, "bureau"), enterprise_id=str(uuid.uuid4())), "invalid")
    assert "enterprise_id" in outcome["fields"]


def test_taken_username_is_invalid(officer):
    assert "username" in rejected(new_user(officer, username="worker-b1"), "invalid")["fields"]


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"username": "ab"}, "username"),
        ({"username": "Worker-A9"}, "username"),
        ({"password": "short7"}, "password"),
        ({"role": "chief"}, "role"),
        ({"employment_type": "volunteer"}, "employment_type"),
        ({"hired_on": "yesterday"}, "hired_on"),
        ({"display_name": ""}, "display_name"),
    ],
)
def test_create_with_bad_args_is_invalid(officer, changes, field):
    assert field in rejected(new_user(officer, **changes), "invalid")["fields"]


def test_create_with_an_existing_user_id_is_a_conflict(officer, people):
    rejected(new_user(officer, people["worker-a1"]), "conflict")


# --- update ------------------------------------------------------------------------------------------


def test_officer_updates_a_workers_details(officer, people):
    worker = people["worker-a1"]
    outcome = applied(
        officer.do("user.update", worker, job="炉前工", phone="139", employment_type="contractor")
    )
    assert outcome["version"] == 2
    data = officer.pull_all()[("user", worker)]["data"]
    assert (data["job"], data["phone"], data["employment_type"]) == ("炉前工", "139", "contractor")
    assert data["history"][-1] == {**data["history"][-1], "type": "user.update", "by": people["officer-a"]}


def test_officer_promotes_a_worker(officer, people):
    applied(officer.do("user.update", people["worker-a2"], role="officer"))
    assert officer.pull_all()[("user", people["worker-a2"])]["data"]["role"] == "officer"


def test_nobody_changes_their_own_role(client, people):
    rejected(
        Device(client, "officer-a").do("user.update", people["officer-a"], role="principal"), "forbidden"
    )


def test_changing_ones_own_details_is_allowed(officer, people):
    applied(officer.do("user.update", people["officer-a"], display_name="李安全", role="officer"))


def test_worker_may_not_update_users(client, people):
    rejected(Device(client, "worker-a1").do("user.update", people["worker-a1"], phone="1"), "forbidden")


def test_officer_of_a_cannot_touch_users_of_b(officer, people):
    for command, args in [
        ("user.update", {"phone": "1"}),
        ("user.reset_password", {"password": SECRET}),
        ("user.deactivate", {"reason": "x"}),
        ("user.reactivate", {}),
    ]:
        rejected(officer.do(command, people["worker-b1"], **args), "not_found")


def test_bureau_updates_enterprise_users_but_not_bureau_accounts(client, people):
    bureau = Device(client, "bureau")
    applied(bureau.do("user.update", people["worker-b1"], job="抛光"))
    rejected(bureau.do("user.update", people["bureau"], display_name="x"), "forbidden")


def test_update_with_nothing_to_change_is_invalid(officer, people):
    rejected(officer.do("user.update", people["worker-a1"]), "invalid")


def test_update_to_an_unknown_role_is_invalid(officer, people):
    assert (
        "role" in rejected(officer.do("user.update", people["worker-a1"], role="chief"), "invalid")["fields"]
    )


# --- reset_password ----------------------------------------------------------------------------------


def test_reset_password_ends_sign_ins_and_the_new_password_works(client, officer, people):
    worker = Device(client, "worker-a1")
    applied(officer.do("user.reset_password", people["worker-a1"], password="brand-new-9"))
    assert client.get("/api/v1/me", headers=worker.headers).status_code == 401
    assert client.post(REFRESH, headers={"Authorization": f"Bearer {worker.refresh}"}).status_code == 401
    assert login(client, "worker-a1", "demo1234").status_code == 401
    assert login(client, "worker-a1", "brand-new-9").status_code == 200


def test_reset_password_leaves_other_people_signed_in(client, officer, people):
    other = Device(client, "worker-a2")
    applied(officer.do("user.reset_password", people["worker-a1"], password="brand-new-9"))
    assert client.get("/api/v1/me", headers=other.headers).status_code == 200


def test_worker_may_not_reset_passwords(client, people):
    rejected(
        Device(client, "worker-a1").do("user.reset_password", people["worker-a2"], password=SECRET),
        "forbidden",
    )


def test_short_new_password_is_invalid(officer, people):
    outcome = officer.do("user.reset_password", people["worker-a1"], password="1234567")
    assert "password" in rejected(outcome, "invalid")["fields"]


# --- deactivate and reactivate -----------------------------------------------------------------------


def test_deactivated_user_cannot_sign_in_and_their_refresh_token_dies(client, officer, people):
    worker = Device(client, "worker-a1")
    applied(officer.do("user.deactivate", people["worker-a1"], reason="离职"))
    assert login(client, "worker-a1", "demo1234").get_json()["code"] == "bad_credentials"
    answer = client.post(REFRESH, headers={"Authorization": f"Bearer {worker.refresh}"})
    assert (answer.status_code, answer.get_json()["code"]) == (401, "unauthorized")
    assert client.get("/api/v1/me", headers=worker.headers).status_code == 401


def test_records_of_a_deactivated_user_stay(client, officer, people):
    hazard = applied(
        Device(client, "worker-a1").do(
            "hazard.report", title="漏油", description="", location="液压站", severity="general"
        )
    )
    applied(officer.do("user.deactivate", people["worker-a1"], reason="离职"))
    seen = officer.pull_all()
    assert seen[("hazard", hazard["entity_id"])]["data"]["reported_by"] == people["worker-a1"]
    user = seen[("user", people["worker-a1"])]
    assert (user["deleted"], user["data"]["active"]) == (False, False)
    assert user["data"]["history"][-1]["reason"] == "离职"


def test_nobody_deactivates_themselves(officer, people):
    rejected(officer.do("user.deactivate", people["officer-a"], reason="x"), "forbidden")


def test_deactivating_an_inactive_user_is_a_conflict(officer, people):
    applied(officer.do("user.deactivate", people["worker-a1"], reason="离职"))
    rejected(officer.do("user.deactivate", people["worker-a1"], reason="离职"), "conflict")


def test_worker_may_not_deactivate(client, people):
    rejected(Device(client, "worker-a1").do("user.deactivate", people["worker-a2"], reason="x"), "forbidden")


def test_deactivate_without_reason_is_invalid(officer, people):
    assert "reason" in rejected(officer.do("user.deactivate", people["worker-a1"]), "invalid")["fields"]


def test_reactivated_user_signs_in_again(client, officer, people):
    applied(officer.do("user.deactivate", people["worker-a1"], reason="停工"))
    applied(officer.do("user.reactivate", people["worker-a1"]))
    assert login(client, "worker-a1", "demo1234").status_code == 200


def test_reactivating_an_active_user_is_a_conflict(officer, people):
    rejected(officer.do("user.reactivate", people["worker-a1"]), "conflict")


def test_worker_may_not_reactivate(client, officer, people):
    applied(officer.do("user.deactivate", people["worker-a2"], reason="x"))
    rejected(Device(client, "worker-a1").do("user.reactivate", people["worker-a2"]), "forbidden")


# --- badge -------------------------------------------------------------------------------------------


def test_new_user_gets_a_badge_only_they_pull(app, client, officer):
    user_id = applied(new_user(officer))["entity_id"]
    mine = Device(client, "worker-a9", SECRET).pull_all()
    badge = mine[("badge", user_id)]["data"]
    assert set(badge) == {"user_id", "qr"} and badge["user_id"] == user_id
    with app.app_context():
        assert badge_user(badge["qr"]) == user_id
    for username in ("officer-a", "worker-a1", "bureau"):
        assert ("badge", user_id) not in Device(client, username).pull_all()
    assert [key for key in mine if key[0] == "badge"] == [("badge", user_id)]


def test_badge_is_made_once(client, officer):
    user_id = applied(new_user(officer))["entity_id"]
    applied(officer.do("user.update", user_id, job="巡检"))
    assert Device(client, "worker-a9", SECRET).pull_all()[("badge", user_id)]["version"] == 1


# --- PostgreSQL ----------------------------------------------------------------------------------------


def test_people_lifecycle_on_postgresql(pg_app):
    with pg_app.app_context():
        people = seed_people()
    client = pg_app.test_client()
    officer = Device(client, "officer-a")
    user_id = applied(new_user(officer))["entity_id"]
    worker = Device(client, "worker-a9", SECRET)
    assert ("badge", user_id) in worker.pull_all()
    assert "username" in rejected(new_user(officer, username="worker-a1"), "invalid")["fields"]
    applied(officer.do("user.deactivate", user_id, reason="离职"))
    assert client.post(REFRESH, headers={"Authorization": f"Bearer {worker.refresh}"}).status_code == 401
    applied(officer.do("user.reactivate", user_id))
    applied(officer.do("user.reset_password", user_id, password="brand-new-9"))
    assert login(client, "worker-a9", "brand-new-9").status_code == 200
    rejected(officer.do("user.update", people["worker-b1"], phone="1"), "not_found")
