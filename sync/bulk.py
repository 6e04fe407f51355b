"""Many brand-new entities in batched statements, positioned at once (jobs that fan one record out)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import bindparam, insert, text, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from . import json_columns, positions, store, tables
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
    if session.connection().dialect.name == "postgresql":
        return _insert_unnested(session, changes, first, now)
    rows = [
        {
            "entity": change.entity,
            "id": change.id,
            "scope": change.scope,
            "version": 1,
            "deleted": change.deleted,
            "data": change.data,
            **store.indexed_values(change.entity, change.data),
            "position": first + offset,
            "updated_at": now,
        }
        for offset, change in enumerate(changes)
    ]
    result = session.execute(_insert_skipping_taken(session), rows)
    return result.rowcount if result.rowcount >= 0 else len(rows)


def _insert_unnested(session: Session, changes: Sequence[Change], first: int, now: datetime) -> int:
    """Insert on PostgreSQL in one statement whose rows travel as one JSON array: three parameters in all."""
    connection = session.connection()
    data_type = tables.entities.c.data.type.compile(dialect=connection.dialect)
    columns = "entity, id, scope, version, deleted, data, status, kind, moment, position, updated_at"
    statement = text(
        f"INSERT INTO {tables.entities.name} ({columns}) "
        f"SELECT r->>'e', r->>'i', r->>'s', 1, (r->>'x')::boolean, CAST(r->'d' AS {data_type}), "
        "r->>'status', r->>'kind', r->>'moment', :first + n - 1, :now "
        # jsonb: the array is parsed once; each ->> on a json element would parse that element again.
        "FROM jsonb_array_elements(CAST(:rows AS jsonb)) WITH ORDINALITY AS t(r, n) "
        "ON CONFLICT (entity, id) DO NOTHING"
    )
    rows = [
        {
            "e": c.entity,
            "i": c.id,
            "s": c.scope,
            "x": c.deleted,
            "d": c.data,
            **store.indexed_values(c.entity, c.data),
        }
        for c in changes
    ]
    text_rows = json_columns.dumps(rows)
    return session.execute(statement, {"first": first, "now": now, "rows": text_rows}).rowcount


def _insert_skipping_taken(session: Session):
    """An INSERT that leaves an existing (entity, id) alone: a repeated fan-out writes nothing twice."""
    dialect = session.connection().dialect.name
    if dialect in ("postgresql", "sqlite"):
        upsert = (postgresql if dialect == "postgresql" else sqlite).insert(tables.entities)
        return upsert.on_conflict_do_nothing(index_elements=["entity", "id"])
    return insert(tables.entities)


def update_entities(session: Session, changes: Sequence[Change], now: datetime) -> None:
    """Write new whole states of existing entities in one batched UPDATE, locked in (entity, id) order.

    Each gets the next version, and a fresh position when the transaction commits, like save_change.
    """
    entities = tables.entities.c
    ordered = sorted(changes, key=lambda change: (change.entity, change.id))
    if not ordered:
        return
    if any(change.blobs for change in ordered):
        raise ValueError("update_entities does not record blob references")
    session.execute(
        update(tables.entities)
        .where(entities.entity == bindparam("e"), entities.id == bindparam("i"))
        .values(
            scope=bindparam("s"),
            data=bindparam("d", type_=entities.data.type),
            deleted=bindparam("x"),
            **{name: bindparam(f"new_{name}") for name in store.INDEXED_COLUMNS},
            version=entities.version + 1,
            position=None,
            updated_at=now,
        ),
        [
            {
                "e": c.entity,
                "i": c.id,
                "s": c.scope,
                "d": c.data,
                "x": c.deleted,
                **{f"new_{name}": value for name, value in store.indexed_values(c.entity, c.data).items()},
            }
            for c in ordered
        ],
    )
    for change in ordered:
        positions.mark_changed(session, change.entity, change.id)
