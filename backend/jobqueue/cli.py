"""`flask jobs worker` and `flask jobs scheduler`: the two processes a deployment with REDIS_URL runs."""

from __future__ import annotations

import signal
import threading

import click
from flask import current_app
from flask.cli import AppGroup


def add_queue_commands(jobs_group: AppGroup) -> None:
    """Add the worker and scheduler commands to `flask jobs`."""

    @jobs_group.command("worker")
    @click.option("--processes", type=click.IntRange(min=1), default=1, show_default=True)
    @click.option("--burst", is_flag=True, help="Quit once the queues are empty (tests, one-off runs).")
    def jobs_worker(processes: int, burst: bool) -> None:
        """Run queued jobs (needs REDIS_URL): derived state, notice fan-out, deliveries, periodic runs."""
        from .worker import run_workers

        app = _queued_app()
        run_workers(app, processes=processes, burst=burst)

    @jobs_group.command("scheduler")
    def jobs_scheduler() -> None:
        """Enqueue every periodic job at its interval (needs REDIS_URL); a second scheduler only stands by."""
        from ..job_claims import owner_name
        from .schedule import Scheduler

        app = _queued_app()
        stop = threading.Event()
        for number in (signal.SIGINT, signal.SIGTERM):
            signal.signal(number, lambda *_: stop.set())
        owner = owner_name()
        click.echo(f"scheduler {owner}: queues {app.config['QUEUE_PREFIX']}-*, stop with Ctrl-C or SIGTERM")
        Scheduler(app, owner).run(stop)


def _queued_app():
    app = current_app._get_current_object()
    if not app.config.get("REDIS_URL"):
        raise click.UsageError("REDIS_URL is not set: without it the jobs run inside the web processes")
    return app
