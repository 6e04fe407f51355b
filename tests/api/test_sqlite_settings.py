"""Every SQLite connection of the app: WAL, a large page cache, foreign keys, and a bounded WAL file."""

from __future__ import annotations

from sqlalchemy import text

from backend.extensions import db


def test_each_sqlite_connection_gets_the_apps_settings(app):
    with app.app_context():
        # Two connections at once: the settings come with every connection, not with the first one.
        with db.engine.connect() as first, db.engine.connect() as second:
            for connection in (first, second):
                values = {
                    name: connection.execute(text(f"PRAGMA {name}")).scalar()
                    for name in ("journal_mode", "cache_size", "foreign_keys", "journal_size_limit")
                }
                assert values == {
                    "journal_mode": "wal",
                    "cache_size": -65536,
                    "foreign_keys": 1,
                    "journal_size_limit": 64 * 2**20,
                }
