"""The demo's enterprises and people (no records), for tests that need users."""

from __future__ import annotations

from backend import demo
from backend.extensions import db


def seed_people() -> dict[str, str]:
    """Create enterprises A, B and every demo user; return ids by username and enterprise key."""
    enterprises = demo._enterprises()
    users = demo._users(enterprises)
    db.session.commit()
    ids = {key: enterprise.id for key, enterprise in enterprises.items()}
    ids.update({name: user.id for name, user in users.items()})
    return ids
