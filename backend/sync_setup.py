"""Builds the app's sync engine: registers command handlers and who sees which scope."""

from __future__ import annotations

from flask import Flask, current_app
from sqlalchemy import select

from sync import Actor, Change, SyncEngine

from .commands import hazard
from .extensions import db
from .models import Enterprise, User
from .models.enterprise import enterprise_scope
from .models.user import BUREAU_SCOPE

COMMAND_SPECS = (*hazard.SPECS,)


def visible_scopes(session, actor: Actor) -> set[str]:
    """Enterprise users see their enterprise; the bureau sees every enterprise and itself."""
    if actor.role == "bureau":
        ids = session.execute(select(Enterprise.id)).scalars()
        return {enterprise_scope(i) for i in ids} | {BUREAU_SCOPE}
    if actor.enterprise_id:
        return {enterprise_scope(actor.enterprise_id)}
    return set()


def init_sync(app: Flask) -> None:
    """Create the engine once per app and keep it in app.extensions."""
    engine = SyncEngine(visible_scopes)
    for spec in COMMAND_SPECS:
        engine.register(spec)
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
