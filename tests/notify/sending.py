"""Send-now helpers for the transport tests: queue a delivery and attempt it at once.

Production never sends inline: `notify` queues and the scheduler's `deliver_due` sends.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.orm import Session

from backend.models.types import utcnow
from backend.notify import DeliveryResult, deliver, queue_office_message, queue_web_push
from backend.notify.webpush import DEFAULT_TTL


def push_to_user(
    session: Session,
    user_id: str,
    notification_key: str,
    payload: dict,
    *,
    ttl: int = DEFAULT_TTL,
    urgency: str = "normal",
    topic: str | None = None,
    now: datetime | None = None,
) -> list[DeliveryResult]:
    """Queue and send a push to every device of a person now (commits); failures wait for deliver_due."""
    now = now or utcnow()
    options = {"ttl": ttl, "urgency": urgency, "topic": topic, "now": now}
    rows = queue_web_push(session, user_id, notification_key, payload, **options)
    return deliver(session, rows, now)


def post_to_office(
    session: Session,
    enterprise_id: str | None,
    notification_key: str,
    title: str,
    lines: list[str] | tuple[str, ...] = (),
    url: str | None = None,
    *,
    now: datetime | None = None,
    regions: tuple[str, ...] = (),
) -> list[DeliveryResult]:
    """Queue and send a robot message to the office channels of an enterprise or of the bureaus of
    these region nodes (commits)."""
    now = now or utcnow()
    rows = queue_office_message(
        session, enterprise_id, notification_key, title, lines, url, now=now, regions=regions
    )
    return deliver(session, rows, now)
