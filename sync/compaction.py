"""Compaction: forget command outcomes and tombstones older than the retention age, advance the horizon.

The horizon H is a position such that every entity row at or below it last changed before the cutoff
(now - keep). Compaction walks the rows above the old horizon in position order (the position index), a
batch at a time, deletes the tombstones it passes and stops at the first row changed at or after the
cutoff. Every dropped tombstone thus lies at or below H; pull answers 410 reset_required to a cursor that
may have missed one (sync/pull.py). Command rows are dropped by receive time; a re-sent seq whose outcome
is gone is answered as settled, never applied again (sync/push.py).

Each batch is its own short transaction, so pushes and pulls run between batches, and the work grows with
what ages past the cutoff, never with all history. Positions are handed out at commit under the counter's
row lock, so no row can later appear at or below a position the walk has passed.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from itertools import takewhile
from typing import Any

from sqlalchemy import delete, select, update
from sqlalchemy.orm import Session

from . import faults, positions, store, tables
from .wire import as_utc, format_time

BATCH = 500
# Shorter than a day would drop the outcome of a push whose answer a phone is still waiting for.
MIN_KEEP = timedelta(days=1)


def compact(
    session: Session,
    now: datetime,
    keep: timedelta,
    batch: int = BATCH,
    keep_commands: timedelta = timedelta(0),
) -> dict[str, Any]:
    """Drop commands and tombstones older than keep and advance the horizon; return what was done.

    keep_commands: the application reads command rows this far back (a report over the command log):
    command rows are kept for the longer of the two.
    """
    if keep < MIN_KEEP:
        raise ValueError(f"keep must be at least {MIN_KEEP}")
    cutoff = as_utc(now).astimezone(UTC) - keep
    commands_cutoff = min(cutoff, as_utc(now).astimezone(UTC) - keep_commands)
    commands = 0
    while True:
        dropped = faults.retrying(lambda: _drop_commands(session, commands_cutoff, batch))
        commands += dropped
        if dropped < batch:
            break
    tombstones = 0
    while True:
        dropped, horizon, go_on = faults.retrying(lambda: _advance_horizon(session, cutoff, batch))
        tombstones += dropped
        if not go_on:
            break
    return {"cutoff": format_time(cutoff), "commands": commands, "tombstones": tombstones, "horizon": horizon}


def summary(result: dict[str, Any]) -> str:
    """Say in one line what a compaction did."""
    return (
        f"before {result['cutoff']}: {result['commands']} commands and {result['tombstones']} tombstones "
        f"dropped; horizon {result['horizon']}"
    )


@contextmanager
def _transaction(session: Session) -> Iterator[None]:
    """Run one batch as its own write transaction (BEGIN IMMEDIATE on SQLite, like a push)."""
    store.begin_writes(session)
    try:
        yield
        session.commit()
    except BaseException:
        session.rollback()
        raise


def _drop_commands(session: Session, cutoff: datetime, batch: int) -> int:
    """Delete the oldest batch of command rows received before the cutoff; return how many."""
    c = tables.commands.c
    oldest = select(c.id).where(c.received_at < cutoff).order_by(c.received_at).limit(batch)
    with _transaction(session):
        return session.execute(delete(tables.commands).where(c.id.in_(oldest))).rowcount


def _advance_horizon(session: Session, cutoff: datetime, batch: int) -> tuple[int, int, bool]:
    """Walk one batch of rows above the horizon; return (tombstones dropped, horizon, whether to go on)."""
    e = tables.entities.c
    with _transaction(session):
        _, horizon = positions.current_position(session)
        rows = session.execute(
            select(e.position, e.deleted, e.updated_at)
            .where(e.position > horizon)
            .order_by(e.position)
            .limit(batch)
        ).all()
        aged = list(takewhile(lambda row: as_utc(row.updated_at) < cutoff, rows))
        held = _hold_tombstones(session, [row.position for row in aged if row.deleted])
        # A tombstone a push holds (or has just changed) ends the walk before it, so it is never passed.
        reach = list(takewhile(lambda row: not row.deleted or row.position in held, aged))
        dropped = [row.position for row in reach if row.deleted]
        if dropped:
            session.execute(delete(tables.entities).where(e.position.in_(dropped), e.deleted.is_(True)))
        if reach:
            horizon = max(horizon, reach[-1].position)
            counter = tables.counter.c
            session.execute(
                update(tables.counter)
                .where(counter.id == 1, counter.horizon < horizon)
                .values(horizon=horizon)
            )
    whole_batch_aged = len(aged) == len(rows) == batch
    stopped_at_held = len(reach) < len(aged)
    return len(dropped), horizon, bool(reach) and (whole_batch_aged or stopped_at_held)


def _hold_tombstones(session: Session, candidates: list[int]) -> set[int]:
    """Lock the tombstones still at these positions, skipping any a push holds; return their positions."""
    if not candidates:
        return set()
    e = tables.entities.c
    query = select(e.position).where(e.position.in_(candidates), e.deleted.is_(True))
    # SKIP LOCKED: waiting here could deadlock against a push that locks entities in (entity, id) order.
    return set(session.execute(query.with_for_update(skip_locked=True)).scalars())
