"""After-commit work on the queue, coalesced: one waiting job per kind, however many commits ask for it.

A commit sets the kind's marker (SET NX) and enqueues the job only if it set it; the job deletes the
marker before it starts working, so a commit landing while it works enqueues the next run, and a burst
of pushes while it waits enqueues nothing more. A marker whose job was lost expires by itself.
"""

from __future__ import annotations

import logging

from flask import Flask, current_app

from .connection import JOBS, job_id, key, queue, redis_connection

log = logging.getLogger(__name__)

# A marker outlives a lost job (Redis restarted, a worker killed before the job began) by this much at most;
# meanwhile the periodic safety nets (derived marks each minute, the notify tick) do the work.
PENDING_SECONDS = 600
# What each after-commit kind runs on a worker.
TASKS = {
    "derived": "backend.jobqueue.tasks.derived_job",
    "fanout": "backend.jobqueue.tasks.fanout_job",
}
# A job that raised (the database away for a moment) is tried again by RQ after these waits.
RETRY_INTERVALS = (5, 30)
RESULT_SECONDS = 60
FAILURE_SECONDS = 7 * 86400


def request(kind: str, app: Flask | None = None) -> bool:
    """Enqueue the kind's job unless one already waits; tell whether this call enqueued it."""
    from rq import Retry

    app = app or current_app
    connection = redis_connection(app)
    marker = key("pending", kind, app=app)
    if not connection.set(marker, "1", nx=True, ex=PENDING_SECONDS):
        return False
    try:
        queue(JOBS, app).enqueue(
            TASKS[kind],
            job_id=job_id(kind, app),
            retry=Retry(max=len(RETRY_INTERVALS), interval=list(RETRY_INTERVALS)),
            result_ttl=RESULT_SECONDS,
            failure_ttl=FAILURE_SECONDS,
        )
    except BaseException:
        connection.delete(marker)
        raise
    return True


def request_after_commit(kind: str, app: Flask) -> None:
    """Request the job from an after-commit hook: the commit stands, so a Redis failure is only logged."""
    try:
        request(kind, app)
    except Exception:
        log.exception("could not enqueue the %s job; the periodic safety net will do its work", kind)


def starting(kind: str) -> None:
    """Clear the kind's marker as its job begins: a commit from now on enqueues the next run."""
    redis_connection().delete(key("pending", kind))
