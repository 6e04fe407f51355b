"""Reading and writing entity states and command outcomes in the sync tables."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import insert, select, update
from sqlalchemy.orm import Session

from . import positions, tables
from .types import Change, EntityState


def load_entity(session: Session, entity: str, entity_id: str, lock: bool = False) -> EntityState | None:
    """Return the stored state of one entity, or None."""
    query = select(tables.entities).where(
        tables.entities.c.entity == entity, tables.entities.c.id == entity_id
    )
    if lock:
        query = query.with_for_update()
    row = session.execute(query).first()
    if row is None:
        return None
    return EntityState(row.entity, row.id, row.scope, row.version, row.deleted, row.data)


def save_change(session: Session, change: Change, current: EntityState | None, now: datetime) -> int:
    """Write an entity's new whole state, bump its version, and queue it for a position."""
    version = 1 if current is None else current.version + 1
    values: dict[str, Any] = {
        "scope": change.scope,
        "version": version,
        "deleted": change.deleted,
        "data": change.data,
        "updated_at": now,
        # Unpositioned until commit, when stamp_positions gives it a fresh one.
        "position": None,
    }
    if current is None:
        session.execute(insert(tables.entities).values(entity=change.entity, id=change.id, **values))
    else:
        session.execute(
            update(tables.entities)
            .where(tables.entities.c.entity == change.entity, tables.entities.c.id == change.id)
            .values(**values)
        )
    add_blob_refs(session, change)
    positions.mark_changed(session, change.entity, change.id)
    return version


def add_blob_refs(session: Session, change: Change) -> None:
    """Record that readers of the change's scope may fetch the blobs it references."""
    if not change.blobs:
        return
    known = set(
        session.execute(
            select(tables.blob_refs.c.sha256).where(
                tables.blob_refs.c.sha256.in_(change.blobs), tables.blob_refs.c.scope == change.scope
            )
        ).scalars()
    )
    fresh = [
        {"sha256": sha, "scope": change.scope, "entity": change.entity, "entity_id": change.id}
        for sha in dict.fromkeys(change.blobs)
        if sha not in known
    ]
    if fresh:
        session.execute(insert(tables.blob_refs), fresh)


def missing_blobs(session: Session, shas: list[str]) -> list[str]:
    """Return the hashes, in order, that the server does not hold."""
    if not shas:
        return []
    held = set(
        session.execute(select(tables.blobs.c.sha256).where(tables.blobs.c.sha256.in_(shas))).scalars()
    )
    return [sha for sha in shas if sha not in held]


def begin_writes(session: Session) -> None:
    """Open a real transaction on SQLite before the push's savepoints.

    pysqlite defers BEGIN to the first INSERT or UPDATE, so a SAVEPOINT sent before that runs outside any
    transaction and its RELEASE commits: a push failing half-way would keep its first commands, unpositioned.
    BEGIN IMMEDIATE also takes the write lock up front, so concurrent pushes wait instead of failing.
    """
    connection = session.connection()
    if connection.dialect.name != "sqlite":
        return
    driver = connection.connection.driver_connection
    if not getattr(driver, "in_transaction", True):
        connection.exec_driver_sql("BEGIN IMMEDIATE")
