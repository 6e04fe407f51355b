"""Enterprise commands through push: the bureau registers and updates, managers confirm the ledger."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta

import pytest

from backend.rules.people_rules import CHINA_TIME

from ..api_client import Device

NEW_USCC = "91110000100000000R"  # its GB 32100 check character is right
ENTERPRISE_FIELDS = {
    "id",
    "uscc",
    "name",
    "industry",
    "flags",
    "standardisation_grade",
    "address",
    "region_code",
    "ledger_confirmed_on",
    "registered_on",
    "history",
}
PROFILE = {
    "uscc": NEW_USCC,
    "name": "交城县新建焦化有限公司",
    "industry": "metallurgy",
    "flags": ["gas", "confined_space"],
    "standardisation_grade": 3,
    "address": "交城县洪相乡",
    "region_code": "141122",
}


def applied(outcome: dict) -> dict:
    assert outcome["status"] == "applied", outcome
    return outcome


def rejected(outcome: dict, code: str) -> dict:
    assert outcome["status"] == "rejected", outcome
    assert outcome["code"] == code, outcome
    return outcome


def today_in_china() -> str:
    return datetime.now(CHINA_TIME).date().isoformat()


def pull_from(device: Device, cursor: str | None) -> tuple[dict, str]:
    """Pull every page after cursor; return changes by (entity, id) and the new cursor."""
    seen = {}
    while True:
        query = {"limit": 500, **({"cursor": cursor} if cursor else {})}
        answer = device.client.get("/api/v1/sync/pull", query_string=query, headers=device.headers)
        assert answer.status_code == 200, answer.get_json()
        page = answer.get_json()
        seen.update({(c["entity"], c["id"]): c for c in page["changes"]})
        cursor = page["cursor"]
        if not page["more"]:
            return seen, cursor


@pytest.fixture
def bureau(client, people):
    return Device(client, "bureau")


def online(device: Device, entity: str, enterprise_id: str, record_id: str | None = None) -> dict:
    """Read a record as a bureau does: online, from the bureau API (its phone pulls summaries only)."""
    url = f"/api/v1/bureau/enterprises/{enterprise_id}/records/{entity}/{record_id or enterprise_id}"
    answer = device.client.get(url, headers=device.headers)
    assert answer.status_code == 200, answer.get_json()
    return answer.get_json()


def register(device: Device, **changes) -> dict:
    return device.do("enterprise.register", str(uuid.uuid4()), **{**PROFILE, **changes})


# --- register ----------------------------------------------------------------------------------------


def test_bureau_registers_an_enterprise_with_every_documented_field(bureau):
    outcome = applied(register(bureau))
    assert outcome["version"] == 1
    change = online(bureau, "enterprise", outcome["entity_id"])
    data = change["data"]
    assert set(data) == ENTERPRISE_FIELDS
    assert data["id"] == outcome["entity_id"]
    assert (data["uscc"], data["name"], data["address"]) == (NEW_USCC, PROFILE["name"], "交城县洪相乡")
    assert data["flags"] == ["confined_space", "gas"]
    assert data["standardisation_grade"] == 3
    assert data["ledger_confirmed_on"] is None
    assert data["industry"] == "metallurgy"
    # The Asia/Shanghai day (it was the UTC date, a day behind from 16:00 UTC).
    assert data["registered_on"] == today_in_china()
    assert [(e["type"], e["by"]) for e in data["history"]] == [("enterprise.register", bureau.user["id"])]


@pytest.mark.parametrize(
    ("industry", "message"),
    [
        (None, "必填"),
        ("steel", "不是可选的值"),
        ("nonferrous_metal", "不是可选的值"),
    ],
)
def test_registering_needs_one_of_the_industries_of_the_order(bureau, industry, message):
    profile = {k: v for k, v in PROFILE.items() if k != "industry"}
    if industry is not None:
        profile["industry"] = industry
    outcome = rejected(bureau.do("enterprise.register", str(uuid.uuid4()), **profile), "invalid")
    assert message in " ".join(outcome["fields"]["industry"])
    assert not [k for k in bureau.pull_all() if k[0] == "enterprise" and k[1] == outcome["entity_id"]]


def test_the_former_nonferrous_flag_is_refused_it_is_an_industry_now(bureau):
    outcome = rejected(register(bureau, flags=["nonferrous"]), "invalid")
    assert "flags.0" in outcome["fields"]


def test_changing_the_industry_swaps_the_industry_article_on_the_checklist(bureau):
    outcome = applied(register(bureau, flags=[]))
    enterprise_id = outcome["entity_id"]

    def articles() -> set[int]:
        checklist = online(bureau, "checklist", enterprise_id)["data"]
        return {item["article"] for item in checklist["items"]}

    assert 4 in articles() and 6 not in articles()
    applied(bureau.do("enterprise.update", enterprise_id, industry="building_materials"))
    assert 6 in articles() and 4 not in articles()
    applied(bureau.do("enterprise.update", enterprise_id, industry="commerce"))
    assert not articles() & set(range(4, 11)) and {3, 14} <= articles()


def test_optional_profile_fields_default_to_empty(bureau):
    outcome = applied(
        bureau.do(
            "enterprise.register",
            str(uuid.uuid4()),
            uscc=NEW_USCC,
            name="新企业",
            industry="commerce",
            region_code="141122",
        )
    )
    data = online(bureau, "enterprise", outcome["entity_id"])["data"]
    assert (data["flags"], data["standardisation_grade"], data["address"]) == ([], None, "")


def test_bureau_keeps_its_cursor_and_pulls_the_new_enterprise_summary(bureau):
    _, cursor = pull_from(bureau, None)
    outcome = applied(register(bureau))
    changes, _ = pull_from(bureau, cursor)
    assert ("enterprise_summary", outcome["entity_id"]) in changes
    assert ("enterprise", outcome["entity_id"]) not in changes


def test_bureau_registers_an_enterprise_whose_first_officer_signs_in_and_manages_workers(client, bureau):
    enterprise_id = applied(register(bureau))["entity_id"]
    officer_id = str(uuid.uuid4())
    applied(
        bureau.do(
            "user.create",
            officer_id,
            enterprise_id=enterprise_id,
            username="officer-d",
            display_name="孙安全",
            role="officer",
            employment_type="own",
            password="first-pass-1",
        )
    )
    answer = client.post("/api/v1/auth/login", json={"username": "officer-d", "password": "first-pass-1"})
    assert answer.status_code == 200
    assert answer.get_json()["user"]["enterprise_id"] == enterprise_id
    officer = Device(client, "officer-d", "first-pass-1")
    worker = applied(
        officer.do(
            "user.create",
            username="worker-d1",
            display_name="钱师傅",
            role="worker",
            employment_type="contractor",
            password="worker-pass-1",
        )
    )
    applied(officer.do("user.update", worker["entity_id"], job="焦炉巡检"))
    seen = Device(client, "worker-d1", "worker-pass-1").pull_all()
    assert ("enterprise", enterprise_id) in seen
    assert seen[("user", worker["entity_id"])]["data"]["job"] == "焦炉巡检"
    assert ("user", officer_id) in seen


@pytest.mark.parametrize("username", ["officer-a", "principal-a", "worker-a1"])
def test_only_the_bureau_registers_enterprises(client, people, username):
    rejected(register(Device(client, username)), "forbidden")


def test_forbidden_comes_before_invalid_for_register(client, people):
    rejected(
        Device(client, "officer-a").do("enterprise.register", str(uuid.uuid4()), uscc="bad"), "forbidden"
    )


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"uscc": "91350100M000100Y44"}, "uscc"),
        ({"uscc": "91350100M000100Y43"}, "uscc"),  # enterprise A's code: taken
        ({"flags": ["volcano"]}, "flags.0"),
        ({"standardisation_grade": 4}, "standardisation_grade"),
        ({"name": ""}, "name"),
    ],
)
def test_register_with_bad_args_is_invalid(bureau, changes, field):
    outcome = rejected(register(bureau, **changes), "invalid")
    assert field in outcome["fields"]


def test_register_with_an_existing_enterprise_id_is_a_conflict(bureau, people):
    rejected(bureau.do("enterprise.register", people["A"], **PROFILE), "conflict")


# --- update ------------------------------------------------------------------------------------------


def test_bureau_update_replaces_fields_and_counts_as_a_ledger_update(bureau, people):
    outcome = applied(
        bureau.do("enterprise.update", people["B"], name="新名称", flags=["dust_explosion", "gas"])
    )
    assert outcome["version"] == 2
    data = online(bureau, "enterprise", people["B"])["data"]
    assert (data["name"], data["flags"]) == ("新名称", ["dust_explosion", "gas"])
    assert data["uscc"] == "91512081MA62K0260E"
    assert data["ledger_confirmed_on"] == today_in_china()
    assert data["history"][-1]["type"] == "enterprise.update"
    assert data["history"][-1]["fields"] == ["flags", "name"]


def test_update_may_keep_the_enterprise_own_uscc(bureau, people):
    applied(bureau.do("enterprise.update", people["A"], uscc="91350100M000100Y43"))


def test_update_to_another_enterprise_uscc_is_invalid(bureau, people):
    outcome = rejected(bureau.do("enterprise.update", people["A"], uscc="91512081MA62K0260E"), "invalid")
    assert "uscc" in outcome["fields"]


def test_update_with_nothing_to_change_is_invalid(bureau, people):
    rejected(bureau.do("enterprise.update", people["A"]), "invalid")


def test_officer_may_not_update_own_enterprise(client, people):
    rejected(Device(client, "officer-a").do("enterprise.update", people["A"], name="x"), "forbidden")


def test_officer_cannot_see_another_enterprise_to_update_it(client, people):
    rejected(Device(client, "officer-a").do("enterprise.update", people["B"], name="x"), "not_found")


def test_update_of_an_unknown_enterprise_is_not_found(bureau):
    rejected(bureau.do("enterprise.update", str(uuid.uuid4()), name="x"), "not_found")


# --- confirm_ledger ----------------------------------------------------------------------------------


@pytest.mark.parametrize("username", ["officer-a", "principal-a", "bureau"])
def test_managers_and_bureau_confirm_the_ledger_on_the_day(client, people, username):
    device = Device(client, username)
    applied(device.do("enterprise.confirm_ledger", people["A"], note="台账已更新"))
    data = online(Device(client, "bureau"), "enterprise", people["A"])["data"]
    assert data["ledger_confirmed_on"] == today_in_china()
    assert data["history"][-1]["note"] == "台账已更新"
    assert data["history"][-1]["by"] == people[username]


def test_ledger_day_is_the_china_calendar_day_of_capture(client, people):
    officer = Device(client, "officer-a")
    captured = (datetime.now(UTC) - timedelta(days=3)).replace(hour=17, minute=30)
    command = officer.command("enterprise.confirm_ledger", people["A"])
    command["captured_at"] = captured.isoformat().replace("+00:00", "Z")
    applied(officer.push(command)["outcomes"][0])
    data = officer.pull_all()[("enterprise", people["A"])]["data"]
    assert data["ledger_confirmed_on"] == (captured.date() + timedelta(days=1)).isoformat()


def test_worker_may_not_confirm_the_ledger(client, people):
    rejected(Device(client, "worker-a1").do("enterprise.confirm_ledger", people["A"]), "forbidden")


def test_officer_of_b_cannot_confirm_a_ledger_of_a(client, people):
    rejected(Device(client, "officer-b").do("enterprise.confirm_ledger", people["A"]), "not_found")


def test_overlong_ledger_note_is_invalid(client, people):
    outcome = Device(client, "officer-a").do("enterprise.confirm_ledger", people["A"], note="x" * 2001)
    assert "note" in rejected(outcome, "invalid")["fields"]
