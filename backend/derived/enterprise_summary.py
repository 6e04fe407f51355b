"""Computed `enterprise_summary` entities: what a bureau's phone holds of an enterprise (profile and `due`).

A bureau pulls these instead of the records: one small entity per enterprise, in the scope of its county,
so a county, city or province bureau syncs only the summaries of its region. The `due` part is the
enterprise's stored `due` entity as the same refresh just recorded it (one source, never recomputed here).
"""

from __future__ import annotations

from datetime import date
from typing import Any

from sync import Change

from ..models import Enterprise
from ..records import record
from ..scopes import region_scope
from .differs import only_changed

ENTITY = "enterprise_summary"
# Stale whenever `due` is (any record type) and when the enterprise's profile changes.
SOURCES: tuple[str, ...] | None = None
# The profile fields a bureau works from (Enterprise.to_data without its history).
PROFILE_FIELDS = (
    "name",
    "uscc",
    "industry",
    "flags",
    "region_code",
    "address",
    "standardisation_grade",
    "ledger_confirmed_on",
    "registered_on",
)


def summary_data(enterprise: Enterprise, due: dict[str, Any] | None) -> dict[str, Any]:
    """Return the summary of an enterprise: its profile and its `due` data (None until computed)."""
    profile = enterprise.to_data()
    return {
        "id": enterprise.id,
        "enterprise_id": enterprise.id,
        **{name: profile[name] for name in PROFILE_FIELDS},
        "due": due,
    }


def summary_change(session, enterprise: Enterprise) -> Change:
    """Return the enterprise's summary from its profile and its stored `due`, in its county's scope."""
    due = record(session, "due", enterprise.id)
    return Change(ENTITY, enterprise.id, region_scope(enterprise.region_code), summary_data(enterprise, due))


def rebuild(session, enterprise_id: str) -> list[Change]:
    """Return the enterprise's summary when it differs from the stored one."""
    enterprise = session.get(Enterprise, enterprise_id)
    if enterprise is None:
        return []
    return only_changed(session, [summary_change(session, enterprise)])


def next_change_on(session, enterprise_id: str, today: date) -> date | None:
    """Return None: a summary changes only when `due` or the profile does, which schedule themselves."""
    return None
