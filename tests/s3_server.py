"""A real S3-compatible HTTP server for tests (moto's server mode in a child process) and buckets on it.

The server runs in its own process, as a real one would: the tests' memory measurements do not count its
copy of the objects, and other processes (gunicorn hosts of a multi-host test) reach it at its URL.
Reuse: `s3_endpoint` (session fixture: the URL), `s3_bucket` (fixture: a fresh bucket, emptied and removed
after the test), `s3_settings(bucket)` (the environment/config values pointing an app at it), and
`running_s3_server()` (a context manager for scripts and multi-process tests).
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
import urllib.request
import uuid
from collections.abc import Iterator
from contextlib import contextmanager

import pytest

from sync.blob_store_s3 import S3BlobStore, make_client

from .live_server import free_port

REGION = "us-east-1"
# moto accepts any keys; these keep boto3 from looking for real ones.
ACCESS_KEY, SECRET_KEY = "testing-key", "testing-secret"
_endpoint: str | None = None


@contextmanager
def running_s3_server(seconds: float = 30) -> Iterator[str]:
    """Start moto's S3 server on a free port of 127.0.0.1 in a child process; yield its URL; stop it."""
    port = free_port()
    env = {**os.environ, "AWS_ACCESS_KEY_ID": ACCESS_KEY, "AWS_SECRET_ACCESS_KEY": SECRET_KEY}
    process = subprocess.Popen(
        [sys.executable, "-m", "moto.server", "-H", "127.0.0.1", "-p", str(port)],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        _wait_until_up(url, process, seconds)
        yield url
    finally:
        process.terminate()
        process.wait(timeout=20)


def _wait_until_up(url: str, process: subprocess.Popen, seconds: float) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError("moto's S3 server exited at start")
        try:
            with urllib.request.urlopen(url + "/moto-api/", timeout=2):
                return
        except OSError:
            time.sleep(0.1)
    raise RuntimeError(f"moto's S3 server did not answer within {seconds:g} s")


def s3_settings(bucket: str, endpoint: str | None = None, prefix: str = "blobs") -> dict[str, str]:
    """Return the settings (environment variables, also config keys) that put an app's blobs in bucket."""
    return {
        "BLOB_STORE": f"s3://{bucket}/{prefix}",
        "S3_ENDPOINT_URL": endpoint or _endpoint or "",
        "AWS_ACCESS_KEY_ID": ACCESS_KEY,
        "AWS_SECRET_ACCESS_KEY": SECRET_KEY,
        "AWS_REGION": REGION,
        "S3_ADDRESSING_STYLE": "path",
    }


def client_for(endpoint: str) -> object:
    """Return a boto3 client of the test server (each call a new one: a separate 'host')."""
    return make_client(endpoint, REGION, "path", ACCESS_KEY, SECRET_KEY)


def create_bucket(endpoint: str, name: str | None = None) -> str:
    """Create a bucket with a unique name; return the name."""
    name = name or f"test-{uuid.uuid4().hex[:20]}"
    client_for(endpoint).create_bucket(Bucket=name)
    return name


def remove_bucket(endpoint: str, name: str) -> None:
    """Abort its multipart uploads, delete every object, then the bucket (the server keeps all in memory)."""
    client = client_for(endpoint)
    for page in client.get_paginator("list_multipart_uploads").paginate(Bucket=name):
        for upload in page.get("Uploads", []):
            client.abort_multipart_upload(Bucket=name, Key=upload["Key"], UploadId=upload["UploadId"])
    for page in client.get_paginator("list_objects_v2").paginate(Bucket=name):
        keys = [{"Key": item["Key"]} for item in page.get("Contents", [])]
        if keys:
            client.delete_objects(Bucket=name, Delete={"Objects": keys, "Quiet": True})
    client.delete_bucket(Bucket=name)


def s3_store(endpoint: str, bucket: str, prefix: str = "blobs") -> S3BlobStore:
    """Return a store on the bucket through a client of its own."""
    return S3BlobStore(client_for(endpoint), bucket, prefix)


@pytest.fixture(scope="session")
def s3_endpoint() -> Iterator[str]:
    """The URL of the session's S3 server (never skipped: moto is a dev dependency)."""
    global _endpoint
    with running_s3_server() as url:
        _endpoint = url
        try:
            yield url
        finally:
            _endpoint = None


@pytest.fixture
def s3_bucket(s3_endpoint) -> Iterator[str]:
    """A fresh, uniquely named bucket on the session's server, removed after the test."""
    name = create_bucket(s3_endpoint)
    yield name
    remove_bucket(s3_endpoint, name)
