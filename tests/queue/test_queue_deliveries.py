"""Deliveries on the queue: sent concurrently by worker processes, each once, retried on the backoff table."""

from __future__ import annotations

import time
import uuid
from datetime import UTC, datetime, timedelta
from urllib.parse import parse_qs

from rq.job import Job
from sqlalchemy import select

from backend.extensions import db
from backend.jobqueue import delivery_jobs, queue_stats
from backend.jobqueue.connection import DELIVERIES, queue, queue_name, redis_connection
from backend.models import Delivery, OfficeChannel
from backend.notify.deliveries import LEASE, claim, queue_office_message
from backend.notify.outcomes import BACKOFF, MAX_ATTEMPTS

from ..notify.fake_robots import FakeRobots
from ..notify.servers import Answer
from ..people import seed_people
from .conftest import finish, start_worker, wait_for, waiting, work, worker_env, workers_listening

T0 = datetime(2026, 12, 1, 1, 0, tzinfo=UTC)


class SlowRobots(FakeRobots):
    """WeCom robots that take `delay` seconds to answer; record which channel asked, and when."""

    def __init__(self, delay: float = 0.0, status: int = 200):
        self.delay, self.status = delay, status
        self.arrivals: list[tuple[str, float]] = []
        super().__init__()

    def handle(self, path, query, headers, body) -> Answer:
        channel = parse_qs(query)["channel"][0]
        with self.lock:
            self.arrivals.append((channel, time.monotonic()))
        time.sleep(self.delay)
        if self.status != 200:
            return Answer(self.status)
        return super().handle(path, query, headers, body)


def office_deliveries(app, robots: SlowRobots, count: int, now: datetime | None = None) -> list[int]:
    """Give enterprise A `count` WeCom channels on the fake robots and queue one message to each."""
    with app.app_context():
        enterprise = seed_people()["A"]
        for number in range(count):
            url = f"{robots.url('wecom')}&channel={number}"
            db.session.add(
                OfficeChannel(id=str(uuid.uuid4()), enterprise_id=enterprise, kind="wecom", url=url)
            )
        db.session.flush()
        rows = queue_office_message(
            db.session, enterprise, "digest:a", "每日安全摘要", ["一行"], "/", now=now
        )
        db.session.commit()
        return [row.id for row in rows]


def delivery_rows(app) -> list[Delivery]:
    with app.app_context():
        rows = db.session.scalars(select(Delivery).order_by(Delivery.id)).all()
        db.session.expunge_all()
        return rows


def test_deliveries_go_out_concurrently_and_once_each_with_two_workers_racing(pg_queued, tmp_path):
    app, url = pg_queued
    robots = SlowRobots(delay=0.5)
    env = worker_env(app, url, tmp_path)
    # Two `flask jobs worker --processes 2`, as two hosts would run them: four processes in all.
    workers = [start_worker(env, tmp_path, f"worker-{n}", processes=2, burst=False) for n in range(2)]
    try:
        wait_for(lambda: workers_listening(app) == 4, what="four workers listening")
        # Queued a few seconds ago: due for a worker whose clock runs a little behind this process's (under
        # tests/timeshift every process starts its own shifted clock, one ~0.2 s behind another).
        ids = office_deliveries(app, robots, 20, now=datetime.now(UTC) - timedelta(seconds=5))
        with app.app_context():
            assert delivery_jobs.dispatch_due(db.session)["deliveries queued"] == 20
            assert delivery_jobs.dispatch_due(db.session)["deliveries queued"] == 0  # already waiting
            # As if their markers had expired: every delivery is put in a second job.
            redis_connection().delete(*redis_connection().keys(f"{app.config['QUEUE_PREFIX']}:delivery:*"))
            assert delivery_jobs.dispatch_due(db.session)["deliveries queued"] == 20
        wait_for(lambda: all(row.status == "sent" for row in delivery_rows(app)), what="every delivery sent")
        with app.app_context():
            wait_for(lambda: queue_stats()[queue_name(DELIVERIES)]["depth"] == 0, what="the queue emptied")
    finally:
        for process in workers:
            process.terminate()  # SIGTERM: each pool stops its workers once their job is done
        robots.close()
    for number, process in enumerate(workers):
        finish(process, tmp_path, f"worker-{number}")
    # Each channel got its message once, though two jobs carried each delivery.
    assert sorted(int(channel) for channel, _ in robots.arrivals) == list(range(20))
    assert len(robots.messages) == 20
    rows = delivery_rows(app)
    assert [(row.id, row.status, row.attempts) for row in rows] == [(i, "sent", 1) for i in ids]
    # Four processes sending side by side: several requests were waiting on the robot at once, and the
    # 20 half-second answers took far less than the 10 s that sending one after another cannot beat.
    times = sorted(moment for _, moment in robots.arrivals)
    in_flight = max(sum(1 for t in times if now - robots.delay < t <= now) for now in times)
    span = times[-1] - times[0] + robots.delay
    assert in_flight >= 3, f"at most {in_flight} deliveries at once"
    assert span < 0.6 * 20 * robots.delay, f"20 deliveries took {span:.2f} s"
    with app.app_context():
        assert queue_stats()[queue_name(DELIVERIES)] == {
            "depth": 0,
            "failed": 0,
            "scheduled": 0,
            "started": 0,
        }
        assert workers_listening(app) == 0


