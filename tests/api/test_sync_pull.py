"""Pull of protocol.md through HTTP: scope isolation, pagination, latest state once, last_seq, resets."""

from __future__ import annotations

import base64
import json
import uuid

import pytest

from backend.extensions import db
from backend.models import User

from ..api_client import Device
from ..people import seed_people

PULL = "/api/v1/sync/pull"
A_USERS = {"principal-a", "officer-a", "worker-a1", "worker-a2", "contractor-a"}
B_USERS = {"officer-b", "worker-b1"}


def report(device, title="隐患", severity="general"):
    outcome = device.do("hazard.report", title=title, description="", location="车间", severity=severity)
    assert outcome["status"] == "applied", outcome
    return outcome["entity_id"]


def pull(device, **query):
    return device.client.get(PULL, query_string=query, headers=device.headers)


def page_of(device, **query):
    answer = pull(device, **query)
    assert answer.status_code == 200, answer.get_json()
    return answer.get_json()


def follow(device, cursor=None, limit=500):
    """Follow one cursor until `more` is false; return every change in order and the last cursor."""
    changes = []
    while True:
        query = {"limit": limit, **({"cursor": cursor} if cursor else {})}
        page = page_of(device, **query)
        changes.extend(page["changes"])
        cursor = page["cursor"]
        if not page["more"]:
            return changes, cursor


def assert_error(answer, status, code):
    assert answer.status_code == status, answer.get_data(as_text=True)
    body = answer.get_json()
    assert body["code"] == code, body
    assert body["message"]
    return body


def usernames(changes):
    return {c["data"]["username"] for c in changes if c["entity"] == "user"}


def ids_of(changes, entity):
    return {c["id"] for c in changes if c["entity"] == entity}


@pytest.fixture
def world(client, people):
    """Two hazards in A, one in B; signed-in devices for both enterprises and the bureau."""
    devices = {name: Device(client, name) for name in ("worker-a1", "officer-b", "worker-b1", "bureau")}
    hazards = {
        "A": {report(devices["worker-a1"], "A1"), report(devices["worker-a1"], "A2")},
        "B": {report(devices["worker-b1"], "B1")},
    }
    return devices, hazards


# --- scope -------------------------------------------------------------------------------------------


def test_enterprise_user_sees_only_own_enterprise(world, people):
    devices, hazards = world
    changes, _ = follow(devices["worker-a1"])
    assert ids_of(changes, "hazard") == hazards["A"]
    assert ids_of(changes, "enterprise") == {people["A"]}
    assert usernames(changes) == A_USERS


def test_other_enterprise_sees_only_its_own(world, people):
    devices, hazards = world
    changes, _ = follow(devices["officer-b"])
    assert ids_of(changes, "hazard") == hazards["B"]
    assert ids_of(changes, "enterprise") == {people["B"]}
    assert usernames(changes) == B_USERS


def test_bureau_pulls_its_county_summaries_not_the_records(world, people):
    devices, hazards = world
    changes, _ = follow(devices["bureau"])
    assert ids_of(changes, "hazard") == set() and ids_of(changes, "enterprise") == set()
    assert usernames(changes) == {"bureau"}
    assert ids_of(changes, "region") == {"141122"}


def test_bureau_is_read_only(world):
    devices, hazards = world
    bureau = devices["bureau"]
    hazard_id = next(iter(hazards["B"]))
    outcome = bureau.do("hazard.dismiss", hazard_id, reason="x")
    assert (outcome["status"], outcome["code"]) == ("rejected", "forbidden")


def test_synced_users_never_carry_password_hashes(world):
    devices, _ = world
    changes, _ = follow(devices["bureau"])
    for change in changes:
        if change["entity"] == "user":
            assert not any("password" in key for key in change["data"])


def test_change_shape_is_entity_id_version_deleted_data(world):
    devices, hazards = world
    changes, _ = follow(devices["worker-a1"])
    hazard = next(c for c in changes if c["entity"] == "hazard")
    assert set(hazard) == {"entity", "id", "version", "deleted", "data"}
    assert hazard["version"] == 1 and hazard["deleted"] is False
    assert hazard["data"]["id"] == hazard["id"]


