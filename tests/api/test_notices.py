"""notice.send: a bureau notice reaches every person and office of the targeted enterprises, with receipts."""

from __future__ import annotations

import uuid

import pytest

from backend import demo_data
from backend.extensions import db
from backend.models import OfficeChannel
from backend.notify import deliver_due

from ..api_client import Device
from ..notify.fake_robots import FakeRobots

# The bureau of 交城县 sends: its notices reach enterprises A and B (C lies in 文水县).
ENTERPRISE_USERS = [u["username"] for u in demo_data.USERS if u["enterprise"] in ("A", "B")]
USERS_OF = {key: [u["username"] for u in demo_data.USERS if u["enterprise"] == key] for key in ("A", "B")}
NOTICE = {
    "title": "某铝加工企业粉尘爆炸事故",
    "body": "近日某地铝镁粉尘爆炸，造成人员伤亡。\n请立即排查除尘系统。",
    "kind": "accident",
}


@pytest.fixture
def robots(app):
    """Fake WeCom robots on 127.0.0.1, which the test-only setting lets the app reach."""
    app.config["OUTBOUND_ALLOW_LOOPBACK_FOR_TESTS"] = True
    service = FakeRobots()
    yield service
    service.close()


def send_notice(client, expect="applied", **changes) -> tuple[Device, str, dict]:
    bureau = Device(client, "bureau")
    notice_id = str(uuid.uuid4())
    outcome = bureau.do("notice.send", notice_id, **{**NOTICE, "target": {"all": True}, **changes})
    assert outcome["status"] == expect, outcome
    return bureau, notice_id, outcome


def notices_in(device: Device) -> list[dict]:
    pulled = device.pull_all()
    return [
        c["data"] for (entity, _), c in pulled.items() if entity == "notification" and c["data"]["notice_id"]
    ]


def receipts_of(device: Device, notice_id: str) -> dict[str, dict]:
    """Return the notice's synced receipts the device pulls, by enterprise id."""
    pulled = device.pull_all()
    return {
        c["data"]["enterprise_id"]: c["data"]
        for (entity, _), c in pulled.items()
        if entity == "notice_receipt" and c["data"]["notice_id"] == notice_id
    }


def recipients(device: Device, notice_id: str, enterprise_id: str, **query) -> list[dict]:
    """Page through an enterprise's recipients of a notice; return them all."""
    found, after = [], None
    while True:
        params = {"enterprise_id": enterprise_id, **query, **({"after": after} if after else {})}
        answer = device.client.get(
            f"/api/v1/notices/{notice_id}/recipients", query_string=params, headers=device.headers
        )
        assert answer.status_code == 200, answer.get_json()
        page = answer.get_json()
        found += page["items"]
        if not page["next"]:
            return found
        after = page["next"]


def test_a_notice_to_all_reaches_every_demo_users_inbox_and_the_bureau_sees_receipts(app, client, people):
    bureau, notice_id, _ = send_notice(client)
    devices = {name: Device(client, name) for name in ENTERPRISE_USERS}
    received = {name: notices_in(device) for name, device in devices.items()}
    assert all(len(notes) == 1 for notes in received.values()), received
    assert all(n[0]["title"] == f"【事故通报】{NOTICE['title']}" for n in received.values())
    notice = bureau.pull_all()[("notice", notice_id)]["data"]
    assert notice["fanout"]["status"] == "done"
    assert (notice["fanout"]["enterprises"], notice["fanout"]["recipients"]) == (2, len(ENTERPRISE_USERS))
    assert "receipts" not in notice and "enterprise_ids" not in notice
    counts = {key: (len(USERS_OF[key]), 0, 0) for key in ("A", "B")}
    assert _counts(receipts_of(bureau, notice_id), people) == counts
    listed = {r["user_id"] for key in ("A", "B") for r in recipients(bureau, notice_id, people[key], limit=2)}
    assert listed == {people[name] for name in ENTERPRISE_USERS}

    devices["worker-a1"].do("notification.read", received["worker-a1"][0]["id"])
    devices["worker-b1"].do("notification.acknowledge", received["worker-b1"][0]["id"])
    devices["officer-a"].do("notification.read", received["officer-a"][0]["id"])
    devices["officer-a"].do("notification.acknowledge", received["officer-a"][0]["id"])

    counts = {"A": (len(USERS_OF["A"]), 2, 1), "B": (len(USERS_OF["B"]), 1, 1)}
    assert _counts(receipts_of(bureau, notice_id), people) == counts
    rows = {r["user_id"]: r for key in ("A", "B") for r in recipients(bureau, notice_id, people[key])}
    assert rows[people["worker-a1"]]["read_at"] and not rows[people["worker-a1"]]["acknowledged_at"]
    assert rows[people["worker-b1"]]["enterprise_id"] == people["B"]
    assert rows[people["worker-b1"]]["acknowledged_at"] == rows[people["worker-b1"]]["read_at"]
    assert not rows[people["worker-a2"]]["read_at"]
    assert rows[people["worker-a2"]]["display_name"]
    # Reading never rewrites the notice: it is still the version the fan-out left.
    assert bureau.pull_all()[("notice", notice_id)]["version"] == 2


def _counts(receipts: dict[str, dict], people: dict[str, str]) -> dict[str, tuple[int, int, int]]:
    by_key = {people[key]: key for key in ("A", "B")}
    return {by_key[e]: (r["recipients"], r["read"], r["acknowledged"]) for e, r in receipts.items()}


