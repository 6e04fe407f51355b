"""Two pushes re-assigning the same hazards in opposite order never fail on PostgreSQL (issue 7).

Before pushes locked their entities in one deterministic order, one push of each pair answered 500
(deadlock detected) in 10 of 10 trials on gunicorn with two workers.
"""

from __future__ import annotations

import threading

import pytest

from tests.databases import postgres_schema_url
from tests.live_server import live_server
from tests.protocol.client import Device, Session
from tests.protocol.test_conformance import PASSWORD, report_args

pytestmark = pytest.mark.postgres

HAZARDS = 40
TRIALS = 10
WAIT = 30  # seconds a trial's pushes may take before the test fails instead of hanging


@pytest.fixture(scope="module")
def pg_base(tmp_path_factory):
    with postgres_schema_url() as joined:
        with live_server(tmp_path_factory.mktemp("deadlock-pg"), database_url=joined, workers=2) as base:
            yield base


def _device(base: str, username: str) -> Device:
    session = Session(base)
    session.login(username, PASSWORD)
    return Device(session)


def _push_concurrently(devices: list[Device]) -> list[tuple[int, dict]]:
    """Send each device's outbox in one push, all at once; return (status, body) per device."""
    start = threading.Barrier(len(devices))
    answers: list[tuple[int, dict] | None] = [None] * len(devices)

    def send(index: int) -> None:
        start.wait(WAIT)
        response = devices[index].push_raw(devices[index].outbox)
        answers[index] = (response.status_code, response.json())

    threads = [threading.Thread(target=send, args=(i,)) for i in range(len(devices))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(WAIT)
    assert all(answer is not None for answer in answers), "a push did not answer in time"
    return answers


def test_opposite_order_reassignments_of_the_same_hazards_all_apply(pg_base):
    reporter = _device(pg_base, "worker-a1")
    hazard_ids = [
        reporter.enqueue("hazard.report", report_args(title=f"隐患 {n}")).entity_id for n in range(HAZARDS)
    ]
    reporter.push()
    assert all(o["status"] == "applied" for o in reporter.outcomes.values())
    officer, principal = _device(pg_base, "officer-a"), _device(pg_base, "principal-a")
    assignees = [reporter.session.user["id"], officer.session.user["id"]]
    failures = []
    for trial in range(TRIALS):
        for device, order in ((officer, hazard_ids), (principal, hazard_ids[::-1])):
            device.outbox = []
            for hazard_id in order:
                args = {"assignee_id": assignees[trial % 2], "due_date": "2030-01-31"}
                device.enqueue("hazard.assign", args, entity_id=hazard_id)
        answers = _push_concurrently([officer, principal])
        for device, (status, body) in zip((officer, principal), answers, strict=True):
            if status != 200:
                failures.append((trial, status, body.get("code")))
                device.next_seq = device.outbox[0].seq  # the push changed nothing: reuse its seqs
                continue
            statuses = {o["status"] for o in body["outcomes"]}
            assert body["last_seq"] == device.outbox[-1].seq
            assert statuses == {"applied"}, body["outcomes"]
    assert failures == []
    # Every re-assignment is in each hazard's history: nothing lost, nothing applied twice.
    officer.pull()
    for hazard_id in hazard_ids:
        history = officer.get("hazard", hazard_id)["history"]
        assert [e["type"] for e in history].count("hazard.assign") == 2 * TRIALS - len(failures)
