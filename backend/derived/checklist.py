"""Computed checklist entities: the 令第10号 items that apply to an enterprise's profile flags."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from sync import Change

from ..models import Enterprise
from ..records import record
from ..rules.inspection_rules import checklist_for
from ..scopes import enterprise_scope

ENTITY = "checklist"
# The record types a push must touch to make it stale; None: any (an enterprise seeded outside a push
# gets its checklist with its first push, and the recomputation is one read).
SOURCES: tuple[str, ...] | None = None


def checklist_of(enterprise_id: str, industry: str | None, flags: Iterable[str]) -> Change:
    """Return the checklist entity of an enterprise of this industry and flags (id = enterprise id)."""
    items = checklist_for(industry, flags)
    data: dict[str, Any] = {"enterprise_id": enterprise_id, "industry": industry, "items": items}
    return Change(ENTITY, enterprise_id, enterprise_scope(enterprise_id), data)


def changed_checklist(
    session, enterprise_id: str, industry: str | None, flags: Iterable[str]
) -> list[Change]:
    """Return the checklist for this industry and flags when it differs from the stored one."""
    fresh = checklist_of(enterprise_id, industry, flags)
    stored = record(session, ENTITY, enterprise_id)
    return [] if stored == fresh.data else [fresh]


def rebuild(session, enterprise_id: str) -> list[Change]:
    """Return the enterprise's checklist when it differs from the stored one (nothing when up to date)."""
    enterprise = session.get(Enterprise, enterprise_id)
    if enterprise is None:
        return []
    return changed_checklist(session, enterprise.id, enterprise.industry, enterprise.flags or [])


def next_change_on(session, enterprise_id: str, today) -> None:
    """Return None: no day passing changes a checklist."""
    return None
