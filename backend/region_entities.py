"""The synced `region` entities: every region node a bureau may pull, written from the region data."""

from __future__ import annotations

from sync import Change, SyncEngine

from .derived.differs import only_changed
from .rules.regions import all_codes, region
from .scopes import region_scope

ENTITY = "region"


def region_change(code: str) -> Change:
    """Return a node's entity: id and scope named by its code, data {code, name, level, parent_code, path}."""
    return Change(ENTITY, code, region_scope(code), region(code).as_data())


def publish_regions(session, engine: SyncEngine) -> int:
    """Record, without committing, every region node whose stored entity differs from the data; count them.

    Idempotent and cheap (one read of the stored nodes): seeding, `flask regions publish` and the cadence
    tick call it, so a deployment picks up corrected region data within the hour.
    """
    changes = only_changed(session, [region_change(code) for code in all_codes()])
    for change in changes:
        engine.record_change(session, change)
    return len(changes)
