"""Sync scopes: which readers a synced entity is visible to, and which scopes each person reads."""

from __future__ import annotations

import hashlib
from collections.abc import Container

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


def visible_scopes(session, actor: Actor) -> Container[str]:
    """Return every scope a person may read: their pull, plus (a bureau) its enterprises' records online.

    Push checks a command's entity against these, and blob reads its photos: a bureau acts on and reads
    the enterprises of its region and below, and nothing of a neighbouring county.
    """
    own = {user_scope(actor.id)}
    if actor.role == BUREAU:
        code = bureau_region(session, actor)
        return RegionReader(session, own | region_scopes(code), code) if code else own
    if not actor.enterprise_id:
        return set()
    own.add(enterprise_scope(actor.enterprise_id))
    if actor.role in MANAGER_ROLES:
        own.add(managers_scope(actor.enterprise_id))
    return own


class RegionReader(Container[str]):
    """A bureau's readable scopes: its own, its region's nodes, and the records of each enterprise in it.

    A province holds thousands of enterprises: each is looked up (by id) when a scope of it is asked
    about, never listed, so a push or a photo read costs the same in a county and in a province.
    """

    def __init__(self, session, fixed: set[str], code: str):
        self.session = session
        self.fixed = frozenset(fixed)
        self.low, self.high = code_range(code)
        self.answers: dict[str, bool] = {}

    def __contains__(self, scope: object) -> bool:
        if scope in self.fixed:
            return True
        if not isinstance(scope, str) or not scope.startswith("ent:") or scope.count(":") != 1:
            return False  # a user's, a region's, or an enterprise's managers' scope
        if scope not in self.answers:
            from .models import Enterprise  # here, not at the top: the models import this module

            county = self.session.scalar(select(Enterprise.region_code).where(Enterprise.id == scope[4:]))
            self.answers[scope] = county is not None and self.low <= county <= self.high
        return self.answers[scope]


def cursor_fingerprint(actor: Actor, scopes: set[str]) -> str:
    """Name what a cursor was made for: the role and the scopes pulled (a bureau: its region's).

    Moving a person to another enterprise, role or region changes theirs, and their next pull starts over.
    """
    text = actor.role + "|" + ",".join(sorted(scopes))
    return hashlib.sha256(text.encode()).hexdigest()[:16]
