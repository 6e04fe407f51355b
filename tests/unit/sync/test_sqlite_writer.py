"""Threads of one process take SQLite's write lock in turn on our lock, released when a transaction ends."""

from __future__ import annotations

import threading

import pytest
from sqlalchemy import create_engine, func, insert, select, text
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session, sessionmaker

import sync
from sync import faults, sqlite_writer, tables
from sync.store import begin_writes


@pytest.fixture
def sessions(tmp_path):
    engine = create_engine(f"sqlite:///{tmp_path / 'w.db'}", connect_args={"timeout": 30})
    sync.metadata.create_all(engine)
    yield sessionmaker(engine)
    engine.dispose()


def _holds(session: Session) -> bool:
    return sqlite_writer.HELD_KEY in session.info


def _bump(session: Session, position: int) -> None:
    session.execute(insert(tables.counter).values(id=position, position=position, horizon=0))


def _rows(sessions) -> int:
    with sessions() as session:
        return session.execute(select(func.count()).select_from(tables.counter)).scalar_one()


@pytest.mark.parametrize("end", ["commit", "rollback", "close"])
def test_the_lock_is_held_from_begin_writes_until_the_transaction_ends(sessions, end):
    session = sessions()
    begin_writes(session)
    _bump(session, 1)
    assert _holds(session)
    with session.begin_nested():  # a savepoint's end does not give the lock back
        _bump(session, 2)
    assert _holds(session)
    getattr(session, end)()
    assert not _holds(session)
    # Free again: another session takes it without waiting.
    other = sessions()
    begin_writes(other)
    assert _holds(other)
    other.rollback()
    assert _rows(sessions) == (2 if end == "commit" else 0)


def test_a_second_thread_waits_for_the_first_writers_commit_then_writes(sessions):
    first = sessions()
    begin_writes(first)
    _bump(first, 1)
    seen, started, done = [], threading.Event(), threading.Event()

    def second() -> None:
        with sessions() as session:
            started.set()
            begin_writes(session)
            # The first writer's row is visible: this transaction began after its commit.
            seen.append(session.execute(select(func.count()).select_from(tables.counter)).scalar_one())
            _bump(session, 2)
            session.commit()
        done.set()

    thread = threading.Thread(target=second)
    thread.start()
    assert started.wait(10)
    assert not done.wait(0.3)  # still queued behind the first writer
    first.commit()
    thread.join(10)
    assert seen == [1] and _rows(sessions) == 2


def test_one_thread_with_two_sessions_does_not_wait_on_itself(sessions):
    first, second = sessions(), sessions()
    begin_writes(first)
    _bump(first, 1)
    first.commit()
    begin_writes(first)
    # The same thread opening another writer goes straight to SQLite (which is busy): no deadlock on our
    # lock, and SQLite's own answer after its busy timeout.
    second.connection().exec_driver_sql("PRAGMA busy_timeout = 50")
    with pytest.raises(OperationalError, match="database is locked"):
        begin_writes(second)
    assert not _holds(second)
    second.close()
    first.rollback()
    assert not _holds(first)


def test_waiting_past_the_busy_timeout_fails_as_sqlite_busy_which_is_retried(sessions):
    first = sessions()
    begin_writes(first)
    errors = []

    def second() -> None:
        with sessions() as session:
            session.connection().exec_driver_sql("PRAGMA busy_timeout = 100")
            try:
                begin_writes(session)
            except OperationalError as error:
                errors.append(error)
            assert not _holds(session)

    thread = threading.Thread(target=second)
    thread.start()
    thread.join(10)
    first.rollback()
    assert len(errors) == 1 and faults.is_transient(errors[0])
    # Nothing is left held: the next writer goes ahead.
    with sessions() as session:
        begin_writes(session)
        session.execute(text("SELECT 1"))
        session.commit()
