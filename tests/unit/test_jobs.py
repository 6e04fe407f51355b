"""Periodic jobs: claimed in the database once per interval per deployment, taken over if the holder dies."""

from __future__ import annotations

import threading
import time
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from backend import config as app_config
from backend import create_app, jobs
from backend.extensions import db
from backend.job_claims import Claims
from backend.models import JobRun

from ..databases import postgres_schema

T0 = datetime(2026, 12, 1, 8, 0, tzinfo=UTC)


class Clock:
    """A movable now."""

    def __init__(self, now: datetime = T0):
        self.now = now

    def __call__(self) -> datetime:
        return self.now


def second_app(app, tmp_path):
    """Another app (another web worker) on the same SQLite file."""
    other = create_app(app_config.TestConfig(app.config["SQLALCHEMY_DATABASE_URI"], tmp_path))
    return other


def test_the_cadence_tick_is_a_registered_job():
    every, _ = jobs.JOBS["cadence tick"]
    assert every == 3600


def test_started_jobs_run_at_once_and_stop_when_asked(app, monkeypatch):
    ran = threading.Event()
    monkeypatch.setattr(jobs, "JOBS", {"probe": (3600, lambda app: ran.set())})
    stop = threading.Event()
    threads = jobs.start(app, stop)
    assert ran.wait(5)
    stop.set()
    for thread in threads:
        thread.join(5)
        assert not thread.is_alive()


def test_a_failing_job_is_logged_not_raised(monkeypatch, caplog):
    def broken(app):
        raise RuntimeError("boom")

    monkeypatch.setattr(jobs, "JOBS", {"broken": (60, broken)})
    assert jobs.run_once(object(), "broken") is None
    assert "job broken failed" in caplog.text


def test_a_claim_is_won_by_one_worker_per_interval(app, tmp_path):
    clock = Clock()
    first = Claims.for_app(app, "worker-1", clock=clock)
    second = Claims.for_app(second_app(app, tmp_path), "worker-2", clock=clock)
    assert first.claim("probe", 300) is True
    assert second.claim("probe", 300) is False  # held
    first.release("probe")
    assert second.claim("probe", 300) is False  # done for this interval
    clock.now = T0 + timedelta(seconds=299)
    assert first.claim("probe", 300) is False and second.claim("probe", 300) is False
    clock.now = T0 + timedelta(seconds=300)
    assert second.claim("probe", 300) is True
    assert first.claim("probe", 300) is False
    with app.app_context():
        row = db.session.get(JobRun, "probe")
        assert (row.owner, row.last_started_at) == ("worker-2", clock.now)


def test_a_dead_holders_lease_is_taken_over_and_its_run_redone(app, tmp_path):
    clock = Clock()
    dead = Claims.for_app(app, "dead", clock=clock, lease_seconds=60)
    alive = Claims.for_app(second_app(app, tmp_path), "alive", clock=clock, lease_seconds=60)
    assert dead.claim("probe", 3600) is True  # and the process dies without releasing
    clock.now = T0 + timedelta(seconds=59)
    assert alive.claim("probe", 3600) is False
    clock.now = T0 + timedelta(seconds=61)
    assert alive.claim("probe", 3600) is True  # the interval's run was never finished: owed at once
    assert dead.renew("probe") is False  # a holder that comes back finds it taken
    dead.release("probe")
    with app.app_context():
        row = db.session.get(JobRun, "probe")
        assert row.owner == "alive" and row.lease_until is not None and row.last_finished_at is None


def test_a_live_holder_keeps_its_lease_while_the_job_runs_longer_than_it(app, tmp_path):
    holder = Claims.for_app(app, "holder", lease_seconds=0.6)
    other = Claims.for_app(second_app(app, tmp_path), "other", lease_seconds=0.6)
    assert holder.claim("slow", 3600)
    with holder.holding("slow"):
        time.sleep(1.5)  # past two leases: the heartbeat renewed it
        assert other.claim("slow", 3600) is False
    with app.app_context():
        row = db.session.get(JobRun, "slow")
        assert row.lease_until is None and row.last_finished_at >= row.last_started_at


def _workers_run_a_job_once_per_interval(apps, monkeypatch) -> None:
    runs: list[float] = []
    running = threading.Lock()
    overlaps = []

    def probe(app):
        if not running.acquire(blocking=False):
            overlaps.append(1)
            return
        try:
            runs.append(time.monotonic())
            time.sleep(0.05)
        finally:
            running.release()

    monkeypatch.setattr(jobs, "JOBS", {"probe": (1, probe)})
    monkeypatch.setattr(jobs, "POLL_SECONDS", 0.05)
    stop = threading.Event()
    threads = [
        t for index, app in enumerate(apps) for t in jobs.start(app, stop, Claims.for_app(app, f"w{index}"))
    ]
    time.sleep(3.5)
    stop.set()
    for thread in threads:
        thread.join(5)
    # Four workers polling every 50 ms over 3.5 s: one run at 0 s, 1 s, 2 s, 3 s, never two at once.
    assert overlaps == []
    assert len(runs) == 4, runs
    assert all(b - a >= 0.95 for a, b in zip(runs, runs[1:], strict=False))


def test_four_workers_on_one_sqlite_file_run_a_job_once_per_interval(app, tmp_path, monkeypatch):
    apps = [app, *(second_app(app, tmp_path) for _ in range(3))]
    _workers_run_a_job_once_per_interval(apps, monkeypatch)


@pytest.mark.postgres
def test_four_workers_on_postgresql_run_a_job_once_per_interval(tmp_path, monkeypatch):
    with postgres_schema() as (url, connect_args):
        apps = []
        for _ in range(4):
            config = app_config.TestConfig(url, tmp_path)
            config.SQLALCHEMY_ENGINE_OPTIONS = {"connect_args": connect_args}
            apps.append(create_app(config))
        with apps[0].app_context():
            db.create_all()
        try:
            _workers_run_a_job_once_per_interval(apps, monkeypatch)
            clock = Clock()
            dead = Claims.for_app(apps[0], "dead", clock=clock, lease_seconds=60)
            alive = Claims.for_app(apps[1], "alive", clock=clock, lease_seconds=60)
            assert dead.claim("takeover", 3600) and not alive.claim("takeover", 3600)
            clock.now = T0 + timedelta(minutes=2)
            assert alive.claim("takeover", 3600)
            with apps[1].app_context():
                assert db.session.scalar(select(JobRun.owner).where(JobRun.name == "takeover")) == "alive"
        finally:
            for app in apps:
                with app.app_context():
                    db.session.remove()
                    db.engine.dispose()
