"""Prometheus metrics the app records: request latency, push outcomes, periodic job runs.

Under gunicorn, PROMETHEUS_MULTIPROC_DIR (set by gunicorn.conf.py before this module is imported) makes
every worker write its samples to files there, and a scrape of any worker sums them all. Recording is a
counter increment or a histogram observation: nothing here waits on I/O.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from prometheus_client import Counter, Histogram

# Request latency up to the slowest answers a phone waits for (a 500-command push, a large export).
LATENCY_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30)
METHODS = frozenset({"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"})

REQUEST_SECONDS = Histogram(
    "anquan_http_request_duration_seconds",
    "Time from the request's arrival in the app to its answer, by route, method and status class.",
    ("endpoint", "method", "status"),
    buckets=LATENCY_BUCKETS,
)
PUSH_COMMANDS = Counter(
    "anquan_push_commands_total",
    "Commands a push applied or rejected (replays of stored outcomes not counted), by type and code.",
    ("type", "status", "code"),
)
JOB_RUNS = Counter(
    "anquan_job_runs_total",
    "Periodic job runs in this deployment's processes, by job and outcome (ok or failed).",
    ("job", "outcome"),
)
JOB_SECONDS = Histogram(
    "anquan_job_duration_seconds",
    "Time a periodic job run took, by job.",
    ("job",),
    buckets=(0.01, 0.1, 0.5, 1, 5, 15, 60, 300, 1800),
)


def observe_request(rule: str | None, method: str, status: int, seconds: float) -> None:
    """Record one answered request under its route (never its raw path, which holds ids)."""
    REQUEST_SECONDS.labels(
        endpoint=rule or "unmatched",
        method=method if method in METHODS else "other",
        status=f"{status // 100}xx",
    ).observe(seconds)


def count_push(body: Any, outcomes: Iterable[Mapping[str, Any]], known_types: set[str]) -> None:
    """Count a push's fresh outcomes by command type, status and rejection code."""
    commands = body.get("commands") if isinstance(body, dict) else None
    types: dict[Any, str] = {}
    for command in commands if isinstance(commands, list) else ():
        if isinstance(command, dict) and isinstance(command.get("seq"), int):
            kind = command.get("type")
            types[command["seq"]] = kind if kind in known_types else "other"
    for outcome in outcomes:
        if outcome.get("replayed"):
            continue
        status = outcome.get("status")
        if status not in ("applied", "rejected"):
            status = "other"
        code = str(outcome.get("code") or "") if status == "rejected" else ""
        PUSH_COMMANDS.labels(type=types.get(outcome.get("seq"), "other"), status=status, code=code).inc()


def count_job(name: str, seconds: float, ok: bool) -> None:
    """Record one periodic job run."""
    JOB_RUNS.labels(job=name, outcome="ok" if ok else "failed").inc()
    JOB_SECONDS.labels(job=name).observe(seconds)
