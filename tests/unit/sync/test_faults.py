"""Failures that are not the sender's: transient database errors retried whole, never a stored rejection."""

from __future__ import annotations

import sqlite3
import threading

import psycopg
import pytest
from psycopg import errors as pg
from sqlalchemy import create_engine, func, select, text
from sqlalchemy.exc import DataError, IntegrityError, OperationalError, ProgrammingError, SQLAlchemyError
from sqlalchemy.exc import TimeoutError as PoolTimeout
from sqlalchemy.orm import sessionmaker

import sync
from sync import CommandContext, faults, tables
from tests.databases import postgres_schema

from .notes import ALICE, BOB, Device, make_engine, new_id

WAIT = 2  # seconds a hook waits for the other push before going on alone


def wrapped(driver_error: Exception, kind=OperationalError) -> Exception:
    """Wrap a driver error the way SQLAlchemy raises it."""
    return kind("UPDATE sync_entities …", {}, driver_error)


def deadlock() -> Exception:
    return wrapped(pg.DeadlockDetected("deadlock detected"))


@pytest.mark.parametrize(
    ("error", "transient"),
    [
        (deadlock(), True),
        (wrapped(pg.SerializationFailure("could not serialize access")), True),
        (wrapped(psycopg.OperationalError("server closed the connection unexpectedly")), True),
        (wrapped(pg.AdminShutdown("terminating connection")), True),
        (wrapped(sqlite3.OperationalError("database is locked")), True),
        (PoolTimeout("QueuePool limit of size 5 overflow 10 reached"), True),
        (wrapped(sqlite3.OperationalError("no such table: sync_entities")), False),
        (wrapped(pg.UniqueViolation("duplicate key"), IntegrityError), False),
        (wrapped(pg.StringDataRightTruncation("value too long"), DataError), False),
        (wrapped(pg.UndefinedTable("relation does not exist"), ProgrammingError), False),
        (RuntimeError("handler crashed"), False),
    ],
)
def test_transient_errors_are_told_from_bugs(error, transient):
    assert faults.is_transient(error) is transient


def test_an_error_raised_from_a_deadlock_is_transient():
    try:
        try:
            raise deadlock()
        except OperationalError as cause:
            raise RuntimeError("while saving") from cause
    except RuntimeError as error:
        assert faults.is_transient(error)


def test_retrying_stops_after_three_attempts_with_short_pauses():
    pauses, calls = [], []

    def always_deadlocked():
        calls.append(1)
        raise deadlock()

    with pytest.raises(OperationalError):
        faults.retrying(always_deadlocked, sleep=pauses.append)
    assert len(calls) == faults.ATTEMPTS == 3
    assert len(pauses) == 2 and all(0 < pause < 0.2 for pause in pauses)


def test_retrying_does_not_repeat_a_bug():
    calls = []

    def buggy():
        calls.append(1)
        raise KeyError("x")

    with pytest.raises(KeyError):
        faults.retrying(buggy, sleep=lambda _: None)
    assert len(calls) == 1


def test_a_handler_error_in_an_unusable_transaction_is_not_stored_as_a_rejection():
    class BrokenSession:
        def execute(self, _statement):
            raise SQLAlchemyError("current transaction is aborted")

    command = sync.Command(1, new_id(), "note.explode", new_id(), None, {})
    with pytest.raises(RuntimeError):
        faults.server_error(BrokenSession(), command, RuntimeError("handler crashed"))


def rows(sessions, table) -> int:
    with sessions() as session:
        return session.execute(select(func.count()).select_from(table)).scalar_one()


