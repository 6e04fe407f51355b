"""Change positions handed out at commit time, so readers never see a later one before an earlier one.

A plain auto-increment read as "id > cursor" skips rows when transactions commit out of order. Here a
transaction takes its block of positions from one counter row just before it commits: the row lock is
held until commit, so a transaction holding a higher position always commits after every lower one.
"""

from __future__ import annotations

from sqlalchemy import bindparam, event, insert, select, update
from sqlalchemy.orm import Session

from . import tables

PENDING_KEY = "sync_pending_positions"
_installed = False


def mark_changed(session: Session, entity: str, entity_id: str) -> None:
    """Remember that this entity row needs a new position when the session commits."""
    pending: dict[tuple[str, str], None] = session.info.setdefault(PENDING_KEY, {})
    pending[(entity, entity_id)] = None


def stamp_positions(session: Session) -> None:
    """Give every entity changed in this transaction a fresh position, in the order changed."""
    pending: dict[tuple[str, str], None] = session.info.pop(PENDING_KEY, {})
    if not pending:
        return
    count = len(pending)
    top = session.execute(
        update(tables.counter)
        .where(tables.counter.c.id == 1)
        .values(position=tables.counter.c.position + count)
        .returning(tables.counter.c.position)
    ).scalar()
    if top is None:
        session.execute(insert(tables.counter).values(id=1, position=count, horizon=0))
        top = count
    first = top - count + 1
    rows = [
        {"p": first + offset, "e": entity, "i": entity_id}
        for offset, (entity, entity_id) in enumerate(pending)
    ]
    session.execute(
        update(tables.entities)
        .where(tables.entities.c.entity == bindparam("e"), tables.entities.c.id == bindparam("i"))
        .values(position=bindparam("p")),
        rows,
    )


def current_position(session: Session) -> tuple[int, int]:
    """Return (highest position handed out, oldest position a cursor may start from)."""
    row = session.execute(
        select(tables.counter.c.position, tables.counter.c.horizon).where(tables.counter.c.id == 1)
    ).first()
    return (row.position, row.horizon) if row else (0, 0)


def install() -> None:
    """Stamp positions on every Session commit (a no-op for sessions that changed nothing synced)."""
    global _installed
    if _installed:
        return
    event.listen(Session, "before_commit", stamp_positions)
    _installed = True
