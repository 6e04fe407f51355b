"""Computed `due` entities: each enterprise's cadence obligations and the bureau's overview of it."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from sync import Change

from ..models import Enterprise
from ..rules.cadence import Obligation, obligations
from ..scopes import enterprise_scope
from . import clock
from .differs import only_changed
from .due_overview import active_lockouts, hazard_summary, late_entries
from .due_sources import last_done

ENTITY = "due"


def obligation_data(obligation: Obligation) -> dict[str, Any]:
    """Return one obligation as docs/commands.md lists it."""
    return {
        "key": obligation.key,
        "label_zh": obligation.label_zh,
        "label_en": obligation.label_en,
        "interval_months": obligation.interval_months,
        "last_done": obligation.last_done.isoformat() if obligation.last_done else None,
        "next_due": obligation.next_due.isoformat(),
        "state": obligation.state,
    }


def due_data(session, enterprise: Enterprise) -> dict[str, Any]:
    """Compute an enterprise's `due` data as of today in Asia/Shanghai."""
    today = clock.today_in_shanghai()
    since = clock.local_day(enterprise.created_at)
    profile = {**enterprise.to_data(), "registered_on": since.isoformat() if since else None}
    found = obligations(profile["flags"], last_done(session, profile), today, since)
    hazards = hazard_summary(session, enterprise.id, today)
    return {
        "enterprise_id": enterprise.id,
        "computed_on": today.isoformat(),
        "obligations": [obligation_data(o) for o in found],
        "open_major_hazards": hazards["open_major_hazards"],
        "overdue_hazards": hazards["overdue_hazards"],
        "active_lockouts": active_lockouts(session, enterprise.id),
        "major_hazards": hazards["major_hazards"],
        "late_entries": late_entries(session, enterprise.id, today),
    }


def due_change(session, enterprise: Enterprise) -> Change:
    """Return the enterprise's `due` entity, computed afresh."""
    return Change(ENTITY, enterprise.id, enterprise_scope(enterprise.id), due_data(session, enterprise))


def rebuild(session, enterprise_id: str) -> list[Change]:
    """Return the due entities of one enterprise, computed afresh, when they changed."""
    return rebuild_many(session, [enterprise_id])


def rebuild_many(session, enterprise_ids: list[str]) -> list[Change]:
    """Return the changed `due` entities of the given enterprises."""
    if not enterprise_ids:
        return []
    enterprises = session.scalars(select(Enterprise).where(Enterprise.id.in_(enterprise_ids)))
    return only_changed(session, [due_change(session, e) for e in enterprises])
