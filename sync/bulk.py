"""Many brand-new entities in batched statements, positioned at once (jobs that fan one record out)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import insert
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from . import positions, tables
from .types import Change


def insert_new_entities(session: Session, changes: Sequence[Change], now: datetime) -> int:
    """Insert entities that do not exist yet, skipping ids already stored; return how many were inserted.

    Positions are taken here, not at commit: the counter row lock is then held until this transaction
    commits, which keeps positions in commit order, as protocol.md requires. Call it as the transaction's
    last write before commit, so no entity lock is taken while holding the counter (a push locks entities
    first and the counter last; the same order here means the two never wait on each other in a cycle).
    Changes referencing blobs go through SyncEngine.record_change instead.
    """
    if not changes:
        return 0
    if any(change.blobs for change in changes):
        raise ValueError("insert_new_entities does not record blob references")
    top = positions._take_block(session, len(changes))
    first = top - len(changes) + 1
    rows = [
        {
            "entity": change.entity,
            "id": change.id,
            "scope": change.scope,
            "version": 1,
            "deleted": change.deleted,
            "data": change.data,
            "position": first + offset,
            "updated_at": now,
        }
        for offset, change in enumerate(changes)
    ]
    result = session.execute(_insert_skipping_taken(session), rows)
    return result.rowcount if result.rowcount >= 0 else len(rows)


def _insert_skipping_taken(session: Session):
    """An INSERT that leaves an existing (entity, id) alone: a repeated fan-out writes nothing twice."""
    dialect = session.connection().dialect.name
    if dialect in ("postgresql", "sqlite"):
        upsert = (postgresql if dialect == "postgresql" else sqlite).insert(tables.entities)
        return upsert.on_conflict_do_nothing(index_elements=["entity", "id"])
    return insert(tables.entities)
