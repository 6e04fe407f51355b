"""A push marks the enterprises whose derived entities it made stale; it recomputes nothing itself."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import delete, select, update
from sqlalchemy.dialects import postgresql, sqlite

from sync import Change
from sync.wire import utc_now

from ..models import DerivedMark
from .differs import DERIVED_ENTITIES, enterprise_of_scope

CLAIM_SECONDS = 120


def touched_enterprises(changes: list[Change]) -> list[str]:
    """Return, sorted, the enterprises whose records these changes touched (derived ones excluded)."""
    found = (enterprise_of_scope(c.scope) for c in changes if c.entity not in DERIVED_ENTITIES)
    return sorted({e for e in found if e})


def mark(session, enterprise_ids: list[str], now: datetime | None = None) -> None:
    """Mark enterprises stale, in one upsert; marking again bumps the generation a running job compares."""
    if not enterprise_ids:
        return
    now = now or utc_now()
    dialect = session.connection().dialect.name
    upsert = (postgresql if dialect == "postgresql" else sqlite).insert(DerivedMark)
    rows = [{"enterprise_id": e, "generation": 1, "marked_at": now} for e in sorted(set(enterprise_ids))]
    session.execute(
        upsert.on_conflict_do_update(
            index_elements=["enterprise_id"],
            set_={"generation": DerivedMark.generation + 1, "marked_at": upsert.excluded.marked_at},
        ),
        rows,
    )


def on_push(session, actor, changes: list[Change]) -> list[Change]:
    """The push's listener: mark what it touched, inside its transaction; derive nothing."""
    mark(session, touched_enterprises(changes))
    return []


def claim(session, limit: int, now: datetime | None = None) -> dict[str, int]:
    """Claim up to limit unclaimed (or lapsed) marks, oldest first; return enterprise → generation seen."""
    now = now or utc_now()
    free = (DerivedMark.claimed_until.is_(None)) | (DerivedMark.claimed_until < now)
    query = select(DerivedMark.enterprise_id).where(free).order_by(DerivedMark.marked_at).limit(limit)
    if session.connection().dialect.name == "postgresql":
        query = query.with_for_update(skip_locked=True)
    ids = list(session.scalars(query))
    if not ids:
        return {}
    until = now + timedelta(seconds=CLAIM_SECONDS)
    claimed = session.execute(
        update(DerivedMark)
        .where(DerivedMark.enterprise_id.in_(ids), free)
        .values(claimed_until=until)
        .returning(DerivedMark.enterprise_id, DerivedMark.generation)
    ).all()
    return {row.enterprise_id: row.generation for row in claimed}


def settle(session, seen: dict[str, int]) -> None:
    """Drop the marks recomputed at the generation seen; release those a push marked again meanwhile."""
    for enterprise_id, generation in seen.items():
        gone = session.execute(
            delete(DerivedMark).where(
                DerivedMark.enterprise_id == enterprise_id, DerivedMark.generation == generation
            )
        ).rowcount
        if not gone:
            session.execute(
                update(DerivedMark)
                .where(DerivedMark.enterprise_id == enterprise_id)
                .values(claimed_until=None)
            )


def pending(session) -> int:
    """Count the enterprises waiting for their derived entities."""
    return len(list(session.scalars(select(DerivedMark.enterprise_id))))
