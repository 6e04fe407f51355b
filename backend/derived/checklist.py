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


def checklist_of(enterprise_id: str, flags: Iterable[str]) -> Change:
    """Return the checklist entity of an enterprise with these flags (id = enterprise id)."""
    data: dict[str, Any] = {"enterprise_id": enterprise_id, "items": checklist_for(flags)}
    return Change(ENTITY, enterprise_id, enterprise_scope(enterprise_id), data)


def _if_changed(session, enterprise_id: str, flags: Iterable[str]) -> list[Change]:
    fresh = checklist_of(enterprise_id, flags)
    stored = record(session, ENTITY, enterprise_id)
    return [] if stored == fresh.data else [fresh]


def on_push(session, actor, changes: list[Change]) -> list[Change]:
    """Republish checklists whose enterprise's flags changed in the push, or that do not exist yet."""
    flags_by_enterprise: dict[str, Iterable[str]] = {
        change.id: change.data.get("flags") or [] for change in changes if change.entity == "enterprise"
    }
    if actor.enterprise_id and actor.enterprise_id not in flags_by_enterprise:
        # An enterprise seeded outside a push gets its checklist with its people's first push.
        if record(session, ENTITY, actor.enterprise_id) is None:
            enterprise = session.get(Enterprise, actor.enterprise_id)
            if enterprise is not None:
                flags_by_enterprise[enterprise.id] = enterprise.flags or []
    found: list[Change] = []
    for enterprise_id, flags in flags_by_enterprise.items():
        found.extend(_if_changed(session, enterprise_id, flags))
    return found


def rebuild(session, enterprise_id: str) -> list[Change]:
    """Return the enterprise's checklist when it differs from the stored one (nothing when up to date)."""
    enterprise = session.get(Enterprise, enterprise_id)
    if enterprise is None:
        return []
    return _if_changed(session, enterprise.id, enterprise.flags or [])


def next_change_on(session, enterprise_id: str, today) -> None:
    """Return None: no day passing changes a checklist."""
    return None