def test_a_failing_robot_is_retried_on_the_backoff_table_then_failed(queued_app, monkeypatch):
    queued_app.config["OUTBOUND_ALLOW_LOOPBACK_FOR_TESTS"] = True
    robots = SlowRobots(status=503)
    now = [T0]
    monkeypatch.setattr(delivery_jobs, "clock", lambda: now[0])
    waits = []
    try:
        [delivery_id] = office_deliveries(queued_app, robots, 1, now=T0)
        with queued_app.app_context():
            delivery_jobs.dispatch_due(db.session)
            scheduled = queue(DELIVERIES).scheduled_job_registry
            for attempt in range(1, MAX_ATTEMPTS + 1):
                assert work(queued_app)
                row = db.session.get(Delivery, delivery_id, populate_existing=True)
                db.session.commit()
                assert row.attempts == attempt and len(robots.arrivals) == attempt
                if attempt == MAX_ATTEMPTS:
                    break
                assert row.status == "retry"
                # RQ holds one job, due just after the row's next attempt (the backoff of outcomes.py).
                [job_id] = scheduled.get_job_ids()
                job = Job.fetch(job_id, connection=redis_connection())
                wake = scheduled.get_scheduled_time(job)
                assert wake == row.next_attempt_at + delivery_jobs.WAKE_LATE
                waits.append(int((row.next_attempt_at - now[0]).total_seconds()))
                # The clock reaches that time; RQ's scheduler moves the job to the queue.
                now[0] = row.next_attempt_at
                scheduled.remove(job)
                queue(DELIVERIES).enqueue_job(job)
                # Meanwhile a dispatch finds the row due but already carried by that job: nothing more queued.
                assert delivery_jobs.dispatch_due(db.session)["deliveries queued"] == 0
    finally:
        robots.close()
    assert waits == list(BACKOFF[: MAX_ATTEMPTS - 1])  # 30 s, 2 min, 10 min, 1 h, 3 h, 6 h, 12 h
    [row] = delivery_rows(queued_app)
    assert (row.status, row.attempts, row.next_attempt_at) == ("failed", MAX_ATTEMPTS, None)
    assert waiting(queued_app) == {"jobs": [], "deliveries": []}
    with queued_app.app_context():
        assert scheduled.get_job_ids() == []


def test_a_delivery_whose_worker_died_is_queued_again_once_its_lease_lapses(queued_app, monkeypatch):
    queued_app.config["OUTBOUND_ALLOW_LOOPBACK_FOR_TESTS"] = True
    robots = SlowRobots()
    now = [T0]
    monkeypatch.setattr(delivery_jobs, "clock", lambda: now[0])
    try:
        [delivery_id] = office_deliveries(queued_app, robots, 1, now=T0)
        with queued_app.app_context():
            assert delivery_jobs.dispatch_due(db.session)["deliveries queued"] == 1
            assert claim(db.session, delivery_id, T0)  # a worker took it, then was killed before sending
            queue(DELIVERIES).empty()
            now[0] = T0 + LEASE - timedelta(seconds=1)
            assert delivery_jobs.dispatch_due(db.session)["deliveries queued"] == 0  # its lease holds
            now[0] = T0 + LEASE
            assert delivery_jobs.dispatch_due(db.session)["deliveries queued"] == 1
        assert work(queued_app)
    finally:
        robots.close()
    [row] = delivery_rows(queued_app)
    assert (row.status, row.attempts, len(robots.messages)) == ("sent", 2, 1)
