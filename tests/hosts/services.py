"""The stores every host shares besides PostgreSQL: a bucket on the S3 server, a queue prefix on Redis."""

from __future__ import annotations

import time
import uuid
from contextlib import ExitStack
from types import SimpleNamespace

from tests.redis_server import REDIS_URL, forget_prefix, require_redis
from tests.s3_server import client_for, create_bucket, remove_bucket, running_s3_server, s3_settings

JOB_SECONDS = 60


def shared_stores(stack: ExitStack) -> dict[str, str]:
    """Start the S3 server with a bucket and take a queue prefix; return the settings naming them."""
    require_redis()
    prefix = f"hosts{uuid.uuid4().hex[:12]}"
    stack.callback(forget_prefix, prefix)
    endpoint = stack.enter_context(running_s3_server())
    bucket = create_bucket(endpoint)
    stack.callback(remove_bucket, endpoint, bucket)
    return {**s3_settings(bucket, endpoint), "REDIS_URL": REDIS_URL, "QUEUE_PREFIX": prefix}


def bucket_keys(settings: dict[str, str], containing: str) -> list[str]:
    """Return the keys of the deployment's bucket that contain a text (a photo's sha256)."""
    bucket = settings["BLOB_STORE"].removeprefix("s3://").split("/", 1)[0]
    pages = client_for(settings["S3_ENDPOINT_URL"]).get_paginator("list_objects_v2").paginate(Bucket=bucket)
    return [item["Key"] for page in pages for item in page.get("Contents", []) if containing in item["Key"]]


def enqueue_periodic(settings: dict[str, str], name: str):
    """Put one run of a periodic job on the deployment's queue, as the scheduler does; return the job."""
    from backend.jobqueue.connection import JOBS, job_id, queue
    from backend.jobqueue.schedule import TASK

    # The queue helpers read only these from an app: the test process needs no app of its own.
    app = SimpleNamespace(config=settings, extensions={})
    slot = int(time.time())  # a slot of its own: this run is extra, beside the scheduler's
    return queue(JOBS, app).enqueue(TASK, name, slot, job_id=job_id("periodic", app), result_ttl=600)


def job_result(job, seconds: float = JOB_SECONDS) -> str:
    """Wait until a queued job has run; return its result (fail when it failed or never ran)."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        status = job.get_status(refresh=True)
        if status == "finished":
            return job.return_value()
        assert status not in ("failed", "stopped", "canceled"), f"job {job.id} {status}: {job.exc_info}"
        time.sleep(0.1)
    raise AssertionError(f"job {job.id} did not run within {seconds:g} s (is the worker up?)")
