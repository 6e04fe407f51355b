"""The Redis connection and the queues of a deployment, named after its QUEUE_PREFIX."""

from __future__ import annotations

import uuid
from typing import TYPE_CHECKING

from flask import Flask, current_app

if TYPE_CHECKING:
    from redis import Redis
    from rq import Queue

# Derived state, fan-out and periodic jobs; deliveries wait apart, so a backlog of them is its own depth.
JOBS, DELIVERIES = "jobs", "deliveries"
QUEUES = (JOBS, DELIVERIES)
# A web process gives up on Redis after this long: a push has committed and must answer regardless.
SOCKET_TIMEOUT = 5


def queue_enabled(app: Flask | None = None) -> bool:
    """Tell whether this deployment runs its jobs on the Redis queue (REDIS_URL is set)."""
    return bool((app or current_app).config.get("REDIS_URL"))


def redis_connection(app: Flask | None = None, blocking: bool = False) -> Redis:
    """Return the app's Redis client, made on first use (blocking: no read timeout, for workers)."""
    from redis import Redis

    app = app or current_app
    key = "redis_blocking" if blocking else "redis"
    client = app.extensions.get(key)
    if client is None:
        timeout = None if blocking else SOCKET_TIMEOUT
        client = Redis.from_url(
            app.config["REDIS_URL"], socket_connect_timeout=SOCKET_TIMEOUT, socket_timeout=timeout
        )
        app.extensions[key] = client
    return client


def queue_name(kind: str, app: Flask | None = None) -> str:
    """Return the deployment's name of a queue: prefix and kind."""
    return f"{(app or current_app).config['QUEUE_PREFIX']}-{kind}"


def queue(kind: str, app: Flask | None = None, connection: Redis | None = None) -> Queue:
    """Return one of the deployment's queues."""
    from rq import Queue

    app = app or current_app
    return Queue(queue_name(kind, app), connection=connection or redis_connection(app))


def key(*parts: object, app: Flask | None = None) -> str:
    """Return a Redis key of ours: the prefix, then the parts."""
    return ":".join([(app or current_app).config["QUEUE_PREFIX"], *map(str, parts)])


def job_id(kind: str, app: Flask | None = None) -> str:
    """Return a fresh job id carrying the prefix (RQ's keys then all hold it: tests clean up by it)."""
    return f"{(app or current_app).config['QUEUE_PREFIX']}-{kind}-{uuid.uuid4().hex}"
