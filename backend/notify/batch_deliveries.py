"""Deliveries for many recipients at once: one query for their settings and devices, one batched insert."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import Select, insert, select
from sqlalchemy.orm import Session

from sync import tables

from ..models import Delivery, OfficeChannel, PushSubscription
from .deliveries import live_subscriptions, web_push_message
from .inbox import SETTINGS, push_plan


def queue_web_pushes(
    session: Session, notifications: Sequence[dict], topic: str, now: datetime, people: Select
) -> int:
    """Queue the pushes each recipient's settings allow; return how many rows.

    The recipients are among `people` (a select of user ids by key range): their settings and devices are
    read through it, never by a list of ids that grows with the chunk.
    """
    if not notifications:
        return 0
    e = tables.entities.c
    settings = dict(
        session.execute(
            select(e.id, e.data).where(e.entity == SETTINGS, e.id.in_(people), e.deleted.is_(False))
        ).all()
    )
    devices: dict[str, list[str]] = {}
    mine = live_subscriptions().where(PushSubscription.user_id.in_(people))
    for subscription in session.scalars(mine):
        devices.setdefault(subscription.user_id, []).append(subscription.id)
    rows = []
    for notification in notifications:
        targets = devices.get(notification["user_id"])
        plan = push_plan(settings.get(notification["user_id"]), notification, topic, now) if targets else None
        if plan is None:
            continue
        payload, options, due = plan
        options.pop("now")
        message = web_push_message(payload, **options)
        rows.extend(_row(notification["id"], "webpush", target, message, due, now) for target in targets)
    return _insert(session, rows)


def queue_office_messages(
    session: Session,
    enterprise_ids: Sequence[str],
    key: str,
    title: str,
    lines: list[str],
    url: str | None,
    now: datetime,
) -> int:
    """Queue one robot message to each active office channel of these enterprises; return how many rows."""
    if not enterprise_ids:
        return 0
    channels = session.scalars(
        select(OfficeChannel).where(
            OfficeChannel.enterprise_id.in_(list(enterprise_ids)), OfficeChannel.active.is_(True)
        )
    )
    message = {"title": title, "lines": list(lines), "url": url}
    return _insert(session, [_row(key, channel.kind, channel.id, message, now, now) for channel in channels])


def _row(key: str, channel: str, target: str, message: dict, due: datetime, now: datetime) -> dict:
    return {
        "notification_key": key,
        "channel": channel,
        "target": target,
        "status": "pending",
        "attempts": 0,
        "next_attempt_at": due,
        "created_at": now,
        "message": message,
    }


def _insert(session: Session, rows: list[dict]) -> int:
    if rows:
        session.execute(insert(Delivery), rows)
    return len(rows)
