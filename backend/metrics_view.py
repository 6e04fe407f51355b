"""GET /metrics for Prometheus: absent (404) unless METRICS_ENABLED; behind METRICS_TOKEN when it is set."""

from __future__ import annotations

import hmac
import logging
import os

from flask import Blueprint, Flask, Response, abort, current_app, request
from prometheus_client import REGISTRY, CollectorRegistry
from prometheus_client.core import GaugeMetricFamily
from prometheus_client.exposition import choose_encoder
from prometheus_client.multiprocess import MultiProcessCollector

log = logging.getLogger(__name__)
blp = Blueprint("metrics", __name__)
# queue_stats() keys → the `state` label of anquan_queue_jobs.
QUEUE_STATES = {"depth": "queued", "failed": "failed", "scheduled": "scheduled", "started": "started"}


def init_metrics(app: Flask) -> None:
    """Serve /metrics (it answers 404 while METRICS_ENABLED is off, so the PWA's shell never does)."""
    app.register_blueprint(blp)


@blp.route("/metrics")
def metrics():
    """Answer the samples of every worker of this host, and the job queues' sizes."""
    config = current_app.config
    if not config.get("METRICS_ENABLED"):
        abort(404)
    token = config.get("METRICS_TOKEN")
    if token and not hmac.compare_digest(
        request.headers.get("Authorization", "").encode(), f"Bearer {token}".encode()
    ):
        headers = {"WWW-Authenticate": 'Bearer realm="metrics"'}
        return Response("unauthorized\n", 401, headers, content_type="text/plain; charset=utf-8")
    registry = scrape_registry(current_app._get_current_object())
    # The format the scraper asks for (OpenMetrics, text 1.0.0), else the text format every Prometheus reads.
    encode, content_type = choose_encoder(request.headers.get("Accept", ""))
    return Response(encode(registry), content_type=content_type)


def scrape_registry(app: Flask) -> CollectorRegistry:
    """Build this scrape's registry: every worker's files (multiprocess) or this process's samples."""
    registry = CollectorRegistry()
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        MultiProcessCollector(registry)
    else:
        registry.register(ProcessSamples())
    registry.register(QueueCollector(app))
    return registry


class ProcessSamples:
    """The default registry's samples (one process: `flask run`, tests)."""

    def collect(self):
        """Yield every metric this process recorded."""
        return REGISTRY.collect()


class QueueCollector:
    """The Redis job queues' sizes, read at scrape time (nothing without REDIS_URL)."""

    def __init__(self, app: Flask):
        self.app = app

    def collect(self):
        """Yield anquan_queue_up and, when Redis answered, anquan_queue_jobs by queue and state."""
        if not self.app.config.get("REDIS_URL"):
            return []
        try:
            from .jobqueue.stats import queue_stats
        except ImportError:  # a build without the queue package: nothing to report
            return []
        up = GaugeMetricFamily("anquan_queue_up", "1 when Redis answered this scrape's queue query.")
        try:
            stats = queue_stats(self.app)
        except Exception as problem:  # a dead Redis must not fail the scrape of everything else
            log.warning("queue stats unavailable: %s", problem)
            up.add_metric([], 0)
            return [up]
        up.add_metric([], 1)
        jobs = GaugeMetricFamily(
            "anquan_queue_jobs",
            "Jobs in each queue by state (queued, started, scheduled, failed).",
            labels=["queue", "state"],
        )
        for queue, counts in sorted(stats.items()):
            for key, value in counts.items():
                jobs.add_metric([queue, QUEUE_STATES.get(key, key)], value)
        return [up, jobs]
