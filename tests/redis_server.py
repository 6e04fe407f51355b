"""The real Redis of the tests (127.0.0.1:6379): skipped locally when it does not answer, required in CI."""

from __future__ import annotations

import os
import socket
import uuid
from collections.abc import Iterator
from contextlib import contextmanager

import pytest

from .databases import IN_CI

REDIS_URL = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/0")


def redis_answers() -> bool:
    """Tell whether Redis answers a ping."""
    from redis import Redis

    try:
        return bool(Redis.from_url(REDIS_URL, socket_connect_timeout=1, socket_timeout=1).ping())
    except Exception:
        return False


def require_redis() -> str:
    """Return the Redis URL; skip when none answers, except in CI, where that is a failure."""
    if redis_answers():
        return REDIS_URL
    if IN_CI:
        pytest.fail(f"Redis must answer at {REDIS_URL} in CI")
    pytest.skip("no Redis answers here")


@contextmanager
def silent_server():
    """Yield the URL of a port that accepts connections and never answers: a hung Redis."""
    with socket.socket() as listener:
        listener.bind(("127.0.0.1", 0))
        listener.listen(16)
        yield f"redis://127.0.0.1:{listener.getsockname()[1]}/0"


def refused_url() -> str:
    """Return the URL of a port nothing listens on: a Redis that is down."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    return f"redis://127.0.0.1:{port}/0"


def forget_prefix(prefix: str) -> int:
    """Delete every key holding the prefix (ours and RQ's), and our queues from RQ's list; count keys."""
    from redis import Redis

    client = Redis.from_url(REDIS_URL)
    try:
        found = list(client.scan_iter(match=f"*{prefix}*", count=1000))
        if found:
            client.delete(*found)
        ours = [name for name in client.smembers("rq:queues") if prefix.encode() in name]
        if ours:
            client.srem("rq:queues", *ours)
        return len(found)
    finally:
        client.close()


@contextmanager
def queue_prefix() -> Iterator[str]:
    """Yield a QUEUE_PREFIX no other test or deployment uses; delete its keys afterwards."""
    require_redis()
    prefix = f"test{uuid.uuid4().hex[:12]}"
    try:
        yield prefix
    finally:
        forget_prefix(prefix)
