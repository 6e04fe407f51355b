"""The app's blob store, chosen and checked at start from the settings, and its sweep.

Settings (environment variables of the same names, read by backend/config.py):
- BLOB_STORE: `local` (default: files under BLOB_DIR) or `s3://bucket/prefix` (any S3-compatible service);
- S3_ENDPOINT_URL (or AWS_ENDPOINT_URL_S3): the service, e.g. http://minio:9000; empty: AWS itself;
- AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY: the keys; empty: boto3's chain (profile, instance role);
- AWS_REGION (or AWS_DEFAULT_REGION): default us-east-1;
- S3_ADDRESSING_STYLE: `path` (default: MinIO, Ceph, AWS, OBS) or `virtual` (Aliyun OSS and Tencent COS
  accept only bucket.host);
- BLOB_SERVE: `stream` (default: the API streams the bytes) or `redirect` (302 to a presigned GET; S3 only);
- BLOB_PRESIGN_SECONDS: how long a redirect's URL works, 1 to 604800 (S3's limit), default 300;
- S3_PUBLIC_ENDPOINT_URL: the endpoint phones reach for redirects, when not S3_ENDPOINT_URL.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime
from urllib.parse import urlsplit

from flask import Flask, current_app

from sync import blobs
from sync.blob_contract import BlobStore
from sync.blobs import LocalBlobStore

BUCKET_NAME = re.compile(r"^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$")
PREFIX = re.compile(r"^[0-9A-Za-z!_.*'()/-]*$")
SERVE_MODES = ("stream", "redirect")
ADDRESSING_STYLES = ("path", "virtual")
MAX_PRESIGN_SECONDS = 7 * 24 * 3600


class BlobSettingError(ValueError):
    """A blob setting that cannot work: the app refuses to start and says which and why."""


def init_blobs(app: Flask) -> None:
    """Check the settings, create the store once per app and keep it in app.extensions."""
    store = make_store(app.config)
    app.config["BLOB_PRESIGN_SECONDS"] = presign_seconds(app.config)
    app.extensions["blob_store"] = store
    # Where phones are sent for bytes in redirect mode: the Content-Security-Policy must let them go there.
    app.extensions["blob_redirect_origin"] = (
        redirect_origin(store) if serve_mode(app.config) == "redirect" else None
    )


def make_store(config) -> BlobStore:
    """Build the store the settings name; raise BlobSettingError on any setting that cannot work."""
    kind = config.get("BLOB_STORE") or "local"
    mode = serve_mode(config)
    if kind == "local":
        if mode == "redirect":
            raise BlobSettingError("BLOB_SERVE=redirect needs BLOB_STORE=s3://…: a local folder has no URLs")
        return LocalBlobStore(config["BLOB_DIR"])
    bucket, prefix = parse_s3_url(kind)
    from sync.blob_store_s3 import S3BlobStore, make_client

    style = config.get("S3_ADDRESSING_STYLE") or "path"
    if style not in ADDRESSING_STYLES:
        raise BlobSettingError(f"S3_ADDRESSING_STYLE must be path or virtual; got {style!r}")
    endpoint = endpoint_url(config.get("S3_ENDPOINT_URL"), "S3_ENDPOINT_URL")
    public = endpoint_url(config.get("S3_PUBLIC_ENDPOINT_URL"), "S3_PUBLIC_ENDPOINT_URL")
    key, secret = config.get("AWS_ACCESS_KEY_ID") or None, config.get("AWS_SECRET_ACCESS_KEY") or None
    if bool(key) != bool(secret):
        raise BlobSettingError("set both AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, or neither")
    region = config.get("AWS_REGION") or "us-east-1"
    client = make_client(endpoint, region, style, key, secret)
    presigner = make_client(public, region, style, key, secret) if public else None
    return S3BlobStore(client, bucket, prefix, presigner)


def parse_s3_url(text: str) -> tuple[str, str]:
    """Read s3://bucket/prefix into (bucket, prefix); the prefix may be empty."""
    parts = urlsplit(text)
    if parts.scheme != "s3" or parts.query or parts.fragment:
        raise BlobSettingError(f"BLOB_STORE must be local or s3://bucket/prefix; got {text!r}")
    bucket, prefix = parts.netloc, parts.path.strip("/")
    if not BUCKET_NAME.match(bucket) or ".." in bucket:
        raise BlobSettingError(f"BLOB_STORE names no valid bucket (3–63 of a-z 0-9 . -); got {bucket!r}")
    if not PREFIX.match(prefix) or "//" in prefix:
        raise BlobSettingError(f"BLOB_STORE's prefix may hold letters, digits and -_./ only; got {prefix!r}")
    return bucket, prefix


def endpoint_url(text: str | None, name: str) -> str | None:
    """Read an endpoint setting: empty, or an http(s) URL naming a host."""
    if not text:
        return None
    parts = urlsplit(text)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise BlobSettingError(f"{name} must be an http(s) URL such as http://minio:9000; got {text!r}")
    return text


def serve_mode(config) -> str:
    """Return BLOB_SERVE, checked."""
    mode = config.get("BLOB_SERVE") or "stream"
    if mode not in SERVE_MODES:
        raise BlobSettingError(f"BLOB_SERVE must be stream or redirect; got {mode!r}")
    return mode


def presign_seconds(config) -> int:
    """Return BLOB_PRESIGN_SECONDS, checked."""
    text = str(config.get("BLOB_PRESIGN_SECONDS") or 300)
    if not text.isdigit() or not 1 <= int(text) <= MAX_PRESIGN_SECONDS:
        raise BlobSettingError(f"BLOB_PRESIGN_SECONDS must be 1 to {MAX_PRESIGN_SECONDS}; got {text!r}")
    return int(text)


def redirect_origin(store) -> str:
    """Return the origin presigned URLs point at (signing is local: no request is made)."""
    parts = urlsplit(store.presigned_url("0" * 64, None, 60, "image/jpeg"))
    return f"{parts.scheme}://{parts.netloc}"


def blob_store() -> BlobStore:
    """Return the current app's store."""
    return current_app.extensions["blob_store"]


def sweep_partials(now: datetime | None = None) -> str:
    """Delete the current app's resumable uploads untouched for 24 h; say what went."""
    files, size = blobs.sweep_partials(blob_store(), now or datetime.now(UTC))
    return f"{files} unfinished uploads deleted ({size / 1024 / 1024:.1f} MiB)"
