"""Two gunicorn hosts behind a round-robin proxy, sharing database, photos and jobs, act as one service."""

from __future__ import annotations

import threading
import time
from collections import Counter
from datetime import timedelta

import pytest

from backend.derived.clock import today_in_shanghai
from tests.fault import invariants
from tests.fault.device import API, Device
from tests.fault.run import join_all, start_threads
from tests.protocol.client import sha256_hex, uuid7

from .checks import TAG, direct, histories_match, noisy_png, notifications, pull_pages, report
from .services import bucket_keys, enqueue_periodic, job_result

pytestmark = pytest.mark.postgres  # and Redis: the world fixture skips (fails in CI) without either

PASSWORD = "demo1234"
CHUNK = 64 * 1024
REMINDER_KINDS = {"hazard_overdue", "hazard_escalated", "major_hazard_overdue", "major_hazard_reported"}
REACHED = "SELECT enterprise_id FROM notice_enterprises WHERE notice_id = :id"
PEOPLE_OF = "SELECT id FROM users WHERE active AND enterprise_id = ANY(:ids)"
ENTERPRISE_OF = "SELECT enterprise_id FROM users WHERE username = ANY(:names)"
# The kill run: devices push this long on two hosts, then this long after one is killed.
BEFORE_KILL_SECONDS = 3.0
AFTER_KILL_SECONDS = 3.0


def device(world, name: str, username: str, seed: int, seconds: float = 60) -> Device:
    """A signed-in phone of a demo user that speaks only to the proxy."""
    deadline = time.monotonic() + seconds
    phone = Device(world.folder / name, world.proxy.base, username, PASSWORD, seed, deadline)
    phone.login()
    return phone


def test_one_devices_pushes_alternate_hosts_and_each_acknowledged_command_comes_back_once(world):
    began = time.monotonic()
    worker, officer = device(world, "w1", "worker-a1", 1), device(world, "o1", "officer-a", 2)
    hazards = []
    for number in range(6):
        hazards.append(report(worker, f"push {number}"))
        worker.push()
    officer.pull()
    due = (today_in_shanghai() + timedelta(days=7)).isoformat()
    for hazard_id in hazards[:3]:
        version = officer.store[f"hazard/{hazard_id}"]["version"]
        args = {"assignee_id": worker.user["id"], "due_date": due, "plan": "更换防护罩"}
        officer.enqueue("hazard.assign", hazard_id, args, version)
        officer.push()

    pushes = [s for s in world.proxy.since(began) if s.client_id == worker.state["client_id"]]
    assert [s.status for s in pushes] == [200] * 6
    assert Counter(s.host for s in pushes) == {0: 3, 1: 3}, "the pushes alternate hosts"
    rows = invariants.command_rows(world.engine, [worker.state["client_id"], officer.state["client_id"]])
    assert {row["status"] for row in rows.values()} == {"applied"}
    assert invariants.outcomes_kept([worker, officer], rows) == []
    assert invariants.applied_once(world.engine, rows, set(hazards)) == []
    reader = device(world, "r1", "principal-a", 3)
    assert histories_match(pull_pages(reader), rows, set(hazards)) == []
    assert worker.violations + officer.violations == []


def test_a_resumable_uploads_chunks_alternate_hosts_and_the_photo_is_served_by_both(world):
    worker, officer = device(world, "w2", "worker-a2", 4), device(world, "o2", "officer-a", 5)
    data = noisy_png(20261207)
    sha = sha256_hex(data)
    (worker.folder / "blobs" / sha).write_bytes(data)  # the phone keeps its photo until it is stored
    began = time.monotonic()
    statuses = []
    for start in range(0, len(data), CHUNK):
        chunk = data[start : start + CHUNK]
        headers = _auth(worker) | {"Content-Range": f"bytes {start}-{start + len(chunk) - 1}/{len(data)}"}
        statuses.append(worker.transport.send_once("PUT", f"{API}/blobs/{sha}", chunk, headers).status)
        if start == CHUNK:  # part-way, the next host knows how far the other got
            answer = worker.transport.send_once("HEAD", f"{API}/blobs/{sha}", None, _auth(worker))
            assert (answer.status, answer.headers.get("upload-offset")) == (404, str(2 * CHUNK))
    assert len(statuses) >= 4
    assert statuses == [202] * (len(statuses) - 1) + [201]
    served = world.proxy.since(began)  # chunks and the HEAD, one after another: strictly in turn
    assert all(a.host != b.host for a, b in zip(served, served[1:], strict=False)), served
    chunks = [s.host for s in served if s.method == "PUT"]
    assert set(chunks) == {0, 1}

    report(worker, "photo", photos=[sha])
    worker.push()
    assert worker.state["outcomes"]["1"]["status"] == "applied"
    completed_on = chunks[-1]
    for phone in (worker, officer):  # the uploader, then a colleague the report showed it to
        for host in (1 - completed_on, completed_on):
            stored = direct(world, host, phone.transport.token, f"{API}/blobs/{sha}")
            assert (stored.status, sha256_hex(stored.body)) == (200, sha)
            thumb = direct(world, host, phone.transport.token, f"{API}/blobs/{sha}?variant=thumb")
            assert (thumb.status, thumb.headers.get("content-type")) == (200, "image/jpeg")
    assert len(bucket_keys(world.shared, sha)) == 2, "the photo and its thumbnail are in the bucket"
    folders = [host.folder / "instance" for host in world.hosts]
    assert [p for f in folders for p in f.rglob("*") if p.is_file() and p.parent != f] == [], "none on disk"


