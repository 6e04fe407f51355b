"""The demo's enterprises and people (no records), for tests that need users."""

from __future__ import annotations

from backend import demo
from backend.extensions import db
from backend.region_entities import publish_regions
from backend.sync_setup import sync_engine


def seed_people() -> dict[str, str]:
    """Create enterprises A, B (交城县), C (文水县), every demo user (the bureaus of 交城县, 文水县 and
    吕梁市 among them) and the region entities; return ids by username and enterprise key."""
    publish_regions(db.session, sync_engine())
    enterprises = demo._enterprises()
    users = demo._users(enterprises)
    db.session.commit()
    ids = {key: enterprise.id for key, enterprise in enterprises.items()}
    ids.update({name: user.id for name, user in users.items()})
    return ids
