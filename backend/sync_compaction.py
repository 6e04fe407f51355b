"""Compaction of the sync history for the app: the configured retention, the engine's clock."""

from __future__ import annotations

from datetime import timedelta

from flask import current_app

from sync.compaction import compact, summary

from .extensions import db
from .rules.late_entry import LATE_ENTRY_LOOKBACK_DAYS
from .sync_setup import sync_engine

# The bureau's late-entry list reads the command log over its lookback (captured ≤ received, plus a day
# for the calendar boundary): those rows outlive a shorter retention.
COMMAND_LOG_READ = timedelta(days=LATE_ENTRY_LOOKBACK_DAYS + 1)


def compact_now(days: int | None = None) -> str:
    """Compact with the given or configured retention (SYNC_RETENTION_DAYS); return a one-line summary."""
    keep = timedelta(days=days or current_app.config["SYNC_RETENTION_DAYS"])
    try:
        return summary(compact(db.session, sync_engine().clock(), keep, keep_commands=COMMAND_LOG_READ))
    finally:
        db.session.remove()
