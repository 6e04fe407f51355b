"""Periodic jobs, run once per interval per deployment: every process may loop, the database claim decides."""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable

from flask import Flask

from . import metrics
from .job_claims import Claims, owner_name

log = logging.getLogger(__name__)

# name → (seconds between runs, job(app)); every job is idempotent: redoing a dead holder's run is harmless.
JOBS: dict[str, tuple[int, Callable[[Flask], object]]] = {}
# How often a waiting process asks whether a job is claimable: a dead holder's run is retried this soon.
POLL_SECONDS = 30


def job(name: str, every_seconds: int):
    """Register a periodic job."""

    def register(function: Callable[[Flask], object]):
        JOBS[name] = (every_seconds, function)
        return function

    return register


@job("cadence tick", every_seconds=3600)
def cadence_tick(app: Flask) -> object:
    """Recompute the derived entities of the enterprises whose schedule day has come."""
    from .derived.tick import tick
    from .extensions import db
    from .sync_setup import sync_engine

    with app.app_context():
        try:
            return tick(db.session, sync_engine())
        finally:
            db.session.remove()


@job("derived marks", every_seconds=60)
def derived_marks(app: Flask) -> object:
    """Recompute enterprises still marked (a crashed process's, another host's): the after-push safety net."""
    from .derived.worker import drain_app

    return drain_app(app)


@job("notify tick", every_seconds=300)
def notify_tick(app: Flask) -> object:
    """Send the reminders and digests due now, then every due delivery (claims make repeats harmless)."""
    from .extensions import db
    from .notify.cli import notify_tick as tick

    with app.app_context():
        try:
            return tick(db.session)
        finally:
            db.session.remove()


@job("blob sweep", every_seconds=3600)
def blob_sweep(app: Flask) -> object:
    """Delete resumable uploads left untouched for a day."""
    from .blob_setup import sweep_partials

    with app.app_context():
        return sweep_partials()


@job("sync compact", every_seconds=86400)
def sync_compact(app: Flask) -> object:
    """Forget sync history older than SYNC_RETENTION_DAYS (idempotent; a repeat finds nothing to do)."""
    from .sync_compaction import compact_now

    with app.app_context():
        return compact_now()


def run_once(app: Flask, name: str) -> object:
    """Run one registered job now, logging (not raising) its failure; count the run for /metrics."""
    started = time.perf_counter()
    try:
        result = JOBS[name][1](app)
    except Exception:
        log.exception("job %s failed", name)
        metrics.count_job(name, time.perf_counter() - started, ok=False)
        return None
    metrics.count_job(name, time.perf_counter() - started, ok=True)
    return result


def run_if_claimed(app: Flask, claims: Claims, name: str) -> bool:
    """Run a job when this process wins its claim for the current interval; tell whether it ran."""
    every = JOBS[name][0]
    if not claims.claim(name, every):
        return False
    with claims.holding(name):
        run_once(app, name)
    return True


def start(
    app: Flask, stop: threading.Event | None = None, claims: Claims | None = None
) -> list[threading.Thread]:
    """Start one daemon thread per job; each runs the job whenever it wins the claim, until stop is set."""
    stop = stop or threading.Event()
    claims = claims or Claims.for_app(app, owner_name())
    threads = []
    for name, (every, _function) in JOBS.items():

        def loop(name=name, every=every):
            while not stop.is_set():
                try:
                    run_if_claimed(app, claims, name)
                except Exception:  # the database may be away for a while; the next poll tries again
                    log.exception("job %s: claim failed", name)
                stop.wait(min(every, POLL_SECONDS))

        thread = threading.Thread(target=loop, name=f"job: {name}", daemon=True)
        thread.start()
        threads.append(thread)
    return threads
