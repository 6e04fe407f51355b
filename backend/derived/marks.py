"""A push marks what it made stale (enterprise, derived entity type); it recomputes nothing itself."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import delete, select, tuple_, update
from sqlalchemy.dialects import postgresql, sqlite

from sync import Change
from sync.wire import utc_now

from ..models import DerivedMark
from .differs import DERIVED_ENTITIES, enterprise_of_scope

CLAIM_SECONDS = 120


def stale(changes: list[Change]) -> list[tuple[str, str]]:
    """Return, sorted, the (enterprise, derived entity type) pairs these changes make stale."""
    from . import MODULES

    found = set()
    # A push of 500 reports holds one (scope, entity type) pair: decide per pair, not per change.
    for scope, entity in {(change.scope, change.entity) for change in changes}:
        enterprise_id = enterprise_of_scope(scope)
        if entity in DERIVED_ENTITIES or not enterprise_id:
            continue
        for module in MODULES:
            if module.SOURCES is None or entity in module.SOURCES:
                found.add((enterprise_id, module.ENTITY))
    return sorted(found)


def mark(session, pairs: list[tuple[str, str]], now: datetime | None = None) -> None:
    """Mark (enterprise, derived type) pairs stale in one upsert; marking again bumps the generation."""
    if not pairs:
        return
    now = now or utc_now()
    dialect = session.connection().dialect.name
    upsert = (postgresql if dialect == "postgresql" else sqlite).insert(DerivedMark)
    rows = [
        {"enterprise_id": e, "module": m, "generation": 1, "marked_at": now} for e, m in sorted(set(pairs))
    ]
    session.execute(
        upsert.on_conflict_do_update(
            index_elements=["enterprise_id", "module"],
            set_={"generation": DerivedMark.generation + 1, "marked_at": upsert.excluded.marked_at},
        ),
        rows,
    )


def on_push(session, actor, changes: list[Change]) -> list[Change]:
    """The push's listener: mark what it touched, inside its transaction; derive nothing."""
    mark(session, stale(changes))
    return []


def claim(session, limit: int, now: datetime | None = None) -> dict[tuple[str, str], int]:
    """Claim up to limit unclaimed (or lapsed) marks, oldest first; return (enterprise, type) → generation."""
    now = now or utc_now()
    free = (DerivedMark.claimed_until.is_(None)) | (DerivedMark.claimed_until < now)
    query = (
        select(DerivedMark.enterprise_id, DerivedMark.module)
        .where(free)
        .order_by(DerivedMark.marked_at)
        .limit(limit)
    )
    if session.connection().dialect.name == "postgresql":
        query = query.with_for_update(skip_locked=True)
    keys = [tuple(row) for row in session.execute(query)]
    if not keys:
        return {}
    until = now + timedelta(seconds=CLAIM_SECONDS)
    claimed = session.execute(
        update(DerivedMark)
        .where(tuple_(DerivedMark.enterprise_id, DerivedMark.module).in_(keys), free)
        .values(claimed_until=until)
        .returning(DerivedMark.enterprise_id, DerivedMark.module, DerivedMark.generation)
    ).all()
    return {(row.enterprise_id, row.module): row.generation for row in claimed}


def settle(session, seen: dict[tuple[str, str], int]) -> None:
    """Drop the marks recomputed at the generation seen; release those a push marked again meanwhile."""
    for (enterprise_id, module), generation in seen.items():
        key = (DerivedMark.enterprise_id == enterprise_id) & (DerivedMark.module == module)
        gone = session.execute(delete(DerivedMark).where(key, DerivedMark.generation == generation)).rowcount
        if not gone:
            session.execute(update(DerivedMark).where(key).values(claimed_until=None))