# --- pagination, latest state, cursors ---------------------------------------------------------------


def test_pages_follow_the_cursor_without_repeats(world):
    devices, _ = world
    everything, _ = follow(devices["worker-a1"])
    paged, _ = follow(devices["worker-a1"], limit=2)
    assert [(c["entity"], c["id"]) for c in paged] == [(c["entity"], c["id"]) for c in everything]
    assert len({(c["entity"], c["id"]) for c in paged}) == len(paged)


def test_more_is_true_until_the_last_page(world):
    devices, _ = world
    total = len(follow(devices["worker-a1"])[0])
    first = page_of(devices["worker-a1"], limit=total - 1)
    assert first["more"] is True and len(first["changes"]) == total - 1
    rest = page_of(devices["worker-a1"], limit=total, cursor=first["cursor"])
    assert rest["more"] is False and len(rest["changes"]) == 1


def test_limit_defaults_to_500(client, people):
    device = Device(client, "worker-a1")
    device.push(
        *[
            device.command("hazard.report", title="t", description="", location="l", severity="general")
            for _ in range(500)
        ]
    )
    page = page_of(device)
    assert len(page["changes"]) == 500 and page["more"] is True


def test_entity_changed_several_times_comes_once_at_latest_version(client, people):
    worker, officer = Device(client, "worker-a1"), Device(client, "officer-a")
    hazard_id = report(worker)
    for due in ("2030-01-01", "2030-01-02", "2030-01-03"):
        officer.do("hazard.assign", hazard_id, assignee_id=people["worker-a2"], due_date=due)
    changes, _ = follow(worker)
    mine = [c for c in changes if c["id"] == hazard_id]
    assert len(mine) == 1
    assert mine[0]["version"] == 4 and mine[0]["data"]["due_date"] == "2030-01-03"


def test_cursor_returns_only_what_changed_since(client, people):
    worker, officer = Device(client, "worker-a1"), Device(client, "officer-a")
    old, changed = report(worker, "old"), report(worker, "changed")
    _, cursor = follow(worker)
    assert follow(worker, cursor)[0] == []
    officer.do("hazard.assign", changed, assignee_id=people["worker-a2"], due_date="2030-01-01")
    fresh = report(worker, "fresh")
    changes, _ = follow(worker, cursor)
    assert [(c["id"], c["version"]) for c in changes] == [(changed, 2), (fresh, 1)]
    assert old not in {c["id"] for c in changes}


def test_changes_of_another_enterprise_do_not_reach_a_cursor(world):
    devices, _ = world
    _, cursor = follow(devices["worker-a1"])
    report(devices["worker-b1"], "B2")
    assert follow(devices["worker-a1"], cursor)[0] == []


# --- last_seq ----------------------------------------------------------------------------------------


def test_last_seq_of_the_given_client(client, people):
    device = Device(client, "worker-a1")
    report(device), report(device), report(device)
    assert page_of(device, client_id=device.client_id)["last_seq"] == 3


def test_last_seq_is_null_without_client_id(client, people):
    device = Device(client, "worker-a1")
    report(device)
    assert page_of(device)["last_seq"] is None


def test_last_seq_of_an_unused_client_is_zero(client, people):
    device = Device(client, "worker-a1")
    assert page_of(device, client_id=str(uuid.uuid4()))["last_seq"] == 0


def test_client_id_of_another_user_is_refused(client, people):
    owner, other = Device(client, "worker-a1"), Device(client, "worker-a2")
    report(owner)
    assert_error(pull(other, client_id=owner.client_id), 409, "client_owned_by_other_user")


def test_client_id_must_be_a_uuid(client, people):
    device = Device(client, "worker-a1")
    body = assert_error(pull(device, client_id="phone-1"), 400, "invalid")
    assert "client_id" in body["fields"]


# --- resets and limits -------------------------------------------------------------------------------


