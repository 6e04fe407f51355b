"""The app's blob store, chosen from config (files on local disk under BLOB_DIR), and its sweep."""

from __future__ import annotations

from datetime import UTC, datetime

from flask import Flask, current_app

from sync import blobs
from sync.blobs import LocalBlobStore


def init_blobs(app: Flask) -> None:
    """Create the store once per app and keep it in app.extensions."""
    app.extensions["blob_store"] = make_store(app.config)


def make_store(config) -> LocalBlobStore:
    """Build the store named by config (BLOB_STORE=local, the only one so far) at BLOB_DIR."""
    kind = config.get("BLOB_STORE", "local")
    if kind != "local":
        raise ValueError(f"unknown BLOB_STORE {kind!r}: only 'local' is supported")
    return LocalBlobStore(config["BLOB_DIR"])


def blob_store() -> LocalBlobStore:
    """Return the current app's store."""
    return current_app.extensions["blob_store"]


def sweep_partials(now: datetime | None = None) -> str:
    """Delete the current app's resumable uploads untouched for 24 h; say what went."""
    files, size = blobs.sweep_partials(blob_store(), now or datetime.now(UTC))
    return f"{files} unfinished uploads deleted ({size / 1024 / 1024:.1f} MiB)"
