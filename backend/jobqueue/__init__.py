"""Jobs on a Redis queue (RQ) when REDIS_URL is set: web processes enqueue, `flask jobs worker` runs them.

Without REDIS_URL nothing here is imported on a request path and no Redis connection is ever opened.
"""

from .stats import queue_health, queue_stats

__all__ = ["queue_health", "queue_stats"]
