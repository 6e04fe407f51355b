"""Reading and writing entity states and command outcomes in the sync tables."""

from __future__ import annotations

from collections.abc import Container
from datetime import datetime
from typing import Any

from sqlalchemy import bindparam, insert, select, update
from sqlalchemy.orm import Session

from . import positions, sqlite_writer, tables
from .bulk_insert import insert_rows
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


# Keys per statement when loading a push's entities: well under every driver's parameter limit.
LOAD_CHUNK = 400
STATUS_LENGTH = 32
# Entity type → the data field copied into the indexed `kind` column (a hazard's severity, a drill's
# type): reports count and group by it without decoding documents. The application fills this.
KIND_FIELDS: dict[str, str] = {}
# Entity type → the field copied into the `moment` column (set by the application, like KIND_FIELDS).
MOMENT_FIELDS: dict[str, str] = {}


def load_entities(
    session: Session, keys: list[tuple[str, str]], lock: bool = True
) -> dict[tuple[str, str], EntityState]:
    """Load and lock the stored entities among these (entity, id) keys in one query, in (entity, id) order.

    Two pushes touching the same entities in opposite orders would wait on each other for ever if each
    locked as it went (PostgreSQL kills one: deadlock detected); taking every lock up front in one order
    makes the later push wait for the earlier one instead. SQLite needs no row locks: BEGIN IMMEDIATE
    already lets one writer in at a time.
    """
    wanted = sorted(set(keys))
    if not wanted:
        return {}
    lock = lock and session.connection().dialect.name != "sqlite"
    by_entity: dict[str, list[str]] = {}
    for entity, entity_id in wanted:
        by_entity.setdefault(entity, []).append(entity_id)
    e = tables.entities.c
    found: dict[tuple[str, str], EntityState] = {}
    for entity, ids in by_entity.items():
        # One entity type per statement: a plain IN on the key's second column, in key order.
        for start in range(0, len(ids), LOAD_CHUNK):
            query = (
                select(e.entity, e.id, e.scope, e.version, e.deleted, e.data)
                .where(e.entity == entity, e.id.in_(ids[start : start + LOAD_CHUNK]))
                .order_by(e.id)
            )
            for row in session.execute(query.with_for_update() if lock else query):
                found[(row.entity, row.id)] = EntityState(*row)
    return found


def status_of(data: dict[str, Any], field: str = "status") -> str | None:
    """Return a document's field for an index column: a short string, else None."""
    value = data.get(field) if isinstance(data, dict) else None
    return value if isinstance(value, str) and len(value) <= STATUS_LENGTH else None


def kind_of(entity: str, data: dict[str, Any]) -> str | None:
    """Return the value of the entity type's kind field (KIND_FIELDS), for the kind column."""
    field = KIND_FIELDS.get(entity)
    return status_of(data, field) if field else None


def moment_of(entity: str, data: dict[str, Any]) -> str | None:
    """Return the value of the entity type's moment field (MOMENT_FIELDS), for the moment column."""
    field = MOMENT_FIELDS.get(entity)
    return status_of(data, field) if field else None


# The columns copied from a document so reports read them by index; every writer fills them here.
INDEXED_COLUMNS = ("status", "kind", "moment")


def indexed_values(entity: str, data: dict[str, Any]) -> dict[str, str | None]:
    """Return the values of INDEXED_COLUMNS for a document of this entity type."""
    return {"status": status_of(data), "kind": kind_of(entity, data), "moment": moment_of(entity, data)}


def entity_values(change: Change, version: int, now: datetime) -> dict[str, Any]:
    """Return the stored row of an entity's new whole state, unpositioned until commit."""
    return {
        "entity": change.entity,
        "id": change.id,
        "scope": change.scope,
        "version": version,
        "deleted": change.deleted,
        "data": change.data,
        **indexed_values(change.entity, change.data),
        "updated_at": now,
        "position": None,
    }


