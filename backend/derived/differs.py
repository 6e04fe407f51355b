"""Derived entities are recorded only when they differ from the stored state, so pulls carry no repeats."""

from __future__ import annotations

import json
from typing import Any

from sync import Change
from sync.store import load_entities, load_entity

# Entities the server computes; a change to one of them never triggers another recomputation.
DERIVED_ENTITIES = frozenset(
    {"due", "person_record", "badge", "checklist", "training_key", "enterprise_summary", "region"}
)


# Fields that say when a derived entity was computed, not what it holds: a recomputation that would change
# only these records nothing (the stored states hold until the enterprise's next scheduled day).
WHEN_FIELDS = frozenset({"computed_on"})


def as_stored(data: dict[str, Any]) -> Any:
    """Return data as a JSON column gives it back (tuples become lists, keys strings)."""
    return json.loads(json.dumps(data, ensure_ascii=False))


def differs(session, change: Change) -> bool:
    """Tell whether recording a change would alter the stored entity."""
    return _differs(load_entity(session, change.entity, change.id), change)


def only_changed(session, changes: list[Change]) -> list[Change]:
    """Keep the changes that alter what is stored (the stored states read in one query)."""
    stored = load_entities(session, [(c.entity, c.id) for c in changes], lock=False)
    return [change for change in changes if _differs(stored.get((change.entity, change.id)), change)]


def _differs(stored, change: Change) -> bool:
    if stored is None or stored.deleted:
        return not change.deleted
    return (
        change.deleted or stored.scope != change.scope or _what(as_stored(change.data)) != _what(stored.data)
    )


def _what(data: Any) -> Any:
    """Return data without its WHEN_FIELDS, also those of a document it embeds (a summary's `due`)."""
    if not isinstance(data, dict):
        return data
    return {
        key: _without_when(value) if isinstance(value, dict) else value
        for key, value in data.items()
        if key not in WHEN_FIELDS
    }


def _without_when(data: dict) -> dict:
    return {key: value for key, value in data.items() if key not in WHEN_FIELDS}


def enterprise_of_scope(scope: str) -> str | None:
    """Return the enterprise id of an `ent:<id>` scope; None for managers', personal and bureau scopes."""
    prefix, _, rest = scope.partition(":")
    if prefix != "ent" or not rest or ":" in rest:
        return None
    return rest
