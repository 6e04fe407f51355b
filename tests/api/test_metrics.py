"""GET /metrics: off by default, token-guarded when set; latency by route, push outcomes, jobs, queues."""

from __future__ import annotations

import uuid

import pytest
from prometheus_client import REGISTRY
from prometheus_client.parser import text_string_to_metric_families

from backend import jobs

from ..redis_server import refused_url, require_redis

SHA = "ab" * 32


def scrape(client, **headers) -> dict:
    """Return {(sample name, sorted labels): value} of one scrape."""
    answer = client.get("/metrics", headers=headers)
    assert answer.status_code == 200, answer.get_data(as_text=True)
    assert answer.content_type.startswith("text/plain; version=0.0.4")
    samples = {}
    for family in text_string_to_metric_families(answer.get_data(as_text=True)):
        for sample in family.samples:
            samples[(sample.name, tuple(sorted(sample.labels.items())))] = sample.value
    return samples


def value(name: str, **labels) -> float:
    return REGISTRY.get_sample_value(name, labels) or 0.0


@pytest.fixture
def metered(app):
    app.config["METRICS_ENABLED"] = True
    return app


def test_metrics_are_absent_unless_switched_on(client, built_pwa):
    answer = client.get("/metrics")
    assert answer.status_code == 404 and b"<div id=app>" not in answer.get_data()


def test_a_token_guards_metrics_when_set(metered):
    metered.config["METRICS_TOKEN"] = "s3cret-token"
    client = metered.test_client()
    assert client.get("/metrics").status_code == 401
    assert client.get("/metrics", headers={"Authorization": "Bearer wrong"}).status_code == 401
    assert client.get("/metrics", headers={"Authorization": "Bearer s3cret-token"}).status_code == 200


def test_latency_is_recorded_by_route_never_by_raw_path(metered):
    client = metered.test_client()
    labels = {"endpoint": "/api/v1/blobs/<sha>", "method": "GET", "status": "4xx"}
    before = value("anquan_http_request_duration_seconds_count", **labels)
    client.get(f"/api/v1/blobs/{SHA}")  # 401: no token
    client.get("/api/v1/push/public-key")
    samples = scrape(client)
    key = ("anquan_http_request_duration_seconds_count", tuple(sorted(labels.items())))
    assert samples[key] == before + 1
    routes = {dict(labels)["endpoint"] for (name, labels) in samples if name.startswith("anquan_http")}
    assert "/api/v1/push/public-key" in routes and not any(SHA in route for route in routes)
    buckets = [dict(labels)["le"] for (name, labels) in samples if name.endswith("_bucket")]
    assert "0.05" in buckets and "+Inf" in buckets


def test_push_outcomes_are_counted_by_type_and_code_and_replays_are_not(metered, people):
    client = metered.test_client()
    device = _device(client, "worker-a1")
    report = device.command(
        "hazard.report", title="平台积水", location="2号转炉平台", severity="general", description=""
    )
    assign = device.command("hazard.assign", report["entity_id"], assignee_id=people["worker-a2"])
    applied = {"type": "hazard.report", "status": "applied", "code": ""}
    before_applied = value("anquan_push_commands_total", **applied)
    outcomes = device.push(report, assign)["outcomes"]
    assert [outcome["status"] for outcome in outcomes] == ["applied", "rejected"]
    rejected = {"type": "hazard.assign", "status": "rejected", "code": outcomes[1]["code"]}
    assert value("anquan_push_commands_total", **applied) == before_applied + 1
    counted = value("anquan_push_commands_total", **rejected)
    assert counted >= 1
    device.push(report, assign)  # a retry after a lost answer: replayed outcomes
    assert value("anquan_push_commands_total", **applied) == before_applied + 1
    assert value("anquan_push_commands_total", **rejected) == counted
    samples = scrape(client)
    assert samples[("anquan_push_commands_total", tuple(sorted(rejected.items())))] == counted


def test_an_unknown_command_type_is_counted_as_other(metered, people):
    device = _device(metered.test_client(), "worker-a1")
    labels = {"type": "other", "status": "rejected", "code": "unknown_type"}
    before = value("anquan_push_commands_total", **labels)
    outcome = device.push(device.command(f"made.up.{uuid.uuid4().hex}"))["outcomes"][0]
    assert outcome["code"] == "unknown_type"
    assert value("anquan_push_commands_total", **labels) == before + 1


def test_job_runs_and_failures_are_counted(metered, monkeypatch):
    def broken(app):
        raise RuntimeError("the job broke")

    monkeypatch.setitem(jobs.JOBS, "test ok", (60, lambda app: "done"))
    monkeypatch.setitem(jobs.JOBS, "test broken", (60, broken))
    assert jobs.run_once(metered, "test ok") == "done"
    assert jobs.run_once(metered, "test broken") is None
    samples = scrape(metered.test_client())
    assert samples[("anquan_job_runs_total", (("job", "test ok"), ("outcome", "ok")))] >= 1
    assert samples[("anquan_job_runs_total", (("job", "test broken"), ("outcome", "failed")))] >= 1
    assert samples[("anquan_job_duration_seconds_count", (("job", "test broken"),))] >= 1


def test_no_queue_metrics_without_redis(metered):
    assert not any(name.startswith("anquan_queue") for name, _ in scrape(metered.test_client()))


def test_a_dead_redis_reports_the_queue_down_and_the_rest_still_scrapes(metered):
    pytest.importorskip("backend.jobqueue.stats")
    metered.config["REDIS_URL"] = refused_url()
    samples = scrape(metered.test_client())
    assert samples[("anquan_queue_up", ())] == 0
    assert any(name.startswith("anquan_http") for name, _ in samples)


def test_queue_depth_and_failures_are_read_at_scrape_time(metered):
    pytest.importorskip("backend.jobqueue.stats")
    metered.config["REDIS_URL"] = require_redis()
    metered.config["QUEUE_PREFIX"] = f"test-metrics-{uuid.uuid4().hex[:8]}"
    samples = scrape(metered.test_client())
    assert samples[("anquan_queue_up", ())] == 1
    states = {dict(labels)["state"] for name, labels in samples if name == "anquan_queue_jobs"}
    assert {"queued", "failed"} <= states


def _device(client, username):
    from ..api_client import Device

    return Device(client, username)
