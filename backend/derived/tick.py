"""The daily recomputation (`flask cadence tick`): every derived entity of every enterprise, afresh."""

from __future__ import annotations

from collections import Counter

from sqlalchemy import select

from sync import SyncEngine

from ..models import Enterprise
from .refresh import refresh


def tick(session, engine: SyncEngine) -> Counter:
    """Record every derived entity that changed since it was last computed; commit; count by entity."""
    enterprise_ids = list(
        session.scalars(select(Enterprise.id).order_by(Enterprise.created_at, Enterprise.id))
    )
    try:
        recorded = refresh(session, engine, enterprise_ids)
        session.commit()
    except BaseException:
        session.rollback()
        raise
    recorded["enterprises"] = len(enterprise_ids)
    return recorded


def summary(recorded: Counter) -> str:
    """Describe a tick's work in one line."""
    enterprises = recorded.get("enterprises", 0)
    changed = {entity: n for entity, n in sorted(recorded.items()) if entity != "enterprises"}
    if not changed:
        return f"cadence tick: {enterprises} enterprises, nothing changed"
    counts = ", ".join(f"{entity} {n}" for entity, n in changed.items())
    return f"cadence tick: {enterprises} enterprises, recorded {counts}"
