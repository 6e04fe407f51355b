"""The fault run's phone client meets each protocol situation as protocol.md says, one scripted fault each."""

from __future__ import annotations

import time

import pytest

from tests.protocol.client import uuid7

from .device import Device
from .proxy import FaultPlan, FaultProxy

pytestmark = pytest.mark.postgres

PASSWORD = "demo1234"


class ScriptedPlan(FaultPlan):
    """These faults for the first requests, in order; then none."""

    def __init__(self, *kinds: str):
        super().__init__(seed=1)
        self.kinds = iter(kinds)

    def draw(self) -> str:
        return next(self.kinds, "pass")


@pytest.fixture
def base(world):
    return world.server.base


@pytest.fixture
def proxied(base):
    """Start a proxy in front of the server with a given script; stop every proxy afterwards."""
    started = []

    def start(*kinds: str) -> str:
        port = int(base.rsplit(":", 1)[1])
        proxy = FaultProxy(port, ScriptedPlan(*kinds))
        proxy.start()
        proxy.faulty.set()
        started.append(proxy)
        return proxy.base

    yield start
    for proxy in started:
        proxy.stop()


def phone(tmp_path, url: str, username: str, upload_first: bool = True) -> Device:
    device = Device(tmp_path / username, url, username, PASSWORD, seed=3, deadline=time.monotonic() + 30)
    device.login()
    device.rng.random = (lambda: 0.0) if upload_first else (lambda: 0.99)  # push's "upload first?" draw
    return device


def report(device: Device, photos=()) -> dict:
    args = {"title": "客户端测试", "description": "", "location": "仓库", "severity": "general"}
    return device.enqueue("hazard.report", uuid7(), {**args, "photos": list(photos)})


def test_a_dropped_answer_is_learned_from_the_replay_and_applied_once(tmp_path, base, proxied):
    device = phone(tmp_path, proxied("pass", "drop_response", "duplicate"), "worker-a1")
    command = report(device)
    device.push()
    assert device.state["outcomes"]["1"]["status"] == "applied"
    assert device.stats["replayed_first_seen"] == 1 and device.stats["network_failures"] == 1
    device.pull()
    stored = device.store[f"hazard/{command['entity_id']}"]
    assert stored["version"] == 1 and len(stored["data"]["history"]) == 1
    assert device.violations == []


def test_a_busy_answer_waits_for_retry_after(tmp_path, proxied):
    device = phone(tmp_path, proxied("pass", "busy"), "worker-a2")
    began = time.monotonic()
    device.pull()
    assert time.monotonic() - began >= 1.0
    assert device.stats["retry_after_honoured"] == 1 and device.violations == []


def test_a_blocked_push_uploads_the_photo_and_goes_on(tmp_path, base):
    device = phone(tmp_path, base, "contractor-a", upload_first=False)
    report(device, [device.new_photo()])
    device.push()
    assert device.stats["blocked"] == 1 and device.stats["uploads"] == 1
    assert device.state["outcomes"]["1"]["status"] == "applied" and device.violations == []


def test_reset_required_starts_the_pull_over_and_ends_where_a_fresh_pull_does(tmp_path, base):
    device = phone(tmp_path, base, "officer-b")
    device.pull()
    held = dict(device.store)
    device.synced["cursor"] = "not-a-cursor"
    device.pull()
    assert device.stats["reset_required"] == 1 and device.store == held and device.violations == []


def test_seq_gap_resends_from_the_expected_seq_and_flags_an_acknowledgement_the_server_lost(tmp_path, base):
    device = phone(tmp_path, base, "worker-b1")
    first, _second = report(device), report(device)
    # The device believes seq 1 was acknowledged (rejected) though the server never had it.
    device.state["outcomes"]["1"] = {"id": first["id"], "status": "rejected", "code": "conflict"}
    device.push()
    assert device.stats["seq_gap"] == 1
    assert device.outbox() == [] and device.state["outcomes"]["2"]["status"] == "applied"
    assert any("below acknowledged" in v for v in device.violations)
    assert any("seq 1 outcome changed" in v for v in device.violations)
