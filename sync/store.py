"""Reading and writing entity states and command outcomes in the sync tables."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import insert, select, tuple_, update
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


def lock_entities(session: Session, keys: list[tuple[str, str]]) -> None:
    """Lock the stored entities among these (entity, id) keys at once, in (entity, id) order.

    A push locks each command's entity as it reaches it; two pushes touching the same entities in opposite
    orders then wait on each other for ever and PostgreSQL kills one (deadlock detected). Taking every
    lock up front in one order makes the later push wait for the earlier one instead. SQLite needs none:
    BEGIN IMMEDIATE already lets one writer in at a time.
    """
    if not keys or session.connection().dialect.name == "sqlite":
        return
    entities = tables.entities.c
    session.execute(
        select(entities.entity, entities.id)
        .where(tuple_(entities.entity, entities.id).in_(sorted(set(keys))))
        .order_by(entities.entity, entities.id)
        .with_for_update()
    ).all()


def stored_outcomes(session: Session, client_id: str, seqs: list[int]) -> dict[int, Any]:
    """Return the stored command rows for these seqs, by seq."""
    if not seqs:
        return {}
    rows = session.execute(
        select(tables.commands).where(
            tables.commands.c.client_id == client_id, tables.commands.c.seq.in_(seqs)
        )
    ).all()
    return {row.seq: row for row in rows}


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


def visible_blobs(session: Session, shas: list[str], user_id: str, scopes: set[str]) -> set[str]:
    """Return the stored hashes this person may cite and read: held by them, or referenced in their scopes."""
    if not shas:
        return set()
    holders, refs, blobs = tables.blob_holders.c, tables.blob_refs.c, tables.blobs.c
    held = select(holders.sha256).where(holders.sha256.in_(shas), holders.user_id == user_id)
    seen = set(session.execute(held).scalars())
    if scopes and len(seen) < len(set(shas)):
        referenced = select(refs.sha256).where(refs.sha256.in_(shas), refs.scope.in_(sorted(scopes)))
        seen |= set(session.execute(referenced).scalars())
    if not seen:
        return seen
    stored = select(blobs.sha256).where(blobs.sha256.in_(sorted(seen)))
    return set(session.execute(stored).scalars())


def missing_blobs(session: Session, shas: list[str], user_id: str, scopes: set[str]) -> list[str]:
    """Return, in order, the hashes this person has not uploaded and cannot see: they must upload them."""
    visible = visible_blobs(session, shas, user_id, scopes)
    return [sha for sha in shas if sha not in visible]


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