def test_a_notice_fans_out_once_and_a_reminder_goes_once_while_both_hosts_tick(world):
    bureau, officer = device(world, "b3", "bureau", 6), device(world, "o3", "officer-a", 7)
    worker = device(world, "w3", "worker-a2", 8)
    hazard_id = report(officer, "overdue", severity="major")
    overdue = (today_in_shanghai() - timedelta(days=5)).isoformat()
    args = {"assignee_id": worker.user["id"], "due_date": overdue, "plan": "停机整改"}
    officer.enqueue("hazard.assign", hazard_id, args, 1)
    officer.push()
    notice_id = uuid7()
    notice = {"title": f"{TAG} 通报", "body": "请各企业举一反三", "kind": "warning", "target": {"all": True}}
    bureau.enqueue("notice.send", notice_id, notice)
    bureau.push()
    assert [
        o["status"] for o in (*officer.state["outcomes"].values(), *bureau.state["outcomes"].values())
    ] == ["applied"] * 3
    world.settle()
    # The worker runs a queued tick while each host runs `flask notify tick` as a cron would, all at once;
    # the fan-out the push queued may still be running on the worker.
    queued = enqueue_periodic(world.shared, "notify tick")
    ticks = [world.flask(host, "notify", "tick") for host in (0, 1)]
    printed = [job_result(queued), *(world.wait(tick) for tick in ticks)]
    world.wait_fanned_out(notice_id)
    print("\nTICKS " + " | ".join(text.strip() for text in printed))

    inboxes = notifications(world, "data->>'notice_id' = :id", id=notice_id)
    reached = {enterprise for (enterprise,) in world.rows(REACHED, id=notice_id)}
    recipients = {user for (user,) in world.rows(PEOPLE_OF, ids=list(reached))}
    readers = ("worker-a1", "contractor-a", "officer-b", "worker-b1")
    assert {e for (e,) in world.rows(ENTERPRISE_OF, names=list(readers))} <= reached
    assert Counter(user for user, _kind in inboxes) == Counter(recipients), "each person once, none twice"
    assert not {e for (e,) in world.rows(ENTERPRISE_OF, names=["officer-c"])} & reached, "another county"
    for username in (
        *readers,
        "officer-c",
    ):  # once each in the bureau's county, never in the neighbouring one
        reader = device(world, f"n-{username}", username, 9)
        mine = [c for c in pull_pages(reader) if c["entity"] == "notification"]
        held = sum(1 for c in mine if c["data"]["notice_id"] == notice_id)
        assert held == (username != "officer-c"), username

    reminded = Counter(
        (user, kind)
        for user, kind in notifications(world, "data->'source'->>'id' = :id", id=hazard_id)
        if kind in REMINDER_KINDS
    )
    assert reminded and max(reminded.values()) == 1, f"a reminder went twice: {reminded}; ticks: {printed}"
    names = dict(world.rows("SELECT id, username FROM users"))
    assert {(names[user], kind) for user, kind in reminded} >= {
        ("worker-a2", "hazard_overdue"),
        ("officer-a", "hazard_escalated"),
        ("principal-a", "hazard_escalated"),
        ("bureau", "major_hazard_overdue"),
        ("bureau", "major_hazard_reported"),
    }
    digests = Counter(notifications(world, "data->>'kind' LIKE 'digest%'"))
    assert not digests or max(digests.values()) == 1, f"a digest went twice: {digests}"
    # With REDIS_URL the hosts run no periodic job: every claim on one was the worker's.
    owners = {
        owner.split(":")[1] for (owner,) in world.rows("SELECT owner FROM job_runs WHERE owner IS NOT NULL")
    }
    assert owners == {str(world.worker.pid)}


