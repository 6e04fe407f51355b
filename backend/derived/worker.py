"""Runs the derived job: after each push's commit (in-process or queued), from the periodic job or the CLI."""

from __future__ import annotations

import logging
import threading
import time
from collections import Counter

from flask import Flask

from sync.store import begin_writes

from . import MODULES, clock, marks
from .refresh import refresh
from .schedule import reschedule

log = logging.getLogger(__name__)

BATCH = 20
# After a push wakes the job, it waits this long for more pushes to coalesce into one recomputation (a
# burst of pushes costs one drain a second, not one each); with a drain of an enterprise of 100,000
# records taking a few hundred milliseconds, a change is pullable within 2 s of its push.
COALESCE_SECONDS = 1.0


def drain(session, engine, batch: int = BATCH) -> Counter:
    """Recompute every marked enterprise, a batch per transaction, until no mark is left; count entities."""
    recorded: Counter = Counter()
    while True:
        # SQLite: take the write lock before reading, as a push does; a read transaction that later
        # writes while a push holds the lock fails at once with "database is locked" instead of waiting.
        begin_writes(session)
        try:
            only = marks.take(session, batch)
            if not only:
                session.commit()
                return recorded
            recorded += refresh(session, engine, sorted(only), only)
            recorded["enterprises"] += len(only)
            # Their next time-driven day follows from what is stored now; where only some derived types
            # were recomputed, the day may only move earlier (one never computed yet is still owed).
            today, every = clock.today_in_shanghai(), {module.ENTITY for module in MODULES}
            whole = sorted(e for e, types in only.items() if types >= every)
            reschedule(session, whole, today)
            reschedule(session, sorted(set(only) - set(whole)), today, partial=True)
            session.commit()
        except BaseException:
            session.rollback()
            raise


def drain_app(app: Flask) -> Counter:
    """Drain in the app's context with its own session scope."""
    from ..extensions import db
    from ..sync_setup import sync_engine

    with app.app_context():
        try:
            return drain(db.session, sync_engine())
        finally:
            db.session.remove()


class Worker:
    """One thread per process that drains marks whenever a push has committed some (coalescing bursts)."""

    def __init__(self, app: Flask):
        self.app = app
        self.wake = threading.Event()
        self.thread: threading.Thread | None = None
        self.lock = threading.Lock()
        self.running = False

    def poke(self) -> None:
        """Ask for a drain soon; starts the thread on first use."""
        with self.lock:
            if self.thread is None or not self.thread.is_alive():
                self.thread = threading.Thread(target=self._loop, name="derived job", daemon=True)
                self.thread.start()
        self.wake.set()

    def wait_idle(self, timeout: float = 30.0) -> bool:
        """Wait until no drain runs or is asked for (benches and shutdown); tell whether it got there."""
        deadline = time.monotonic() + timeout
        while self.wake.is_set() or self.running:
            if time.monotonic() > deadline:
                return False
            time.sleep(0.01)
        return True

    def _loop(self) -> None:
        while True:
            self.wake.wait()
            self.running = True
            time.sleep(COALESCE_SECONDS)
            self.wake.clear()
            try:
                drain_app(self.app)
            except Exception:
                log.exception("derived job failed; the marks stay for the next run")
            finally:
                self.running = False


def init_worker(app: Flask, engine) -> None:
    """Run the derived job after every push that changed something, as DERIVED_AFTER_PUSH says."""
    mode = app.config.get("DERIVED_AFTER_PUSH", "thread")
    if mode == "inline":

        def run_now(actor, changes) -> None:
            from ..extensions import db

            drain(db.session, engine)

        engine.after_commit.append(run_now)
    elif mode == "queue":
        from ..jobqueue.triggers import request_after_commit

        # One job waits on the Redis queue however many pushes commit meanwhile (jobqueue/triggers.py).
        engine.after_commit.append(lambda actor, changes: request_after_commit("derived", app))
    elif mode == "thread":
        worker = Worker(app)
        app.extensions["derived_worker"] = worker
        engine.after_commit.append(lambda actor, changes: worker.poke())
