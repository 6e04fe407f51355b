"""Sync scopes: which readers a synced entity is visible to, and which scopes each person reads."""

from __future__ import annotations

import hashlib

from sqlalchemy import select

from sync import Actor

from .rules.regions import code_range, subtree

MANAGER_ROLES = ("officer", "principal")
BUREAU = "bureau"


def enterprise_scope(enterprise_id: str) -> str:
    """Everyone of the enterprise (bureaus over it read these records online, never by pull)."""
    return f"ent:{enterprise_id}"


def managers_scope(enterprise_id: str) -> str:
    """The enterprise's officers and principals only (e.g. training QR keys)."""
    return f"ent:{enterprise_id}:managers"


def user_scope(user_id: str) -> str:
    """One person only (their badge, their inbox)."""
    return f"user:{user_id}"


def region_scope(code: str) -> str:
    """The bureaus at and above a region node: its summaries, its node, its notices and receipts."""
    return f"region:{code}"


def bureau_region(session, actor: Actor) -> str | None:
    """Return the region node of a bureau actor (None for other roles, or a bureau without one)."""
    from .models import User  # here, not at the top: the models import this module

    if actor.role != BUREAU:
        return None
    return session.scalar(select(User.region_code).where(User.id == actor.id))


def region_scopes(code: str) -> set[str]:
    """Return the scopes of a node and every node below it."""
    return {region_scope(c) for c in subtree(code)}


def enterprises_in(code: str):
    """Select the ids of the enterprises at or below a region node (an indexed range of county codes)."""
    from .models import Enterprise

    low, high = code_range(code)
    return select(Enterprise.id).where(Enterprise.region_code.between(low, high))


def pulled_scopes(session, actor: Actor) -> set[str]:
    """Return what a person's phone pulls: a bureau only its region's summaries, never records."""
    if actor.role == BUREAU:
        code = bureau_region(session, actor)
        return {user_scope(actor.id)} | (region_scopes(code) if code else set())
    return visible_scopes(session, actor)


def visible_scopes(session, actor: Actor) -> set[str]:
    """Return every scope a person may read: their pull, plus (a bureau) its enterprises' records online.

    Push checks a command's entity against these, and blob reads its photos: a bureau acts on and reads
    the enterprises of its region and below, and nothing of a neighbouring county.
    """
    own = {user_scope(actor.id)}
    if actor.role == BUREAU:
        code = bureau_region(session, actor)
        if not code:
            return own
        ids = session.execute(enterprises_in(code)).scalars()
        return own | region_scopes(code) | {enterprise_scope(i) for i in ids}
    if not actor.enterprise_id:
        return set()
    own.add(enterprise_scope(actor.enterprise_id))
    if actor.role in MANAGER_ROLES:
        own.add(managers_scope(actor.enterprise_id))
    return own


def cursor_fingerprint(actor: Actor, scopes: set[str]) -> str:
    """Name what a cursor was made for: the role and the scopes pulled (a bureau: its region's).

    Moving a person to another enterprise, role or region changes theirs, and their next pull starts over.
    """
    text = actor.role + "|" + ",".join(sorted(scopes))
    return hashlib.sha256(text.encode()).hexdigest()[:16]