def write_entities(session: Session, fresh: list[dict[str, Any]], changed: list[dict[str, Any]]) -> None:
    """Insert new entity rows and overwrite existing ones, each group in one statement, positioned.

    SQLite has one writer at a time, so positions taken now are in commit order: the rows are written with
    them. Elsewhere they are stamped just before the commit (positions.py).
    """
    first = positions.take_while_writing(session, len(fresh) + len(changed))
    if first is not None:
        for offset, row in enumerate((*fresh, *changed)):
            row["position"] = first + offset
    insert_rows(session, tables.entities, fresh)
    if changed:
        e = tables.entities.c
        columns = ("scope", "version", "deleted", "data", *INDEXED_COLUMNS, "updated_at", "position")
        session.execute(
            update(tables.entities)
            .where(e.entity == bindparam("k_entity"), e.id == bindparam("k_id"))
            .values({name: bindparam(name) for name in columns}),
            [
                {"k_entity": row["entity"], "k_id": row["id"], **{n: row[n] for n in columns}}
                for row in changed
            ],
        )
    if first is None:
        for row in (*fresh, *changed):
            positions.mark_changed(session, row["entity"], row["id"])


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
    row = entity_values(change, version, now)
    write_entities(session, [row] if current is None else [], [] if current is None else [row])
    add_blob_refs(session, [change])
    return version


def add_blob_refs(session: Session, changes: list[Change]) -> None:
    """Record, in one query and one insert, that readers of each change's scope may fetch its blobs."""
    wanted = {(sha, c.scope): c for c in changes for sha in c.blobs}
    if not wanted:
        return
    refs = tables.blob_refs.c
    known = set(
        (sha, scope)
        for sha, scope in session.execute(
            select(refs.sha256, refs.scope).where(
                refs.sha256.in_(sorted({sha for sha, _ in wanted})),
                refs.scope.in_(sorted({scope for _, scope in wanted})),
            )
        )
    )
    fresh = [
        {"sha256": sha, "scope": scope, "entity": change.entity, "entity_id": change.id}
        for (sha, scope), change in wanted.items()
        if (sha, scope) not in known
    ]
    if fresh:
        session.execute(insert(tables.blob_refs), fresh)


def visible_blobs(session: Session, shas: list[str], user_id: str, scopes: Container[str]) -> set[str]:
    """Return the stored hashes this person may cite and read: held by them, or referenced in their scopes.

    The scopes are asked one by one (`scope in scopes`) for the few that reference these photos: a
    reader's scopes need not be listed, and no statement grows with them.
    """
    if not shas:
        return set()
    holders, refs, blobs = tables.blob_holders.c, tables.blob_refs.c, tables.blobs.c
    held = select(holders.sha256).where(holders.sha256.in_(shas), holders.user_id == user_id)
    seen = set(session.execute(held).scalars())
    if len(seen) < len(set(shas)):
        referenced = select(refs.sha256, refs.scope).where(refs.sha256.in_(sorted(set(shas) - seen)))
        seen |= {sha for sha, scope in session.execute(referenced) if scope in scopes}
    if not seen:
        return seen
    stored = select(blobs.sha256).where(blobs.sha256.in_(sorted(seen)))
    return set(session.execute(stored).scalars())


def missing_blobs(session: Session, shas: list[str], user_id: str, scopes: Container[str]) -> list[str]:
    """Return, in order, the hashes this person has not uploaded and cannot see: they must upload them."""
    visible = visible_blobs(session, shas, user_id, scopes)
    return [sha for sha in shas if sha not in visible]


def begin_writes(session: Session) -> None:
    """Open a real transaction on SQLite before the push's savepoints.

    pysqlite defers BEGIN to the first INSERT or UPDATE, so a SAVEPOINT sent before that runs outside any
    transaction and its RELEASE commits: a push failing half-way would keep its first commands, unpositioned.
    BEGIN IMMEDIATE also takes the write lock up front, so concurrent pushes wait instead of failing; the
    threads of this process queue for it on a lock of their own first (sqlite_writer.py).
    """
    connection = session.connection()
    if connection.dialect.name != "sqlite":
        return
    driver = connection.connection.driver_connection
    if not getattr(driver, "in_transaction", True):
        sqlite_writer.acquire(session, connection)
        try:
            connection.exec_driver_sql("BEGIN IMMEDIATE")
        except BaseException:
            sqlite_writer.release(session)
            raise
