"""Content-addressed blob storage (photos): TEMPORARY minimal version, to be completed."""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

from sqlalchemy import insert, select

from . import tables
from .wire import utc_now


class LocalBlobStore:
    """Blobs as files under a folder, by hash."""

    def __init__(self, root: str | Path):
        self.root = Path(root)

    def path(self, sha: str) -> Path:
        return self.root / sha[:2] / sha[2:4] / sha

    def write(self, sha: str, data: bytes) -> None:
        target = self.path(sha)
        target.parent.mkdir(parents=True, exist_ok=True)
        temp = target.with_suffix(".tmp")
        temp.write_bytes(data)
        os.replace(temp, target)


def save_blob(session, store: LocalBlobStore, data: bytes, uploaded_by: str) -> str:
    """Store bytes (a JPEG/PNG/WebP) and its row; return its sha256."""
    sha = hashlib.sha256(data).hexdigest()
    if session.execute(select(tables.blobs.c.sha256).where(tables.blobs.c.sha256 == sha)).first():
        return sha
    store.write(sha, data)
    session.execute(
        insert(tables.blobs).values(
            sha256=sha,
            size=len(data),
            media_type="image/jpeg",
            width=0,
            height=0,
            uploaded_by=uploaded_by,
            created_at=utc_now(),
        )
    )
    return sha
