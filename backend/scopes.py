"""Sync scopes: which readers a synced entity is visible to, and which scopes each person reads."""

from __future__ import annotations

import hashlib

from sqlalchemy import select

from sync import Actor

BUREAU_SCOPE = "bureau"
MANAGER_ROLES = ("officer", "principal")


def enterprise_scope(enterprise_id: str) -> str:
    """Everyone of the enterprise, and the bureau."""
    return f"ent:{enterprise_id}"


def managers_scope(enterprise_id: str) -> str:
    """The enterprise's officers and principals only (e.g. training QR keys)."""
    return f"ent:{enterprise_id}:managers"


def user_scope(user_id: str) -> str:
    """One person only (their badge, their inbox)."""
    return f"user:{user_id}"


def visible_scopes(session, actor: Actor) -> set[str]:
    """Enterprise users read their enterprise (managers also its managers' scope); the bureau every one."""
    from .models import Enterprise  # here, not at the top: the models import this module

    own = {user_scope(actor.id)}
    if actor.role == "bureau":
        ids = session.execute(select(Enterprise.id)).scalars()
        return own | {enterprise_scope(i) for i in ids} | {BUREAU_SCOPE}
    if not actor.enterprise_id:
        return set()
    own.add(enterprise_scope(actor.enterprise_id))
    if actor.role in MANAGER_ROLES:
        own.add(managers_scope(actor.enterprise_id))
    return own


def cursor_fingerprint(actor: Actor, scopes: set[str]) -> str:
    """Name what a cursor was made for; the bureau's does not change as enterprises register.

    A newly registered enterprise has no change older than any cursor, so the bureau keeps its cursor;
    moving a person to another enterprise or role changes theirs, and their next pull starts over.
    """
    if actor.role == "bureau":
        text = f"bureau|{user_scope(actor.id)}"
    else:
        text = actor.role + "|" + ",".join(sorted(scopes))
    return hashlib.sha256(text.encode()).hexdigest()[:16]
