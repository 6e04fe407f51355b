"""The inbox: a synced notification per recipient first, then a Web Push wake-up the settings allow."""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from datetime import UTC, datetime
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import Session

from sync import Change
from sync.store import load_entity
from sync.wire import format_time

from ..models import User
from ..models.types import utcnow
from ..rules.notification_kinds import in_quiet_hours, is_critical, push_allowed, quiet_hours_end
from ..scopes import user_scope
from .deliveries import queue_office_message, queue_web_push
from .webpush import push_payload

SHANGHAI = ZoneInfo("Asia/Shanghai")
NOTIFICATION = "notification"
SETTINGS = "notification_settings"
# The push carries a short line; the inbox holds the whole text.
PUSH_BODY_CHARS = 200
CRITICAL_TTL = 7 * 24 * 3600


def notify(
    session: Session,
    recipients: Iterable[str],
    kind: str,
    title: str,
    body: str,
    url: str,
    *,
    critical: bool | None = None,
    source: dict | None = None,
    notice_id: str | None = None,
    topic: str | None = None,
    now: datetime | None = None,
) -> list[Change]:
    """Put a notification in each active recipient's inbox (recorded for pull) and queue their pushes."""
    from ..sync_setup import sync_engine  # here: sync_setup imports the command modules that import us

    changes = notification_changes(
        session,
        recipients,
        kind,
        title,
        body,
        url,
        critical=critical,
        source=source,
        notice_id=notice_id,
        topic=topic,
        now=now,
    )
    engine = sync_engine()
    for change in changes:
        engine.record_change(session, change)
    return changes


def notification_changes(
    session: Session,
    recipients: Iterable[str],
    kind: str,
    title: str,
    body: str,
    url: str,
    *,
    critical: bool | None = None,
    source: dict | None = None,
    notice_id: str | None = None,
    topic: str | None = None,
    now: datetime | None = None,
) -> list[Change]:
    """Build the notifications and queue their pushes without recording them (a command handler's part)."""
    now = now or utcnow()
    critical = is_critical(kind) if critical is None else critical
    source = {"entity": source["entity"], "id": source["id"]} if source else None
    topic = topic or ":".join([kind, source["entity"], source["id"]] if source else [kind])
    changes = []
    for user_id in active_users(session, recipients):
        change = notification_change(
            str(uuid.uuid4()), user_id, kind, title, body, url, critical, source, notice_id, now
        )
        changes.append(change)
        _queue_push(session, change.data, topic, now)
    return changes


def notification_change(
    notification_id: str,
    user_id: str,
    kind: str,
    title: str,
    body: str,
    url: str,
    critical: bool,
    source: dict | None,
    notice_id: str | None,
    now: datetime,
) -> Change:
    """Return one person's new inbox entry (no query: callers batch it)."""
    data = {
        "id": notification_id,
        "user_id": user_id,
        "kind": kind,
        "title": title,
        "body": body,
        "url": url,
        "critical": critical,
        "source": source,
        "notice_id": notice_id,
        "created_at": format_time(now),
        "read_at": None,
        "acknowledged_at": None,
        "history": [],
    }
    return Change(NOTIFICATION, notification_id, user_scope(user_id), data)


def active_users(session: Session, user_ids: Iterable[str]) -> list[str]:
    """Return the given people who are active, once each, in the order given."""
    wanted = list(dict.fromkeys(user_ids))
    if not wanted:
        return []
    active = set(session.scalars(select(User.id).where(User.id.in_(wanted), User.active.is_(True))))
    return [user_id for user_id in wanted if user_id in active]


def settings_of(session: Session, user_id: str) -> dict[str, Any] | None:
    """Return a person's notification settings, or None when they never changed them."""
    stored = load_entity(session, SETTINGS, user_id)
    return None if stored is None or stored.deleted else stored.data


def _queue_push(session: Session, notification: dict, topic: str, now: datetime) -> None:
    """Queue the push the person's settings allow: now, after their quiet hours, or not at all."""
    plan = push_plan(settings_of(session, notification["user_id"]), notification, topic, now)
    if plan is None:
        return
    payload, options, due = plan
    for delivery in queue_web_push(session, notification["user_id"], notification["id"], payload, **options):
        delivery.next_attempt_at = due


def push_plan(
    settings: dict[str, Any] | None, notification: dict, topic: str, now: datetime
) -> tuple[dict, dict[str, Any], datetime] | None:
    """Return (payload, options, due) of the push a person's settings allow for a notification, or None."""
    critical = notification["critical"]
    if not push_allowed(settings, notification["kind"], critical):
        return None
    due = now
    local = now.astimezone(SHANGHAI)
    if not critical and in_quiet_hours(settings, local):
        due = quiet_hours_end(settings, local).astimezone(UTC)
    body = notification["body"]
    if len(body) > PUSH_BODY_CHARS:
        body = body[: PUSH_BODY_CHARS - 1] + "…"
    payload = push_payload(notification["title"][:100], body, notification["url"], topic)
    options: dict[str, Any] = {"urgency": "high" if critical else "normal", "topic": topic, "now": now}
    if critical:
        options["ttl"] = CRITICAL_TTL
    return payload, options, due


def notify_office(
    session: Session,
    enterprise_id: str | None,
    key: str,
    title: str,
    lines: list[str] | tuple[str, ...],
    url: str | None,
    now: datetime | None = None,
    regions: tuple[str, ...] = (),
):
    """Queue a robot message to the office channels of an enterprise (None: the bureaus of `regions`)."""
    return queue_office_message(session, enterprise_id, key, title, lines, url, now=now, regions=regions)
