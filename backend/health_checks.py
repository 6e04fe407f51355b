"""The health check's probes: the database, Redis and the blob store, each timed, none able to hang it."""

from __future__ import annotations

import logging
import time
from collections.abc import Callable

from flask import Flask
from sqlalchemy import text

from .extensions import db

log = logging.getLogger(__name__)

# A dead Redis answers nothing: wait this long for its connection and its answer, then report it down.
REDIS_TIMEOUT_SECONDS = 1.0
# PostgreSQL: longest a health probe's statement may run (the probe is `select 1`).
DATABASE_STATEMENT_MS = 2000


def timed(probe: Callable[[], None]) -> dict:
    """Run one probe: {status: ok, ms}, or {status: error, ms, error} naming the failure (logged in full)."""
    started = time.perf_counter()
    try:
        probe()
    except Exception as problem:
        ms = round((time.perf_counter() - started) * 1000, 1)
        log.warning("health probe %s failed: %s", probe.__name__, problem)
        return {"status": "error", "ms": ms, "error": describe(problem)}
    return {"status": "ok", "ms": round((time.perf_counter() - started) * 1000, 1)}


def describe(problem: Exception) -> str:
    """Name a failure by its type only: anyone may read /health, and messages carry hosts, buckets, paths."""
    return type(problem).__name__


def check_database() -> dict:
    """Ask the database for `select 1`, within a short statement timeout on PostgreSQL."""

    def database() -> None:
        try:
            if db.engine.dialect.name == "postgresql":
                db.session.execute(text(f"SET LOCAL statement_timeout = {DATABASE_STATEMENT_MS}"))
            db.session.execute(text("select 1"))
        finally:
            db.session.rollback()

    return timed(database)


def check_redis(app: Flask) -> dict:
    """Ping Redis when REDIS_URL is set; else say it is not configured."""
    if not app.config.get("REDIS_URL"):
        return {"status": "not configured"}

    def redis() -> None:
        redis_client(app).ping()

    return timed(redis)


def redis_client(app: Flask):
    """Return the health check's own Redis client: short timeouts, made once per app."""
    client = app.extensions.get("health_redis")
    if client is None:
        from redis import Redis
        from redis.backoff import NoBackoff
        from redis.retry import Retry

        client = Redis.from_url(
            app.config["REDIS_URL"],
            socket_connect_timeout=REDIS_TIMEOUT_SECONDS,
            socket_timeout=REDIS_TIMEOUT_SECONDS,
            retry=Retry(NoBackoff(), 0),  # one try: the probe reports, the next probe tries again
        )
        app.extensions["health_redis"] = client
    return client


def check_storage(app: Flask) -> dict:
    """Ask the blob store to check itself (a cheap probe, never a scan); unknown when it cannot."""
    store = app.extensions.get("blob_store")
    check = getattr(store, "check", None)
    if check is None:
        return {"status": "unknown"}

    def storage() -> None:
        check()

    return timed(storage)


def check_all(app: Flask) -> tuple[bool, dict]:
    """Run every probe; tell whether every configured part is ok, and each part's result."""
    checks = {"database": check_database(), "redis": check_redis(app), "storage": check_storage(app)}
    healthy = all(result["status"] != "error" for result in checks.values())
    return healthy, checks
