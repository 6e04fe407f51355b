"""20 phones through drops, duplicates, delays and SIGKILLs of the server: protocol.md's promises hold."""

from __future__ import annotations

import json
import threading
import time
from collections import Counter

import pytest
from sqlalchemy import text

from . import invariants, workflow
from .conftest import SEED
from .device import Device
from .proxy import DEFAULT_SHARES
from .run import join_all, kill_repeatedly, make_people, managers_by_enterprise, settle, start_threads, work

pytestmark = pytest.mark.postgres

# Seconds the server runs before each SIGKILL, then with faults after the last restart; the phones'
# retries give up at HARD_SECONDS after the test starts, so every loop ends.
UPTIMES = (6.0, 8.0)
TAIL_SECONDS = 8
JOIN_SECONDS = 20
SETTLE_SECONDS = 20
HARD_SECONDS = 110


def test_twenty_phones_keep_every_promise_through_drops_duplicates_delays_and_kill9(world):
    started = time.monotonic()
    deadline = started + HARD_SECONDS
    base, folder = world.proxy.base, world.folder
    people, setup = make_people(folder, base, SEED, deadline)
    devices = [
        Device(folder / f"phone-{n}", base, name, password, SEED * 100 + n, deadline)
        for n, (name, password) in enumerate(people)
    ]
    assert len(devices) >= 20
    assert join_all(start_threads(Device.login, devices), timeout=SETTLE_SECONDS)
    assert all(device.user for device in devices), "a phone could not sign in"
    managers = managers_by_enterprise(devices)

    world.proxy.faulty.set()
    errors: list = []
    kills: list = []
    stop = threading.Event()
    run_started = time.monotonic()
    phones = start_threads(lambda d: work(d, managers[d.user["enterprise_id"]], stop, errors), devices)
    kill_repeatedly(world.server, world.proxy, UPTIMES, kills)
    join_all(phones, timeout=TAIL_SECONDS)  # faults go on a while after the last restart
    stop.set()
    assert join_all(phones, timeout=JOIN_SECONDS), "a phone did not stop"
    world.proxy.faulty.clear()
    run_seconds = time.monotonic() - run_started
    for phase in ("push", "pull"):  # a pull before another phone's last push would miss it
        assert join_all(start_threads(settle, devices + setup, errors, phase), timeout=SETTLE_SECONDS)

    readers = [
        Device(folder / f"fresh-{n}", base, d.username, d.password, n, deadline)
        for n, d in enumerate(devices)
    ]
    for reader, device in zip(readers, devices, strict=True):
        reader.share_login(device)
    assert join_all(start_threads(Device.pull, readers), timeout=SETTLE_SECONDS)
    fresh = {reader.username: reader.store for reader in readers}
    everyone = devices + setup
    rows = invariants.command_rows(world.engine, [d.state["client_id"] for d in everyone])
    server, tables = _run_hazards(world.engine)
    created_in = {
        c["entity_id"]: d.user["enterprise_id"]
        for d in devices
        for c in d.state["commands"]
        if c["type"] == "hazard.report"
    }
    roles = {d.user["id"]: d.user["role"] for d in everyone}
    based_on = {key: value for d in everyone for key, value in d.state["based_on"].items()}
    results = {
        "1+3 one final outcome, the one seen, none lost": invariants.outcomes_kept(everyone, rows),
        "2 none applied twice": invariants.applied_once(world.engine, rows, set(created_in)),
        "4 converged to a fresh pull": invariants.converged(devices, fresh),
        "5 no cross-enterprise entity": invariants.isolated(devices, created_in),
        "6 states = replay of applied": invariants.replayed_states(rows, roles, server, tables, based_on),
        "device-side checks": [v for d in everyone + readers for v in d.violations],
        "device errors": errors,
        # 503 (with Retry-After) is the server's way to say "later"; any other 5xx is a server bug.
        "server errors": [
            f"{count} × {status}"
            for status, count in world.proxy.upstream.items()
            if status.startswith("5") and status != "503"
        ],
    }
    _report(devices, rows, server, world, kills, run_seconds, time.monotonic() - started, results)
    assert set(server) == set(created_in), "the run's hazards on the server are not the reported ones"
    assert len(kills) == len(UPTIMES)
    assert set(world.proxy.faults) == set(DEFAULT_SHARES), "every kind of fault was injected"
    assert set(created_in.values()) == set(managers), "both enterprises reported hazards"
    assert all(workflow.run_hazards(device) for device in devices), "every phone holds hazards of the run"
    assert {name: broken for name, broken in results.items() if broken} == {}


def _run_hazards(engine) -> tuple[dict, dict]:
    """Return the run's hazards as synced, and each one's (status index column, assignee)."""
    with engine.connect() as connection:
        synced = connection.execute(
            text("SELECT id, status, data FROM sync_entities WHERE entity = 'hazard'")
        ).all()
    server, indexed = {}, {}
    for hazard_id, status, data in synced:
        data = json.loads(data) if isinstance(data, str) else data
        if data["title"].startswith(workflow.TAG):
            server[hazard_id] = data
            indexed[hazard_id] = (status, data["assignee_id"])
    return server, indexed


def _report(devices, rows, server, world, kills, run_seconds, total_seconds, results) -> None:
    stats = sum((d.stats for d in devices), Counter())
    figures = {
        "devices": len(devices),
        "commands": len(rows),
        "outcomes": Counter(f"{r['type']} {r['status']} {r['code'] or ''}".strip() for r in rows.values()),
        "hazards by final status": Counter(h["status"] for h in server.values()),
        "proxy requests": world.proxy.requests,
        "faults": dict(world.proxy.faults),
        "server statuses": dict(world.proxy.upstream),
        "kills": kills,
        "device stats": dict(stats),
        "run seconds": round(run_seconds, 1),
        "total seconds": round(total_seconds, 1),
        "invariants": {name: len(broken) for name, broken in results.items()},
    }
    print("\nFAULT RUN " + json.dumps(figures, ensure_ascii=False, default=dict))
    for name, broken in results.items():
        for line in broken[:10]:
            print(f"BROKEN {name}: {line}")
