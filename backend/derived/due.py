"""Computed `due` entities: each enterprise's cadence obligations and the bureau's overview of it."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from sqlalchemy import func, select

from sync import Change, tables

from ..models import Enterprise
from ..records import record
from ..rules.cadence import Obligation, due_soon_days_of, next_state_change, obligations
from ..rules.late_entry import leaves_lookback
from ..scopes import enterprise_scope
from . import clock
from .differs import only_changed
from .due_overview import OVERDUE_STATUSES, active_lockouts, hazard_summary, late_entries
from .due_sources import last_done

ENTITY = "due"
# The record types a push must touch to make it stale; None: every type (obligations, hazards, lockouts,
# late entries of any record).
SOURCES: tuple[str, ...] | None = None


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
    since = enterprise.registered_on()
    profile = enterprise.to_data()
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


def next_change_on(session, enterprise_id: str, today: date) -> date | None:
    """Return the first day after today on which the stored `due` changes by time alone (None: never)."""
    data = record(session, ENTITY, enterprise_id)
    if data is None:
        return today + timedelta(days=1)
    days = [
        next_state_change(
            clock.parse_day(o["next_due"]), due_soon_days_of(o["key"], o["interval_months"]), today
        )
        for o in data["obligations"]
    ]
    if data["major_hazards"]:
        days.append(today + timedelta(days=1))  # days_open and days_to_deadline count every day
    days.extend(leaves_lookback(clock.local_day(row["captured_at"])) for row in data["late_entries"])
    # The overview counts only the overdue hazards; their deadlines are on the hazards themselves.
    e = tables.entities.c
    due_date = e.data["due_date"].as_string()
    deadline = session.scalar(
        select(func.min(due_date)).where(
            e.entity == "hazard",
            e.scope == enterprise_scope(enterprise_id),
            e.status.in_(OVERDUE_STATUSES),
            e.deleted.is_(False),
            due_date >= today.isoformat(),
        )
    )
    if deadline is not None:
        days.append(clock.parse_day(deadline) + timedelta(days=1))
    return min((day for day in days if day is not None and day > today), default=None)
