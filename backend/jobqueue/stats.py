"""What an operator watches of the queue: does Redis answer, how deep is each queue, how many jobs failed."""

from __future__ import annotations

from flask import Flask, current_app

from .connection import QUEUES, queue, queue_enabled, queue_name, redis_connection


def queue_health(app: Flask | None = None) -> bool | None:
    """Ping Redis: True when it answers, False when not, None when the deployment has no REDIS_URL."""
    app = app or current_app
    if not queue_enabled(app):
        return None
    try:
        return bool(redis_connection(app).ping())
    except Exception:
        return False


def queue_stats(app: Flask | None = None) -> dict[str, dict[str, int]]:
    """Return {queue name: {depth, failed, scheduled, started}} in one round trip ({} without REDIS_URL)."""
    app = app or current_app
    if not queue_enabled(app):
        return {}
    connection = redis_connection(app)
    queues = [queue(kind, app, connection) for kind in QUEUES]
    with connection.pipeline(transaction=False) as pipeline:
        for each in queues:
            pipeline.llen(each.key)
            registries = (each.failed_job_registry, each.scheduled_job_registry, each.started_job_registry)
            for registry in registries:
                pipeline.zcard(registry.key)
        counts = pipeline.execute()
    names = ("depth", "failed", "scheduled", "started")
    return {
        queue_name(kind, app): dict(zip(names, counts[4 * index : 4 * index + 4], strict=True))
        for index, kind in enumerate(QUEUES)
    }
