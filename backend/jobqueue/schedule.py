"""`flask jobs scheduler`: enqueue each periodic job once per interval, whichever scheduler process runs.

Exactly one scheduler enqueues: they elect a leader by a Redis key with a lease (renewed every tick,
taken over once a dead leader's lease lapses). Should two ever believe they lead (a leader paused past
its lease), each run is still enqueued once: its slot (the interval it belongs to, counted from the epoch)
is taken with SET NX before the job is enqueued. On a worker, the database claim (job_claims.py) keeps
two runs of one job from overlapping.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable

from flask import Flask

from .connection import JOBS, job_id, key, queue, redis_connection

log = logging.getLogger(__name__)

# A leader that stops renewing loses the lead this long after its last tick.
LEASE_SECONDS = 30
TICK_SECONDS = 1.0
# How often the queue dispatches due deliveries (the in-process notify tick sends them every 300 s).
DELIVERIES_EVERY = 15
# A periodic run may take this long on a worker before RQ stops it (a compaction of a large history).
PERIODIC_TIMEOUT = 3600
TASK = "backend.jobqueue.tasks.periodic_job"

LEAD = """
if redis.call('get', KEYS[1]) == ARGV[1] then
  redis.call('pexpire', KEYS[1], ARGV[2])
  return 1
end
if redis.call('set', KEYS[1], ARGV[1], 'NX', 'PX', ARGV[2]) then return 1 end
return 0
"""
RESIGN = "if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('del', KEYS[1]) end return 0"


def periodic_jobs() -> dict[str, tuple[int, Callable[[Flask], object]]]:
    """Return the queue's periodic jobs: backend/jobs.py's, whose tick queues the due deliveries."""
    from ..jobs import JOBS as IN_PROCESS

    return {
        **IN_PROCESS,
        "notify tick": (IN_PROCESS["notify tick"][0], queued_notify_tick),
        "deliveries": (DELIVERIES_EVERY, dispatch_deliveries),
    }


def queued_notify_tick(app: Flask) -> object:
    """Send the reminders and digests due now, and queue the due deliveries for the workers."""
    from ..extensions import db
    from ..notify.cli import notify_tick
    from .delivery_jobs import dispatch_due

    with app.app_context():
        try:
            return notify_tick(db.session, send_due=lambda session, now: dispatch_due(session, now, app))
        finally:
            db.session.remove()


def dispatch_deliveries(app: Flask) -> object:
    """Queue every due delivery that no job carries yet."""
    from ..extensions import db
    from .delivery_jobs import dispatch_due

    with app.app_context():
        try:
            return dispatch_due(db.session, app=app)
        finally:
            db.session.remove()


class Scheduler:
    """One scheduler process: leads when it holds the lease, and then enqueues the runs that are due."""

    def __init__(self, app: Flask, owner: str, jobs: dict | None = None, lease_seconds=LEASE_SECONDS):
        self.app, self.owner = app, owner
        # name → seconds between runs
        self.jobs = jobs if jobs is not None else {name: job[0] for name, job in periodic_jobs().items()}
        self.lease_ms = int(lease_seconds * 1000)
        self.connection = redis_connection(app)
        self.leader_key = key("scheduler", "leader", app=app)

    def leads(self) -> bool:
        """Take or renew the lead; tell whether this scheduler leads now."""
        return bool(self.connection.eval(LEAD, 1, self.leader_key, self.owner, self.lease_ms))

    def resign(self) -> None:
        """Give up the lead (if held), so another scheduler takes over at once."""
        self.connection.eval(RESIGN, 1, self.leader_key, self.owner)

    def tick(self, now: float | None = None) -> list[tuple[str, int]]:
        """Enqueue, if leading, each job whose current slot has no run yet; return the (job, slot) pairs."""
        if not self.leads():
            return []
        now = time.time() if now is None else now
        enqueued = []
        jobs = queue(JOBS, self.app)
        for name, every in self.jobs.items():
            slot = int(now // every)
            taken = key("periodic", name.replace(" ", "-"), slot, app=self.app)
            if not self.connection.set(taken, self.owner, nx=True, ex=int(every) + 60):
                continue
            jobs.enqueue(
                TASK,
                name,
                slot,
                job_id=job_id("periodic", self.app),
                job_timeout=PERIODIC_TIMEOUT,
                result_ttl=max(60, int(every)),
                failure_ttl=7 * 86400,
            )
            enqueued.append((name, slot))
        return enqueued

    def run(self, stop: threading.Event) -> None:
        """Tick every second until stop is set; a Redis outage is logged and retried on the next tick."""
        log.info("scheduler %s: started", self.owner)
        try:
            while not stop.is_set():
                try:
                    for name, slot in self.tick():
                        log.info("scheduler %s: enqueued %s (slot %d)", self.owner, name, slot)
                except Exception:
                    log.exception("scheduler %s: tick failed", self.owner)
                stop.wait(TICK_SECONDS)
        finally:
            try:
                self.resign()
            except Exception:
                log.exception("scheduler %s: could not resign the lead", self.owner)
            log.info("scheduler %s: stopped", self.owner)