def test_a_sign_in_refreshed_or_ended_on_one_host_is_so_on_the_other(world):
    credentials = {"username": "officer-b", "password": PASSWORD}
    signed_in = direct(world, 0, None, f"{API}/auth/login", "POST", credentials).json
    access, refresh = signed_in["access_token"], signed_in["refresh_token"]
    assert direct(world, 1, access, f"{API}/me").status == 200
    renewed = direct(world, 1, refresh, f"{API}/auth/refresh", "POST")
    assert renewed.status == 200
    # The spent refresh token again, on the other host: theft, so the whole sign-in ends everywhere.
    assert direct(world, 0, refresh, f"{API}/auth/refresh", "POST").status == 401
    assert direct(world, 1, renewed.json["access_token"], f"{API}/me").status == 401
    again = direct(world, 1, None, f"{API}/auth/login", "POST", credentials).json
    assert direct(world, 0, again["access_token"], f"{API}/auth/logout", "POST").status == 204
    assert direct(world, 1, again["access_token"], f"{API}/me").status == 401
    assert direct(world, 1, again["refresh_token"], f"{API}/auth/refresh", "POST").status == 401


def test_kill_9_of_one_host_loses_nothing_acknowledged_and_the_devices_finish_on_the_other(killing_world):
    world = killing_world
    phones = [device(world, f"k{n}", name, 20 + n) for n, name in enumerate(("worker-a1", "worker-b1"))]
    phones += [device(world, "k2", "contractor-a", 22), device(world, "k3", "officer-b", 23)]
    stop, errors = threading.Event(), []

    def keep_pushing(phone: Device) -> None:
        try:
            while not stop.is_set():
                report(phone, f"kill {len(phone.state['commands'])}")
                phone.push()
                time.sleep(phone.rng.uniform(0.02, 0.1))
        except BaseException as error:  # reported below
            errors.append((phone.username, repr(error)))

    began = time.monotonic()
    threads = start_threads(keep_pushing, phones)
    time.sleep(BEFORE_KILL_SECONDS)
    world.proxy.wait_in_flight()  # mid-run: some answers are cut short by the kill
    in_flight = world.proxy.in_flight
    killed = world.kill9(0)
    time.sleep(AFTER_KILL_SECONDS)
    stop.set()
    assert join_all(threads, timeout=30), "a phone did not stop"
    for phone in phones:
        phone.push()  # whatever is left goes through the surviving host
    assert errors == []

    served = world.proxy.since(began)
    before, after = [s for s in served if s.at < killed], [s for s in served if s.at >= killed]
    assert {s.host for s in before} == {0, 1}
    assert {s.host for s in after} == {1}, f"after the kill only the survivor answers: {after}"
    assert any(0 in s.skipped for s in after), "the proxy skipped the dead host"
    for phone in phones:
        assert phone.outbox() == [] and phone.violations == [], phone.username
        mine = [s for s in after if s.client_id == phone.state["client_id"]]
        assert mine and mine[-1].status == 200 and mine[-1].host == 1
    rows = invariants.command_rows(world.engine, [phone.state["client_id"] for phone in phones])
    hazards = {c["entity_id"] for phone in phones for c in phone.state["commands"]}
    assert invariants.outcomes_kept(phones, rows) == []
    assert invariants.applied_once(world.engine, rows, hazards) == []
    acknowledged = {
        c["entity_id"]
        for phone in phones
        for c in phone.state["commands"]
        if phone.state["outcomes"][str(c["seq"])]["status"] == "applied"
    }
    assert acknowledged == hazards
    pulled = set()
    for n, manager in enumerate(("officer-a", "officer-b")):  # other devices, one per enterprise
        changes = pull_pages(device(world, f"kr{n}", manager, 30 + n))
        pulled |= {c["id"] for c in changes if c["entity"] == "hazard" and c["id"] in hazards}
    assert pulled == acknowledged, "every acknowledged report is pulled by another device"
    stats = sum((phone.stats for phone in phones), Counter())
    print(
        f"\nKILL RUN {len(rows)} commands; {in_flight} requests in flight at the kill, "
        f"{sum(1 for s in served if s.status == 502)} cut short; after it {len(after)} requests, "
        f"{sum(1 for s in after if 0 in s.skipped)} skipped the dead host; device stats {dict(stats)}"
    )


def _auth(phone: Device) -> dict[str, str]:
    return {"Authorization": f"Bearer {phone.transport.token}"}
