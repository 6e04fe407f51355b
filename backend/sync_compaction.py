"""Compaction of the sync history for the app: the configured retention, the engine's clock."""

from __future__ import annotations

from datetime import timedelta

from flask import current_app

from sync.compaction import compact, summary

from .extensions import db
from .sync_setup import sync_engine


def compact_now(days: int | None = None) -> str:
    """Compact with the given or configured retention (SYNC_RETENTION_DAYS); return a one-line summary."""
    keep = timedelta(days=days or current_app.config["SYNC_RETENTION_DAYS"])
    try:
        return summary(compact(db.session, sync_engine().clock(), keep))
    finally:
        db.session.remove()
