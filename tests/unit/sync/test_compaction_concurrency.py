"""Compaction running (twice at once) while devices push and pull loses nothing and applies nothing twice."""

from __future__ import annotations

import threading
from collections import Counter
from datetime import timedelta

from sqlalchemy import func, select

from sync import SyncError, compaction, tables

from .notes import ALICE, BOB, Device, make_engine
from .test_compaction import DAY_0, KEEP, Clock

WRITERS = 3
PUSHES = 8
OLD_NOTES = 40
WAIT = 60  # seconds a thread may take before the test fails instead of hanging


def test_compaction_during_concurrent_pushes_and_pulls_loses_nothing(sessions):
    clock = Clock(DAY_0)
    engine = make_engine(clock=clock)
    seeder = Device(engine, sessions, ALICE)
    old = [
        o["entity_id"]
        for o in seeder.push(*[seeder.command("note.create", text="old") for _ in range(OLD_NOTES)])[
            "outcomes"
        ]
    ]
    alive, deleted = old[::2], old[1::2]
    seeder.push(*[seeder.command("note.delete", note) for note in deleted])
    puller = Device(engine, sessions, BOB)
    held: dict[str, int] = {}
    cursor = follow(puller, None, held)
    clock.now = DAY_0 + timedelta(days=100)

    created: list[str] = []
    edits: Counter[str] = Counter()
    errors: list[BaseException] = []
    lock = threading.Lock()
    done = threading.Event()
    resets = []

    def write(index: int) -> None:
        try:
            device = Device(engine, sessions, ALICE)
            for round_ in range(PUSHES):
                target = alive[(index * PUSHES + round_) % len(alive)]
                grave = deleted[(index * PUSHES + round_) % len(deleted)]
                answer = device.push(
                    device.command("note.create", text=f"new {index}.{round_}"),
                    device.command("note.edit", target, text=f"edit {index}.{round_}"),
                    # A deleted note: not_found, but the push locks its tombstone while compaction runs.
                    device.command("note.edit", grave, text="too late"),
                )
                statuses = [(o["status"], o.get("code")) for o in answer["outcomes"]]
                assert statuses == [("applied", None), ("applied", None), ("rejected", "not_found")]
                with lock:
                    created.append(answer["outcomes"][0]["entity_id"])
                    edits[target] += 1
        except BaseException as error:  # reported in the main thread
            errors.append(error)

    def compact_repeatedly() -> None:
        try:
            while not done.is_set():
                with sessions() as session:
                    compaction.compact(session, clock(), KEEP, batch=3)
        except BaseException as error:
            errors.append(error)

    def pull_repeatedly() -> None:
        nonlocal cursor
        try:
            while not done.is_set():
                cursor = follow(puller, cursor, held, limit=4, resets=resets)
        except BaseException as error:
            errors.append(error)

    # Two compactors: every web worker runs the job, and a repeat or a second run must be harmless.
    helpers = [threading.Thread(target=compact_repeatedly) for _ in range(2)]
    helpers.append(threading.Thread(target=pull_repeatedly))
    writers = [threading.Thread(target=write, args=(index,)) for index in range(WRITERS)]
    for thread in helpers + writers:
        thread.start()
    for thread in writers:
        thread.join(WAIT)
    done.set()
    for thread in helpers:
        thread.join(WAIT)
    assert not any(thread.is_alive() for thread in helpers + writers), "a thread hung"
    assert not errors, errors

    with sessions() as session:
        compaction.compact(session, clock(), KEEP)
        tombstones = session.execute(
            select(func.count()).select_from(tables.entities).where(tables.entities.c.deleted.is_(True))
        ).scalar_one()
    assert tombstones == 0  # every old tombstone was dropped in the end
    follow(puller, cursor, held)
    current = {c["id"]: c["version"] for c in puller.pull_all()[0] if not c["deleted"]}
    assert held == current  # the puller that followed its cursor through compactions holds the server's state
    assert len(created) == WRITERS * PUSHES and set(created) <= set(current)
    assert set(current) == set(alive) | set(created)
    assert all(current[note] == 1 + edits[note] for note in alive)  # every edit applied exactly once


def follow(device: Device, cursor: str | None, held: dict[str, int], limit: int = 500, resets=None) -> str:
    """Pull to the end into held (id → version), starting over on reset_required; return the cursor."""
    while True:
        try:
            page = device.pull(cursor, limit)
        except SyncError as error:
            assert error.code == "reset_required"
            if resets is not None:
                resets.append(cursor)
            held.clear()
            cursor = None
            continue
        for change in page["changes"]:
            if change["deleted"]:
                held.pop(change["id"], None)
            else:
                held[change["id"]] = change["version"]
        cursor = page["cursor"]
        if not page["more"]:
            return cursor
