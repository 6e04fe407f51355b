"""SQLite has one writer: a process's threads queue for it on a lock, not in SQLite's sleeping busy handler.

SQLite's busy handler polls: a writer that finds the database locked sleeps 1, 2, 5, 10, 15, 20, 25, 25,
… ms and looks again, so it wakes up to 25 ms after the lock came free. In `make run` (one process, eight
threads) the derived job and the pushes hand the lock to each other many times a second: in the growth
bench at 100,000 records, 500-command pushes spent 4–6 ms each (mean) asleep in BEGIN IMMEDIATE; with
this lock, 0.03–0.9 ms. Threads of one process wait on a lock that wakes the next one as soon as the
writer's transaction ends. Other processes on the same file still meet SQLite's busy handler.
"""

from __future__ import annotations

import sqlite3
import threading

from sqlalchemy import event
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session

HELD_KEY = "sqlite_writer_lock"

_locks: dict[str, threading.Lock] = {}
_owners: dict[str, int] = {}
_guard = threading.Lock()
_installed = False


def acquire(session: Session, connection) -> None:
    """Take the process's write lock of this database for the session's transaction (released at its end).

    Waits as long as SQLite's busy timeout would, then fails as SQLite does ("database is locked"), which
    the push retries as passing trouble. A thread that already holds the lock through another session
    does not wait on itself: it goes straight to SQLite, as before.
    """
    install()
    database = connection.engine.url.database or ":memory:"
    with _guard:
        lock = _locks.setdefault(database, threading.Lock())
        if _owners.get(database) == threading.get_ident():
            return
    if not lock.acquire(blocking=False):
        wait = connection.exec_driver_sql("PRAGMA busy_timeout").scalar() / 1000
        if not lock.acquire(timeout=wait):
            raise OperationalError("BEGIN IMMEDIATE", None, sqlite3.OperationalError("database is locked"))
    with _guard:
        _owners[database] = threading.get_ident()
    session.info[HELD_KEY] = database


def release(session: Session) -> None:
    """Give the lock back if this session holds it (idempotent)."""
    database = session.info.pop(HELD_KEY, None)
    if database is None:
        return
    with _guard:
        _owners.pop(database, None)
    _locks[database].release()


def _after_transaction_end(session: Session, transaction) -> None:
    # Fired after the connection's COMMIT or ROLLBACK (commit, rollback, close); savepoints end earlier.
    if transaction.parent is None:
        release(session)


def install() -> None:
    """Release the lock whenever a session's outermost transaction ends."""
    global _installed
    if _installed:
        return
    with _guard:
        if not _installed:
            event.listen(Session, "after_transaction_end", _after_transaction_end)
            _installed = True
