"""Apps whose photos are on local disk or on the S3 test server, and a check that a blob is not rewritten."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from backend.extensions import db
from sync.blob_store import LocalBlobStore

from ..conftest import _app_for
from ..s3_server import s3_settings

WRITES = ("PutObject", "CompleteMultipartUpload", "CopyObject")


def blob_app(request, tmp_path, kind: str, **settings):
    """Yield an app on a fresh SQLite file whose blobs are `local` or on a fresh bucket (`s3`)."""
    if kind == "s3":
        settings = {**s3_settings(request.getfixturevalue("s3_bucket")), **settings}
    app = _app_for(f"sqlite:///{tmp_path / 'test.db'}", tmp_path, settings=settings)
    yield app
    with app.app_context():
        db.engine.dispose()


@contextmanager
def not_rewritten(app, sha: str) -> Iterator[None]:
    """Fail unless the blob's bytes are left as they were: same file, or no S3 write to its key."""
    store = app.extensions["blob_store"]
    if isinstance(store, LocalBlobStore):
        before = store.path(sha).stat()
        yield
        after = store.path(sha).stat()
        assert (after.st_ino, after.st_mtime_ns) == (before.st_ino, before.st_mtime_ns)
        return
    written: list[str] = []

    def record(params, **_kwargs) -> None:
        written.append(params.get("Key"))

    events = store.client.meta.events
    for operation in WRITES:
        events.register(f"before-parameter-build.s3.{operation}", record)
    try:
        yield
    finally:
        for operation in WRITES:
            events.unregister(f"before-parameter-build.s3.{operation}", record)
    assert store.has(sha) and store.key(sha) not in written
