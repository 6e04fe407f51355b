"""On PostgreSQL, transactions that commit out of order never make a puller following its cursor skip one."""

from __future__ import annotations

import random
import threading
import time

import pytest
from sqlalchemy import BigInteger, Column, Identity, MetaData, String, Table, create_engine, insert, select
from sqlalchemy.orm import sessionmaker

import sync
from sync import Change, tables
from tests.databases import postgres_schema

from .notes import ALICE, BOB, Device, make_engine, new_id

pytestmark = pytest.mark.postgres
SCOPE = "enterprise:ent-a"
WAIT = 10  # seconds any barrier may take before the test fails instead of hanging


@pytest.fixture
def pg_sessions():
    """Sessions on a fresh PostgreSQL schema with the sync tables."""
    with postgres_schema() as (url, connect_args):
        database = create_engine(url, connect_args=connect_args, pool_size=12)
        sync.metadata.create_all(database)
        yield sessionmaker(database)
        database.dispose()


def note(entity_id: str, text: str) -> Change:
    return Change("note", entity_id, SCOPE, {"text": text})


def test_an_insert_time_sequence_would_skip_the_row_that_commits_last(pg_sessions):
    """The naive way: rows numbered when inserted, read as "id > cursor"."""
    log = Table(
        "naive_log", MetaData(), Column("id", BigInteger, Identity(), primary_key=True), Column("v", String)
    )
    log.create(pg_sessions.kw["bind"])
    early, late, reader = pg_sessions(), pg_sessions(), pg_sessions()
    early.execute(insert(log).values(v="started first"))  # takes id 1
    late.execute(insert(log).values(v="started second"))  # takes id 2
    late.commit()
    seen = reader.execute(select(log.c.id).where(log.c.id > 0)).scalars().all()
    reader.commit()
    early.commit()
    after = reader.execute(select(log.c.id).where(log.c.id > max(seen))).scalars().all()
    assert (seen, after) == ([2], [])  # id 1 committed behind the cursor: skipped for good
    for session in (early, late, reader):
        session.close()


def test_a_transaction_started_later_and_committed_earlier_is_not_skipped(pg_sessions):
    engine = make_engine()
    puller = Device(engine, pg_sessions, ALICE)
    first, second = new_id(), new_id()
    early, late = pg_sessions(), pg_sessions()
    engine.record_change(early, note(first, "started first"))
    early.flush()
    engine.record_change(late, note(second, "started second"))
    late.commit()
    page = puller.pull()
    assert [c["id"] for c in page["changes"]] == [second]
    early.commit()
    assert [c["id"] for c in puller.pull(page["cursor"])["changes"]] == [first]
    early.close()
    late.close()


def test_a_push_waiting_mid_way_does_not_hold_back_other_commits(pg_sessions):
    """Writer A's push applies a command, then waits until writer B has committed; a puller runs between."""
    a_applied, b_committed = threading.Event(), threading.Event()

    def wait_for_b(_ctx):
        a_applied.set()
        if not b_committed.wait(WAIT):
            raise AssertionError("writer B could not commit while writer A's push was open")

    engine = make_engine({"wait_for_b": wait_for_b})
    alice, bob, puller = (
        Device(engine, pg_sessions, ALICE),
        Device(engine, pg_sessions, BOB),
        Device(engine, pg_sessions, ALICE),
    )
    first, waiting = new_id(), new_id()
    answers: dict[str, object] = {}

    def writer_a():
        try:
            answers["a"] = alice.push(
                alice.command("note.create", first, text="a1"),
                alice.command("note.hook", waiting, hook="wait_for_b"),
            )
        except BaseException as error:  # reported by the main thread
            answers["a"] = error
            a_applied.set()

    thread = threading.Thread(target=writer_a)
    thread.start()
    assert a_applied.wait(WAIT)
    b_note = bob.do("note.create", text="b1")["entity_id"]
    page = puller.pull()
    b_committed.set()
    thread.join(WAIT)
    assert not isinstance(answers["a"], BaseException), answers["a"]
    assert [c["id"] for c in page["changes"]] == [b_note]
    later = puller.pull(page["cursor"])
    assert sorted(c["id"] for c in later["changes"]) == sorted([first, waiting])


def test_many_writers_committing_out_of_order_never_make_a_puller_skip(pg_sessions):
    """4 writers x 50 transactions (record_change and pushes, random commit delays), one puller following."""
    rng = random.Random(20261129)
    engine = make_engine()
    pool = [new_id() for _ in range(24)]
    with pg_sessions() as session:
        for entity_id in pool:
            engine.record_change(session, note(entity_id, "v1"))
        session.commit()
    done = threading.Event()
    failures: list[BaseException] = []
    seen: set[tuple[str, int]] = set()

    def writer(index: int, seed: int):
        local = random.Random(seed)
        device = Device(engine, pg_sessions, ALICE)
        try:
            for n in range(50):
                chosen = sorted(local.sample(pool, local.randint(1, 3)))  # one lock order: no deadlocks
                if n % 3 == 0:
                    device.push(*[device.command("note.edit", e, text=f"w{index}.{n}") for e in chosen])
                    continue
                with pg_sessions() as session:
                    for entity_id in chosen:
                        engine.record_change(session, note(entity_id, f"w{index}.{n}"))
                    session.flush()
                    time.sleep(local.random() * 0.004)  # others start, write and commit meanwhile
                    session.commit()
        except BaseException as error:
            failures.append(error)

    def puller():
        device = Device(engine, pg_sessions, ALICE)
        cursor = None
        try:
            while True:
                finished = done.is_set()
                page = device.pull(cursor, rng.randint(1, 7))
                seen.update((c["id"], c["version"]) for c in page["changes"])
                cursor = page["cursor"]
                if finished and not page["more"]:
                    return
        except BaseException as error:
            failures.append(error)

    started = time.monotonic()
    writers = [threading.Thread(target=writer, args=(i, rng.random())) for i in range(4)]
    reader = threading.Thread(target=puller)
    for thread in [*writers, reader]:
        thread.start()
    for thread in writers:
        thread.join(60)
    done.set()
    reader.join(60)
    assert not failures, failures
    assert time.monotonic() - started < 30
    with pg_sessions() as session:
        final = {
            tuple(row) for row in session.execute(select(tables.entities.c.id, tables.entities.c.version))
        }
    assert len(final) == len(pool)
    assert max(version for _, version in final) > 5
    assert final - seen == set()
