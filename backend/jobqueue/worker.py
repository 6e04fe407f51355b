"""`flask jobs worker`: RQ workers that run each job inside the app context, one or a pool of processes.

A worker runs its jobs in its own process (RQ's SimpleWorker, no fork per job): the app, its database
pool and its Redis connection are made once per process and reused by every job. Several processes
(`--processes N`, RQ's WorkerPool) run jobs side by side and are restarted if one dies. Each worker also
runs RQ's scheduler for the delayed jobs (delivery retries); RQ's own lock lets only one of them move
due jobs at a time.
"""

from __future__ import annotations

import logging

from flask import Flask
from rq import SimpleWorker
from rq.worker_pool import WorkerPool

from .connection import QUEUES, queue_name, redis_connection

log = logging.getLogger(__name__)


class AppWorker(SimpleWorker):
    """An RQ worker whose jobs run in the Flask app's context, each with a fresh database session."""

    # The app a pool's forked processes inherit (WorkerPool makes its workers without our arguments).
    app: Flask | None = None

    def __init__(self, *args, app: Flask | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.app = app or type(self).app

    def subscribe(self):
        """Listen for RQ's commands (shutdown, kill) as RQ does, waking each second instead of each minute.

        RQ's listener blocks up to 60 s in one read, and stopping the worker waits for that read to end:
        every burst run and every restart took a minute longer.
        """
        self.pubsub = self.connection.pubsub()
        self.pubsub.subscribe(**{self.pubsub_channel_name: self.handle_payload})
        self.pubsub_thread = self.pubsub.run_in_thread(
            sleep_time=1, daemon=True, exception_handler=self._pubsub_exception_handler
        )

    def perform_job(self, job, queue, execution):
        """Run the job in the app's context and leave no session open behind it."""
        from ..extensions import db

        with self.app.app_context():
            try:
                return super().perform_job(job, queue, execution)
            finally:
                db.session.remove()


def queue_names(app: Flask) -> list[str]:
    """Return the queues a worker serves, the after-commit and periodic jobs first."""
    return [queue_name(kind, app) for kind in QUEUES]


def run_workers(app: Flask, processes: int = 1, burst: bool = False) -> None:
    """Work the deployment's queues with this many processes; with burst, return once they are empty."""
    from ..extensions import db

    connection = redis_connection(app, blocking=True)
    with app.app_context():
        db.engine.dispose()  # forked processes open connections of their own
    if processes == 1:
        worker = AppWorker(queue_names(app), connection=connection, app=app)
        worker.work(burst=burst, with_scheduler=True)
        return
    AppWorker.app = app
    pool = WorkerPool(queue_names(app), connection=connection, num_workers=processes, worker_class=AppWorker)
    pool.start(burst=burst)
