"""Recompute every derived entity of some enterprises and record those that changed (jobs call this)."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable

from sync import SyncEngine

from . import MODULES
from .differs import only_changed


def refresh(session, engine: SyncEngine, enterprise_ids: Iterable[str]) -> Counter:
    """Record, without committing, each derived entity of these enterprises that differs; count by entity."""
    recorded: Counter = Counter()
    for enterprise_id in enterprise_ids:
        for module in MODULES:
            # Recorded one by one: a later module (due) reads what an earlier one (checklist) wrote.
            for change in only_changed(session, module.rebuild(session, enterprise_id)):
                engine.record_change(session, change)
                recorded[change.entity] += 1
    return recorded
