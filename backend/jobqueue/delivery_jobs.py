"""Deliveries on the queue: due rows go out in small jobs, several at once; retries wait in RQ's schedule.

The database stays the one source of truth: a delivery is sent only by the worker whose claim
(deliveries.claim: a conditional UPDATE with a lease) wins, so a job run twice sends nothing twice, and
when to try again is outcomes.next_attempt (Retry-After, else the BACKOFF table; failed after
MAX_ATTEMPTS). RQ only carries the wake-up: a retry is enqueued with enqueue_at for the row's
next_attempt_at. A marker per (delivery, attempts) keeps the dispatcher from queueing a row again while
a job for that attempt waits; should a job be lost, its marker expires and the dispatcher queues the row
again (the claim's lease makes a row whose worker died due again after deliveries.LEASE).
"""

from __future__ import annotations

from collections import Counter
from datetime import datetime, timedelta

from flask import Flask, current_app
from sqlalchemy import select

from ..models import Delivery
from ..models.delivery import OPEN_STATUSES
from ..models.types import utcnow
from .connection import DELIVERIES, job_id, key, queue, redis_connection

# Deliveries per job: small, so a burst spreads over every worker process at once.
BATCH = 5
# Rows one dispatch looks at (the next finds the rest); the oldest due go first.
DISPATCH_LIMIT = 5000
# A marker outlives its job's due time by this: a job waiting longer than that may be queued twice
# (harmless: the claim decides), a lost one is queued again this soon.
MARKER_MARGIN = timedelta(minutes=10)
# RQ's schedule keeps whole seconds: wake a retry this much after its row is due, never before.
WAKE_LATE = timedelta(seconds=1)
RESULT_SECONDS = 60
FAILURE_SECONDS = 7 * 86400
TASK = "backend.jobqueue.delivery_jobs.deliver_job"

# The time deliveries are judged by (tests move it).
clock = utcnow


def dispatch_due(session, now: datetime | None = None, app: Flask | None = None) -> Counter:
    """Queue every due delivery not already waiting in a job, BATCH to a job; count those queued."""
    app = app or current_app
    now = now or clock()
    due = session.execute(
        select(Delivery.id, Delivery.attempts)
        .where(Delivery.status.in_(OPEN_STATUSES), Delivery.next_attempt_at <= now)
        .order_by(Delivery.next_attempt_at, Delivery.id)
        .limit(DISPATCH_LIMIT)
    ).all()
    session.commit()
    fresh = _mark(app, [(row.id, row.attempts) for row in due], MARKER_MARGIN)
    deliveries = queue(DELIVERIES, app)
    with redis_connection(app).pipeline() as pipeline:
        for start in range(0, len(fresh), BATCH):
            deliveries.enqueue(TASK, fresh[start : start + BATCH], pipeline=pipeline, **_options(app))
        pipeline.execute()
    return Counter({"deliveries queued": len(fresh)})


def deliver_job(ids: list[int]) -> dict:
    """Send the deliveries this worker claims; schedule each retry for when its row says; count them."""
    from ..extensions import db
    from ..notify.deliveries import deliver_ids

    now = clock()
    results = deliver_ids(db.session, ids, now)
    retrying = [result.delivery_id for result in results if result.status == "retry"]
    scheduled = schedule_retries(db.session, retrying, now)
    return {"attempted": len(results), "sent": sum(r.ok for r in results), "retries scheduled": scheduled}


def schedule_retries(session, ids: list[int], now: datetime, app: Flask | None = None) -> int:
    """Enqueue a job at each retrying row's next_attempt_at (its own backoff); return how many."""
    if not ids:
        return 0
    app = app or current_app
    rows = session.execute(
        select(Delivery.id, Delivery.attempts, Delivery.next_attempt_at).where(
            Delivery.id.in_(ids), Delivery.status == "retry"
        )
    ).all()
    session.commit()
    deliveries, scheduled = queue(DELIVERIES, app), 0
    for row in rows:
        wake = row.next_attempt_at + WAKE_LATE
        if _mark(app, [(row.id, row.attempts)], (wake - now) + MARKER_MARGIN):
            deliveries.enqueue_at(wake, TASK, [row.id], **_options(app))
            scheduled += 1
    return scheduled


def _mark(app: Flask, rows: list[tuple[int, int]], lifetime: timedelta) -> list[int]:
    """Set the marker of each (delivery, attempts) not yet set; return the ids whose marker this set."""
    if not rows:
        return []
    seconds = max(1, int(lifetime.total_seconds()))
    with redis_connection(app).pipeline(transaction=False) as pipeline:
        for delivery_id, attempts in rows:
            pipeline.set(key("delivery", delivery_id, attempts, app=app), "1", nx=True, ex=seconds)
        taken = pipeline.execute()
    return [delivery_id for (delivery_id, _), won in zip(rows, taken, strict=True) if won]


def _options(app: Flask) -> dict:
    return {
        "job_id": job_id("delivery", app),
        "result_ttl": RESULT_SECONDS,
        "failure_ttl": FAILURE_SECONDS,
    }
