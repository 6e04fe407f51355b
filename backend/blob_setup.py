"""The app's blob store, chosen from config: TEMPORARY minimal version, to be completed."""

from flask import Flask, current_app

from sync.blobs import LocalBlobStore


def init_blobs(app: Flask) -> None:
    app.extensions["blob_store"] = LocalBlobStore(app.config["BLOB_DIR"])


def blob_store() -> LocalBlobStore:
    return current_app.extensions["blob_store"]
