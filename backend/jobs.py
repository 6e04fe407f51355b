"""In-process periodic jobs for the embedded default (`make run`); at scale, cron runs the same CLI ticks."""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable

from flask import Flask

log = logging.getLogger(__name__)

# name → (seconds between runs, job(app)); every job is idempotent, so a repeat or a second host is harmless.
JOBS: dict[str, tuple[int, Callable[[Flask], object]]] = {}


def job(name: str, every_seconds: int):
    """Register a periodic job."""

    def register(function: Callable[[Flask], object]):
        JOBS[name] = (every_seconds, function)
        return function

    return register


@job("cadence tick", every_seconds=3600)
def cadence_tick(app: Flask) -> object:
    """Recompute derived entities (obligation states change with the date)."""
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
    """Run one registered job now, logging (not raising) its failure."""
    try:
        return JOBS[name][1](app)
    except Exception:
        log.exception("job %s failed", name)
        return None


def start(app: Flask, stop: threading.Event | None = None) -> list[threading.Thread]:
    """Start one daemon thread per job; each runs at once, then every interval, until stop is set."""
    stop = stop or threading.Event()
    threads = []
    for name, (every, _function) in JOBS.items():

        def loop(name=name, every=every):
            while not stop.is_set():
                run_once(app, name)
                stop.wait(every)

        thread = threading.Thread(target=loop, name=f"job: {name}", daemon=True)
        thread.start()
        threads.append(thread)
    return threads
