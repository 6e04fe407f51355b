"""Computed badge entities: each enterprise person's signed QR text for roll calls, pulled only by them."""

from __future__ import annotations

from sqlalchemy import select

from sync import Change

from ..badges import badge_text
from ..models import User
from ..records import record
from ..scopes import user_scope

ENTITY = "badge"


def badge_change(user_id: str, key: str | None = None) -> Change:
    """Return the badge entity of one person, in their personal scope."""
    data = {"user_id": user_id, "qr": badge_text(user_id, key)}
    return Change(ENTITY, user_id, user_scope(user_id), data)


def on_push(session, actor, changes: list[Change]) -> list[Change]:
    """Return badges for the enterprise people of this push who have none yet (new users)."""
    made: dict[str, Change] = {}
    for change in changes:
        if change.entity != "user" or change.id in made or not change.data.get("enterprise_id"):
            continue
        if record(session, ENTITY, change.id) is None:
            made[change.id] = badge_change(change.id)
    return list(made.values())


def rebuild(session, enterprise_id: str) -> list[Change]:
    """Return the badge entities of one enterprise, computed afresh."""
    ids = session.execute(select(User.id).where(User.enterprise_id == enterprise_id).order_by(User.id))
    return [badge_change(user_id) for user_id in ids.scalars()]


def next_change_on(session, enterprise_id: str, today) -> None:
    """Return None: no day passing changes a badge."""
    return None