@pytest.mark.parametrize("cursor", ["garbage", "e30", "!!!", base64.urlsafe_b64encode(b'{"v":1}').decode()])
def test_garbage_cursor_is_reset_required(client, people, cursor):
    assert_error(pull(Device(client, "worker-a1"), cursor=cursor), 410, "reset_required")


def test_cursor_from_the_future_is_reset_required(client, people):
    device = Device(client, "worker-a1")
    _, cursor = follow(device)
    data = json.loads(base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)))
    data["p"] += 1000
    forged = base64.urlsafe_b64encode(json.dumps(data).encode()).decode().rstrip("=")
    assert_error(pull(device, cursor=forged), 410, "reset_required")


def test_cursor_of_another_enterprise_is_reset_required(client, people):
    _, cursor = follow(Device(client, "worker-b1"))
    assert_error(pull(Device(client, "worker-a1"), cursor=cursor), 410, "reset_required")


def test_user_moved_to_another_enterprise_must_reset(app, client, people):
    device = Device(client, "worker-a1")
    report(device)
    _, cursor = follow(device)
    with app.app_context():
        db.session.get(User, people["worker-a1"]).enterprise_id = people["B"]
        db.session.commit()
    assert_error(pull(device, cursor=cursor), 410, "reset_required")
    changes, _ = follow(device)
    assert ids_of(changes, "enterprise") == {people["B"]}
    assert ids_of(changes, "hazard") == set()


@pytest.mark.parametrize("role", ["bureau", "officer"])
def test_role_change_must_reset(app, client, people, role):
    device = Device(client, "worker-a1")
    _, cursor = follow(device)
    with app.app_context():
        user = db.session.get(User, people["worker-a1"])
        user.role = role
        if role == "bureau":
            user.enterprise_id = None
        db.session.commit()
    assert_error(pull(device, cursor=cursor), 410, "reset_required")


def test_reset_message_is_localised(client, people):
    device = Device(client, "worker-a1")
    answer = device.client.get(
        PULL, query_string={"cursor": "garbage"}, headers={**device.headers, "Accept-Language": "en"}
    )
    assert answer.get_json()["message"] == "Start again without a cursor"


@pytest.mark.parametrize("limit", ["0", "1001", "-1", "abc", "1.5", "", "²", "1e3", " 5"])
def test_limit_out_of_range_is_400(client, people, limit):
    answer = pull(Device(client, "worker-a1"), limit=limit)
    body = assert_error(answer, 400, "invalid")
    assert "limit" in body["fields"]


@pytest.mark.parametrize("limit", ["1", "1000"])
def test_limit_bounds_are_accepted(client, people, limit):
    assert pull(Device(client, "worker-a1"), limit=limit).status_code == 200


def test_pull_needs_a_token(client, people):
    assert_error(client.get(PULL), 401, "unauthorized")


# --- PostgreSQL --------------------------------------------------------------------------------------


def test_scope_isolation_and_paging_on_postgresql(pg_app):
    with pg_app.app_context():
        people = seed_people()
    client = pg_app.test_client()
    a, b, bureau = Device(client, "worker-a1"), Device(client, "worker-b1"), Device(client, "bureau")
    a_hazards = {report(a, f"A{i}") for i in range(3)}
    b_hazards = {report(b, "B")}
    a_changes, a_cursor = follow(a, limit=2)
    assert ids_of(a_changes, "hazard") == a_hazards
    assert usernames(a_changes) == A_USERS
    assert ids_of(a_changes, "enterprise") == {people["A"]}
    b_changes, _ = follow(b)
    assert ids_of(b_changes, "hazard") == b_hazards and usernames(b_changes) == B_USERS
    bureau_changes, _ = follow(bureau)
    assert ids_of(bureau_changes, "hazard") == set() and ids_of(bureau_changes, "region") == {"141122"}
    report(b, "B again")
    assert follow(a, a_cursor)[0] == []
    assert page_of(a, client_id=a.client_id)["last_seq"] == 3
    assert_error(pull(b, cursor=a_cursor), 410, "reset_required")
