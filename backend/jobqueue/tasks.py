"""What the workers run: each job in the app context the worker opened (backend/jobqueue/worker.py)."""

from __future__ import annotations

import time
from collections import Counter

from flask import current_app

from .. import metrics
from . import triggers


def derived_job() -> dict:
    """Recompute every enterprise the pushes marked (the after-commit job); count what was recorded."""
    from ..derived.worker import drain_app

    triggers.starting("derived")
    return dict(drain_app(current_app._get_current_object()))


def fanout_job() -> dict:
    """Fan out every pending notice, then queue the deliveries it made; count both."""
    from sqlalchemy.orm import Session

    from ..extensions import db
    from ..notify.notice_fanout import fan_out_pending
    from .delivery_jobs import dispatch_due

    triggers.starting("fanout")
    with Session(db.engine) as session:
        done = Counter({"notice inboxes": fan_out_pending(session)})
        done.update(dispatch_due(session))
    return dict(done)


def periodic_job(name: str, slot: int) -> str:
    """Run one periodic job for its slot, unless a run of it is still going (the database lease says)."""
    from ..job_claims import Claims, owner_name
    from .schedule import periodic_jobs

    app = current_app._get_current_object()
    _every, function = periodic_jobs()[name]
    claims = Claims.for_app(app, owner_name())
    # The scheduler already made this slot's run unique; the claim only keeps two runs from overlapping.
    if not claims.claim(name, 0):
        return f"{name}: skipped, a run of it is still going"
    with claims.holding(name):
        started = time.perf_counter()
        try:
            result = function(app)
        except Exception:
            # Raised, not swallowed: RQ keeps the job in the failed registry (queue_stats counts it).
            metrics.count_job(name, time.perf_counter() - started, ok=False)
            raise
        metrics.count_job(name, time.perf_counter() - started, ok=True)
        return f"{name}: {result}"
