"""A real gunicorn of 2 workers: each scrape sums both workers; the logs are JSON with request ids."""

from __future__ import annotations

import json
import os
import re
import signal
import time
import urllib.request

from prometheus_client.parser import text_string_to_metric_families

from ..live_server import live_server

ROUTE = "/api/v1/push/public-key"
REQUESTS = 40


def get(url: str, request_id: str | None = None) -> tuple[int, dict, bytes]:
    """GET on a new connection (so the kernel may hand it to either worker)."""
    headers = {"X-Request-ID": request_id} if request_id else {}
    with urllib.request.urlopen(urllib.request.Request(url, headers=headers), timeout=10) as answer:
        return answer.status, dict(answer.headers), answer.read()


def route_count(base: str) -> float:
    """Return the number of answered GETs of ROUTE that one scrape reports."""
    _, _, body = get(base + "/metrics")
    for family in text_string_to_metric_families(body.decode()):
        for sample in family.samples:
            if sample.name == "anquan_http_request_duration_seconds_count" and sample.labels == {
                "endpoint": ROUTE,
                "method": "GET",
                "status": "2xx",
            }:
                return sample.value
    return 0.0


def worker_pids(folder) -> set[int]:
    return {int(m.group(1)) for p in folder.iterdir() if (m := re.match(r"histogram_(\d+)\.db$", p.name))}


def test_two_workers_one_sum_and_json_logs_with_request_ids(tmp_path):
    metrics_dir = tmp_path / "metrics"
    metrics_dir.mkdir()
    (metrics_dir / "counter_999999.db").write_bytes(b"left by an earlier run")
    env = {
        "METRICS_ENABLED": "true",
        "PROMETHEUS_MULTIPROC_DIR": str(metrics_dir),
        "LOG_FORMAT": "json",
        "GUNICORN_CMD_ARGS": "--access-logfile -",
        "JOBS_IN_PROCESS": "0",
    }
    with live_server(tmp_path, extra_env=env, workers=2) as base:
        assert not (metrics_dir / "counter_999999.db").exists()  # cleared at start
        for number in range(REQUESTS):
            status, headers, _ = get(base + ROUTE, f"gunicorn-test-{number}")
            assert status == 200 and headers["X-Request-ID"] == f"gunicorn-test-{number}"
        pids = worker_pids(metrics_dir)
        assert len(pids) == 2, "both workers should have answered some of 40 new connections"
        # Whichever worker answers a scrape, it reports both workers' requests.
        assert [route_count(base) for _ in range(8)] == [REQUESTS] * 8
        # A worker killed outright: its requests stay counted; gunicorn starts another in its place.
        os.kill(min(pids), signal.SIGKILL)
        deadline = time.monotonic() + 20
        while len(worker_pids(metrics_dir) - {min(pids)}) < 2 and time.monotonic() < deadline:
            try:
                get(base + "/api/v1/health")
            except OSError:  # a connection the kernel gave the killed worker's socket (SO_REUSEPORT) is reset
                pass
            time.sleep(0.2)
        assert [route_count(base) for _ in range(4)] == [REQUESTS] * 4
    lines = [
        json.loads(line)
        for line in (tmp_path / "server.log").read_text().splitlines()
        if line.startswith("{")
    ]
    app_line = next(
        line
        for line in lines
        if line.get("request_id") == "gunicorn-test-7" and line["logger"] == "backend.requests"
    )
    assert app_line["method"] == "GET" and app_line["path"] == ROUTE and app_line["status"] == 200
    assert app_line["duration_ms"] >= 0
    access = next(
        line
        for line in lines
        if line.get("request_id") == "gunicorn-test-7" and line["logger"] == "gunicorn.access"
    )
    assert access["status"] == 200 and access["path"] == ROUTE and access["bytes"] > 0
    assert any(line["logger"] == "gunicorn.error" and "Booting worker" in line["message"] for line in lines)
