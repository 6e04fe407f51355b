"""Builds the app's sync engine: registers command handlers and who sees which scope."""

from __future__ import annotations

from flask import Flask, current_app

from sync import Actor, Change, SyncEngine, store

from .commands import drill, hazard, inspection, lockout, notification, people, training
from .derived import MODULES as DERIVED_MODULES
from .derived import marks
from .derived.worker import init_worker
from .extensions import db
from .models import User
from .notify import workflow
from .records import KIND_FIELDS, MOMENT_FIELDS
from .rules.late_entry import is_late
from .scopes import cursor_fingerprint, pulled_scopes, visible_scopes

COMMAND_SPECS = (
    *hazard.SPECS,
    *people.SPECS,
    *drill.SPECS,
    *lockout.SPECS,
    *training.SPECS,
    *inspection.SPECS,
    *notification.SPECS,
)
# Command type names: the only values the push metrics' `type` label takes (anything else is "other").
COMMAND_TYPES = frozenset(spec.type for spec in COMMAND_SPECS)

# Every entity type a pull can carry: those commands change, those the server derives, and the region
# nodes (data shipped with the code, backend/region_entities.py).
ENTITY_TYPES = tuple(
    sorted(
        {spec.entity for spec in COMMAND_SPECS}
        | {entity for spec in COMMAND_SPECS for entity in spec.also_changes}
        | {module.ENTITY for module in DERIVED_MODULES}
        | {"region"}
    )
)


def init_sync(app: Flask) -> None:
    """Create the engine once per app and keep it in app.extensions."""
    engine = SyncEngine(visible_scopes, fingerprint_policy=cursor_fingerprint, pull_policy=pulled_scopes)
    for spec in COMMAND_SPECS:
        engine.register(spec)
    # A push marks the enterprises it touched; the derived job recomputes them after the commit.
    engine.after_push.append(marks.on_push)
    # Each step that hands work to someone tells them, in the push's transaction (notify/workflow.py).
    engine.after_push.append(workflow.on_push)
    engine.is_late = is_late
    store.KIND_FIELDS.update(KIND_FIELDS)
    store.MOMENT_FIELDS.update(MOMENT_FIELDS)
    init_worker(app, engine)
    app.extensions["sync_engine"] = engine


def sync_engine() -> SyncEngine:
    """Return the current app's engine."""
    return current_app.extensions["sync_engine"]


def actor_of(user: User) -> Actor:
    """Describe a user to the engine."""
    return Actor(user.id, user.role, user.enterprise_id)


def publish(record) -> None:
    """Record a change to a user or enterprise made outside a push (seeding, admin screens)."""
    sync_engine().record_change(db.session, Change(record.entity, record.id, record.scope, record.to_data()))
