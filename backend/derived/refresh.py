"""Recompute every derived entity of some enterprises and record those that changed (jobs call this)."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable

from sync import SyncEngine

from . import MODULES
from .differs import only_changed


def refresh(
    session, engine: SyncEngine, enterprise_ids: Iterable[str], only: dict[str, set[str]] | None = None
) -> Counter:
    """Record, without committing, each derived entity of these enterprises that differs; count by entity.

    only: enterprise → the derived types to recompute (the marks a push left); absent: every type.
    """
    recorded: Counter = Counter()
    for enterprise_id in enterprise_ids:
        wanted = None if only is None else only.get(enterprise_id, set())
        for module in MODULES:
            if wanted is not None and module.ENTITY not in wanted:
                continue
            # Recorded one by one: a later module (due) reads what an earlier one (checklist) wrote.
            for change in only_changed(session, module.rebuild(session, enterprise_id)):
                engine.record_change(session, change)
                recorded[change.entity] += 1
    return recorded
