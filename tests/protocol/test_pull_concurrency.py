"""Pull's guarantee under concurrent pushes to two gunicorn workers on PostgreSQL.

protocol.md: "none skipped, even when concurrent transactions commit out of order".
"""

from __future__ import annotations

import threading

import pytest

from tests.databases import postgres_schema_url
from tests.live_server import live_server
from tests.protocol.client import Device, Session
from tests.protocol.test_conformance import PASSWORD, report_args

pytestmark = pytest.mark.postgres

WRITERS = 6
PUSHES = 15
PER_PUSH = 2


@pytest.fixture(scope="module")
def pg_base(tmp_path_factory):
    with postgres_schema_url() as joined:
        with live_server(tmp_path_factory.mktemp("protocol-pg"), database_url=joined, workers=2) as base:
            yield base


def _login(base: str, username: str) -> Session:
    session = Session(base)
    session.login(username, PASSWORD)
    return session


def test_a_puller_following_its_cursor_misses_no_change_while_others_push(pg_base):
    reader = Device(_login(pg_base, "officer-a"))
    reader.pull()
    created: list[str] = []
    errors: list[BaseException] = []
    lock = threading.Lock()
    done = threading.Event()

    def write(username: str) -> None:
        try:
            dev = Device(_login(pg_base, username))
            for _ in range(PUSHES):
                commands = [dev.enqueue("hazard.report", report_args(title="race")) for _ in range(PER_PUSH)]
                dev.push()
                assert all(dev.outcomes[c.seq]["status"] == "applied" for c in commands)
                with lock:
                    created.extend(c.entity_id for c in commands)
        except BaseException as error:  # reported in the main thread
            errors.append(error)

    def read() -> None:
        try:
            while not done.is_set():
                reader.pull(limit=7)
        except BaseException as error:
            errors.append(error)

    names = ["worker-a1", "worker-a2", "contractor-a", "officer-a", "principal-a", "worker-a1"][:WRITERS]
    writers = [threading.Thread(target=write, args=(name,)) for name in names]
    puller = threading.Thread(target=read)
    puller.start()
    for thread in writers:
        thread.start()
    for thread in writers:
        thread.join()
    done.set()
    puller.join()
    assert not errors, errors
    reader.pull()  # the last changes since the cursor
    assert len(created) == WRITERS * PUSHES * PER_PUSH
    missing = [hazard_id for hazard_id in created if ("hazard", hazard_id) not in reader.store]
    assert not missing, f"{len(missing)} of {len(created)} hazards never reached the cursor-following puller"