def test_enterprise_people_never_pull_the_notice_itself(app, client, people):
    _, notice_id, _ = send_notice(client)
    assert ("notice", notice_id) not in Device(client, "officer-a").pull_all()


def test_a_notice_by_flags_reaches_only_the_matching_enterprises(app, client, people):
    bureau, notice_id, _ = send_notice(client, target={"flags": ["dust_explosion"]})
    for name in USERS_OF["B"]:
        assert len(notices_in(Device(client, name))) == 1, name
    for name in USERS_OF["A"]:
        assert notices_in(Device(client, name)) == [], name
    receipts = receipts_of(bureau, notice_id)
    assert list(receipts) == [people["B"]]
    assert receipts[people["B"]]["recipients"] == len(USERS_OF["B"])
    assert recipients(bureau, notice_id, people["A"]) == []


@pytest.mark.parametrize("name", ["officer-a", "principal-a", "worker-b1"])
def test_only_the_bureau_sends_notices(app, client, people, name):
    outcome = Device(client, name).do("notice.send", **NOTICE, target={"all": True})
    assert (outcome["status"], outcome["code"]) == ("rejected", "forbidden")


@pytest.mark.parametrize(
    "target",
    [{}, {"all": False}, {"flags": []}, {"flags": ["no_such_flag"]}, {"all": True, "flags": ["gas"]}],
)
def test_a_notice_needs_all_or_known_flags(app, client, people, target):
    _, _, outcome = send_notice(client, expect="rejected", target=target)
    assert outcome["code"] == "invalid"


def test_the_kind_is_warning_or_accident(app, client, people):
    _, _, outcome = send_notice(client, expect="rejected", kind="gossip")
    assert (outcome["code"], list(outcome["fields"])) == ("invalid", ["kind"])


def test_offices_of_the_matching_enterprises_and_the_bureau_get_one_message_each(app, client, people, robots):
    with app.app_context():
        owners = [
            (people["A"], None),
            (people["B"], None),
            (None, "141122"),
            (None, "141121"),
            (people["C"], None),
        ]
        for owner, region in owners:
            db.session.add(
                OfficeChannel(
                    id=str(uuid.uuid4()),
                    enterprise_id=owner,
                    region_code=region,
                    kind="wecom",
                    url=robots.url("wecom"),
                )
            )
        db.session.commit()
    send_notice(client, target={"flags": ["dust_explosion"]}, self_check_due="2025-07-01")
    with app.app_context():
        results = deliver_due(db.session)
    assert [r.status for r in results] == ["sent", "sent"]
    contents = [message["markdown"]["content"] for _, message in robots.messages]
    assert all(NOTICE["title"] in content for content in contents)
    assert all("2025-07-01" in content for content in contents)


def test_a_self_check_is_asked_of_each_enterprise_and_done_by_a_self_check_inspection(app, client, people):
    bureau, notice_id, _ = send_notice(client, self_check_due="2025-07-01")
    officer = Device(client, "officer-b")
    tasks = [c["data"] for (entity, _), c in officer.pull_all().items() if entity == "self_check"]
    assert [(t["enterprise_id"], t["due_on"], t["status"], t["notice_id"]) for t in tasks] == [
        (people["B"], "2025-07-01", "open", notice_id)
    ]
    task_id = tasks[0]["id"]
    # The bureau reads the tasks online (its phone pulls summaries only), and only in its county.
    all_tasks = [r["data"] for key in ("A", "B") for r in online_records(bureau, people[key], "self_check")]
    assert {t["enterprise_id"] for t in all_tasks} == {people["A"], people["B"]}
    assert not [k for k in bureau.pull_all() if k[0] == "self_check"]

    inspection_id = str(uuid.uuid4())
    started = officer.do("inspection.start", inspection_id, kind="self_check", self_check_id=task_id)
    assert started["status"] == "applied", started
    assert officer.pull_all()[("self_check", task_id)]["data"]["inspection_id"] == inspection_id
    assert officer.do("inspection.finish", inspection_id, summary="已举一反三自查")["status"] == "applied"
    done = next(r["data"] for r in online_records(bureau, people["B"], "self_check") if r["id"] == task_id)
    assert (done["status"], done["inspection_id"]) == ("done", inspection_id)
    again = officer.do("inspection.start", kind="self_check", self_check_id=task_id)
    assert (again["status"], again["code"]) == ("rejected", "conflict")


def test_a_self_check_inspection_names_a_task_of_its_own_enterprise(app, client, people):
    _, notice_id, _ = send_notice(client, self_check_due="2025-07-01")
    task_of_b = str(uuid.uuid5(uuid.UUID(notice_id), people["B"]))
    outcome = Device(client, "officer-a").do("inspection.start", kind="self_check", self_check_id=task_of_b)
    assert (outcome["status"], outcome["code"]) == ("rejected", "invalid")


def test_without_a_due_date_no_self_check_is_asked(app, client, people):
    send_notice(client)
    bureau = Device(client, "bureau")
    assert not [r for key in ("A", "B") for r in online_records(bureau, people[key], "self_check")]


def online_records(device: Device, enterprise_id: str, entity: str) -> list[dict]:
    """Read an enterprise's records as a bureau does: online, the first page."""
    answer = device.client.get(
        f"/api/v1/bureau/enterprises/{enterprise_id}/records",
        query_string={"entity": entity, "limit": 200},
        headers=device.headers,
    )
    assert answer.status_code == 200, answer.get_json()
    return answer.get_json()["records"]
