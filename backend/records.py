"""Reading synced document entities (drills, lockouts, training, inspections…) for rules and reports."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from sqlalchemy import select

from sync import tables

from .scopes import enterprise_scope

# The field each record type is counted and grouped by in reports: copied into the indexed `kind` column.
KIND_FIELDS = {"hazard": "severity", "drill": "type", "inspection": "kind", "training_session": "kind"}
# The moment each record type fulfils a cadence obligation at (RFC 3339 UTC text, which sorts as time):
# copied into the indexed `moment` column, so "the last drill of each kind" is one index probe.
MOMENT_FIELDS = {"drill": "ended_at", "inspection": "finished_at", "training_session": "scheduled_at"}


def records_of(
    session,
    entity: str,
    enterprise_id: str,
    include_deleted: bool = False,
    statuses: Iterable[str] | None = None,
) -> list[dict[str, Any]]:
    """Return the current data of every entity of a type in one enterprise (in `statuses` when given)."""
    e = tables.entities.c
    query = select(e.data).where(e.entity == entity, e.scope == enterprise_scope(enterprise_id))
    if statuses is not None:
        query = query.where(e.status.in_(sorted(statuses)))
    if not include_deleted:
        query = query.where(e.deleted.is_(False))
    return list(session.execute(query).scalars())


def record(session, entity: str, entity_id: str) -> dict[str, Any] | None:
    """Return one entity's current data, or None."""
    e = tables.entities.c
    query = select(e.data).where(e.entity == entity, e.id == entity_id, e.deleted.is_(False))
    return session.execute(query).scalar()
