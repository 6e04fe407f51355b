"""queue_health and queue_stats: what /api/v1/health and /metrics read of the queue, cheaply."""

from __future__ import annotations

import socket

from backend.jobqueue import queue_health, queue_stats
from backend.jobqueue.connection import DELIVERIES, JOBS, queue, queue_name

from .conftest import work


def test_health_is_true_when_redis_answers_and_false_when_it_does_not(queued_app):
    with queued_app.app_context():
        assert queue_health() is True
    with socket.socket() as closed:
        closed.bind(("127.0.0.1", 0))
        port = closed.getsockname()[1]
    queued_app.config["REDIS_URL"] = f"redis://127.0.0.1:{port}/0"  # nothing listens there now
    queued_app.extensions.pop("redis", None)
    with queued_app.app_context():
        assert queue_health() is False


def test_stats_count_waiting_and_failed_jobs_per_queue(queued_app):
    with queued_app.app_context():
        empty = {"depth": 0, "failed": 0, "scheduled": 0, "started": 0}
        assert queue_stats() == {queue_name(JOBS): empty, queue_name(DELIVERIES): empty}
        for number in range(3):
            queue(DELIVERIES).enqueue(
                "backend.jobqueue.no_such_task", job_id=f"{queued_app.config['QUEUE_PREFIX']}-broken-{number}"
            )
        assert queue_stats()[queue_name(DELIVERIES)]["depth"] == 3
    work(queued_app)
    with queued_app.app_context():
        assert queue_stats()[queue_name(DELIVERIES)] == {**empty, "failed": 3}
        assert queue_stats()[queue_name(JOBS)] == empty
