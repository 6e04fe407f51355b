"""Computed badge entities: each enterprise person's signed QR text for roll calls, pulled only by them."""

from __future__ import annotations

from sqlalchemy import select

from sync import Change

from ..badges import badge_text
from ..models import User
from ..scopes import user_scope

ENTITY = "badge"
# The record types a push must touch to make it stale; None: any (a new person needs one, and the
# recomputation is one query).
SOURCES: tuple[str, ...] | None = None


def badge_change(user_id: str, key: str | None = None) -> Change:
    """Return the badge entity of one person, in their personal scope."""
    data = {"user_id": user_id, "qr": badge_text(user_id, key)}
    return Change(ENTITY, user_id, user_scope(user_id), data)


def rebuild(session, enterprise_id: str) -> list[Change]:
    """Return the badge entities of one enterprise, computed afresh."""
    ids = session.execute(select(User.id).where(User.enterprise_id == enterprise_id).order_by(User.id))
    return [badge_change(user_id) for user_id in ids.scalars()]


def next_change_on(session, enterprise_id: str, today) -> None:
    """Return None: no day passing changes a badge."""
    return None
