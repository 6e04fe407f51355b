"""The blobs and blob_holders rows: one row per stored bytes, one holder per person who uploaded them."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import insert, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from . import tables
from .images import CheckedImage
from .wire import utc_now


@dataclass(frozen=True)
class Stored:
    """A finished upload: whether this request stored it (201) or it was already there (200)."""

    created: bool
    blob: dict[str, Any]


def blob_row(session: Session, sha: str) -> dict[str, Any] | None:
    """Return a blob's row as a dict, or None."""
    row = session.execute(select(tables.blobs).where(tables.blobs.c.sha256 == sha)).mappings().first()
    return dict(row) if row is not None else None


def row_values(sha: str, size: int, checked: CheckedImage, uploaded_by: str) -> dict[str, Any]:
    """Return the values of a new blob row."""
    info = checked.info
    return {
        "sha256": sha,
        "size": size,
        "media_type": info.media_type,
        "width": info.width,
        "height": info.height,
        "uploaded_by": uploaded_by,
        "created_at": utc_now(),
    }


def add_holder(session: Session, sha: str, user_id: str) -> None:
    """Record (once) that a person uploaded these bytes."""
    holders = tables.blob_holders.c
    known = select(holders.sha256).where(holders.sha256 == sha, holders.user_id == user_id)
    if session.execute(known).first() is None:
        session.execute(insert(tables.blob_holders).values(sha256=sha, user_id=user_id, created_at=utc_now()))


def commit_row(session: Session, sha: str, size: int, checked: CheckedImage | None, user_id: str) -> Stored:
    """Record the blob (once) and this uploader as a holder; the file is already in place."""
    existing = blob_row(session, sha)
    try:
        if existing is None:
            session.execute(insert(tables.blobs).values(row_values(sha, size, checked, user_id)))
        add_holder(session, sha, user_id)
        session.commit()
    except IntegrityError:
        # Another upload of the same bytes committed first: this one only adds its holder.
        session.rollback()
        add_holder(session, sha, user_id)
        session.commit()
    return Stored(True, blob_row(session, sha))