def test_a_deadlock_in_a_handler_reruns_the_whole_push_once(sessions, monkeypatch):
    monkeypatch.setattr(faults.time, "sleep", lambda _: None)
    calls = []

    def deadlocked_once(_ctx: CommandContext) -> None:
        calls.append(1)
        if len(calls) == 1:
            raise deadlock()

    alice = Device(make_engine({"flaky": deadlocked_once}), sessions, ALICE)
    note = new_id()
    answer = alice.push(
        alice.command("note.create", note, text="a"), alice.command("note.hook", hook="flaky")
    )
    assert [(o["status"], o["version"]) for o in answer["outcomes"]] == [("applied", 1), ("applied", 1)]
    assert len(calls) == 2
    assert (rows(sessions, tables.commands), rows(sessions, tables.entities)) == (2, 2)


def test_a_deadlock_that_persists_propagates_and_writes_nothing(sessions, monkeypatch):
    monkeypatch.setattr(faults.time, "sleep", lambda _: None)

    def deadlocked(_ctx: CommandContext) -> None:
        raise deadlock()

    alice = Device(make_engine({"stuck": deadlocked}), sessions, ALICE)
    with pytest.raises(OperationalError):
        alice.push(alice.command("note.create", text="a"), alice.command("note.hook", hook="stuck"))
    assert [rows(sessions, table) for table in (tables.commands, tables.entities, tables.clients)] == [
        0,
        0,
        0,
    ]


@pytest.fixture
def pg_sessions():
    """Sessions on a fresh PostgreSQL schema with the sync tables."""
    with postgres_schema() as (url, connect_args):
        database = create_engine(url, connect_args=connect_args, pool_size=6)
        sync.metadata.create_all(database)
        yield sessionmaker(database)
        database.dispose()


@pytest.mark.postgres
def test_pushes_touching_the_same_entities_in_opposite_order_do_not_deadlock(pg_sessions, monkeypatch):
    """Each push's first command holds its entity while the other's does; then each wants the other's."""
    monkeypatch.setattr(faults, "ATTEMPTS", 1)  # the lock order must do it alone, not the retry
    meeting = threading.Barrier(2)

    def meet(_ctx: CommandContext) -> None:
        try:
            meeting.wait(WAIT)
        except threading.BrokenBarrierError:
            pass  # the other push waits for this one's locks: go on alone

    engine = make_engine({"meet": meet})
    alice, bob = Device(engine, pg_sessions, ALICE), Device(engine, pg_sessions, BOB)
    first, second = new_id(), new_id()
    alice.push(alice.command("note.create", first, text="1"), alice.command("note.create", second, text="2"))
    bodies = {
        alice: [alice.command("note.hook", first, hook="meet"), alice.command("note.edit", second, text="a")],
        bob: [bob.command("note.hook", second, hook="meet"), bob.command("note.edit", first, text="b")],
    }
    answers, errors = {}, []

    def push(device: Device) -> None:
        try:
            answers[device] = device.push(*bodies[device])
        except Exception as error:  # reported below
            errors.append(error)

    threads = [threading.Thread(target=push, args=(device,)) for device in bodies]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(4 * WAIT)
    assert errors == []
    assert all(o["status"] == "applied" for answer in answers.values() for o in answer["outcomes"])
    with pg_sessions() as session:
        versions = session.execute(select(tables.entities.c.id, tables.entities.c.version)).all()
    assert sorted(version for _, version in versions) == [3, 3]


@pytest.mark.postgres
def test_a_connection_lost_mid_push_is_retried_on_a_new_one(pg_sessions, monkeypatch):
    monkeypatch.setattr(faults.time, "sleep", lambda _: None)
    calls = []

    def lose_connection(ctx: CommandContext) -> None:
        calls.append(1)
        if len(calls) == 1:
            ctx.session.execute(text("SELECT pg_terminate_backend(pg_backend_pid())"))

    alice = Device(make_engine({"drop": lose_connection}), pg_sessions, ALICE)
    note = new_id()
    answer = alice.push(alice.command("note.create", note, text="a"), alice.command("note.hook", hook="drop"))
    assert [(o["status"], o["version"]) for o in answer["outcomes"]] == [("applied", 1), ("applied", 1)]
    assert len(calls) == 2
    assert (rows(pg_sessions, tables.commands), rows(pg_sessions, tables.entities)) == (2, 2)
