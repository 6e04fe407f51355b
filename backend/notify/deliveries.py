"""The delivery log at work: queue one row per target, claim it in the database, send, record."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from datetime import datetime, timedelta

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from ..models import Delivery, LoginSession, OfficeChannel, PushSubscription
from ..models.delivery import OPEN_STATUSES
from ..models.types import utcnow
from . import summaries
from .outcomes import DeliveryResult, next_attempt, retry_or_fail
from .webhooks import send_office_message
from .webpush import DEFAULT_TTL, encode_payload, push_headers, send_web_push

# A claimed delivery is not due again for this long: another worker takes it over only if we died.
LEASE = timedelta(minutes=5)
# Hosts' clocks differ a little: a worker behind the host that queued a delivery "now" still takes it,
# instead of leaving it to the next dispatch (15 s later). Far below any backoff step (30 s) or the lease.
CLOCK_SKEW = timedelta(seconds=2)


def queue_web_push(
    session: Session,
    user_id: str,
    notification_key: str,
    payload: dict,
    *,
    ttl: int = DEFAULT_TTL,
    urgency: str = "normal",
    topic: str | None = None,
    now: datetime | None = None,
) -> list[Delivery]:
    """Log a pending push for each device of a person, due now; commit with your own records."""
    now = now or utcnow()
    message = web_push_message(payload, ttl=ttl, urgency=urgency, topic=topic)
    subscriptions = session.scalars(live_subscriptions().where(PushSubscription.user_id == user_id)).all()
    return _queue(session, notification_key, [("webpush", s.id) for s in subscriptions], message, now)


def web_push_message(payload: dict, *, ttl: int = DEFAULT_TTL, urgency: str = "normal", topic=None) -> dict:
    """Check a push (size, headers) and return what its delivery row keeps to send it again."""
    encode_payload(payload)
    push_headers(urgency, topic)
    return {"payload": payload, "ttl": int(ttl), "urgency": urgency, "topic": topic}


def live_subscriptions():
    """Select the push subscriptions whose sign-in is still valid (add a filter on whose)."""
    return (
        select(PushSubscription)
        .outerjoin(LoginSession, LoginSession.id == PushSubscription.session_id)
        # A device whose sign-in has ended (password reset, stolen refresh token) gets no more pushes.
        .where(LoginSession.revoked_at.is_(None))
    )


def queue_office_message(
    session: Session,
    enterprise_id: str | None,
    notification_key: str,
    title: str,
    lines: list[str] | tuple[str, ...] = (),
    url: str | None = None,
    *,
    now: datetime | None = None,
    regions: Sequence[str] = (),
) -> list[Delivery]:
    """Log a pending robot message for each active office channel of an enterprise (None: the bureaus
    of these region nodes)."""
    now = now or utcnow()
    owner = (
        OfficeChannel.enterprise_id.is_(None) & OfficeChannel.region_code.in_(list(regions))
        if enterprise_id is None
        else OfficeChannel.enterprise_id == enterprise_id
    )
    channels = session.scalars(select(OfficeChannel).where(owner, OfficeChannel.active.is_(True))).all()
    message = {"title": title, "lines": list(lines), "url": url}
    return _queue(session, notification_key, [(c.kind, c.id) for c in channels], message, now)


def _queue(session: Session, key: str, targets: list[tuple[str, str]], message: dict, now: datetime):
    rows = [
        Delivery(
            notification_key=key,
            channel=channel,
            target=target,
            status="pending",
            attempts=0,
            next_attempt_at=now,
            created_at=now,
            message=message,
        )
        for channel, target in targets
    ]
    session.add_all(rows)
    session.flush()
    return rows


def deliver(
    session: Session, deliveries: list[Delivery], now: datetime | None = None
) -> list[DeliveryResult]:
    """Commit, then send the given queued deliveries that no other worker has claimed."""
    now = now or utcnow()
    ids = [delivery.id for delivery in deliveries]
    session.commit()
    return [_attempt(session, delivery_id, now) for delivery_id in ids if claim(session, delivery_id, now)]


def deliver_due(session: Session, now: datetime | None = None, limit: int = 200) -> list[DeliveryResult]:
    """Send every pending or retrying delivery due by now, each claimed so no two workers send it."""
    now = now or utcnow()
    due = session.scalars(
        select(Delivery.id)
        .where(Delivery.status.in_(OPEN_STATUSES), Delivery.next_attempt_at <= now)
        .order_by(Delivery.next_attempt_at, Delivery.id)
        .limit(limit)
    ).all()
    session.commit()
    return deliver_ids(session, due, now)


def deliver_ids(session: Session, ids: list[int], now: datetime | None = None) -> list[DeliveryResult]:
    """Send those of the given deliveries this worker claims (open, due by now); skip the others."""
    now = now or utcnow()
    return [_attempt(session, delivery_id, now) for delivery_id in ids if claim(session, delivery_id, now)]


def claim(session: Session, delivery_id: int, now: datetime) -> bool:
    """Take a due delivery for this worker (one conditional UPDATE, committed); False if another has it.

    Due means by now on this worker's clock, give or take CLOCK_SKEW between hosts.
    """
    claimed = session.execute(
        update(Delivery)
        .where(
            Delivery.id == delivery_id,
            Delivery.status.in_(OPEN_STATUSES),
            Delivery.next_attempt_at <= now + CLOCK_SKEW,
        )
        .values(attempts=Delivery.attempts + 1, next_attempt_at=now + LEASE)
        .execution_options(synchronize_session=False)
    )
    session.commit()
    return claimed.rowcount == 1


def _attempt(session: Session, delivery_id: int, now: datetime) -> DeliveryResult:
    """Send one claimed delivery and write its outcome into the log."""
    delivery = session.get(Delivery, delivery_id, populate_existing=True)
    result = _send(session, delivery, now)
    record(delivery, result, now)
    session.commit()
    return replace(result, status=delivery.status, delivery_id=delivery.id)


def _send(session: Session, delivery: Delivery, now: datetime) -> DeliveryResult:
    message = delivery.message or {}
    if delivery.channel == "webpush":
        subscription = session.get(PushSubscription, delivery.target)
        if subscription is None:
            return DeliveryResult("gone", error=summaries.SUBSCRIPTION_REMOVED)
        ttl = int(message.get("ttl", DEFAULT_TTL))
        if delivery.attempts > 1:
            # A retry carries only the time the message still has to live.
            ttl -= int((now - delivery.created_at).total_seconds())
            if ttl <= 0:
                return DeliveryResult("failed", error=summaries.EXPIRED)
        return send_web_push(
            subscription,
            message["payload"],
            ttl=ttl,
            urgency=message.get("urgency", "normal"),
            topic=message.get("topic"),
        )
    channel = session.get(OfficeChannel, delivery.target)
    if channel is None or not channel.active:
        return DeliveryResult("failed", error=summaries.CHANNEL_OFF)
    return send_office_message(
        channel, message.get("title", ""), message.get("lines", []), message.get("url")
    )


def record(delivery: Delivery, result: DeliveryResult, now: datetime) -> None:
    """Write an attempt's outcome: sent, gone, retry at the next time, or failed after MAX_ATTEMPTS."""
    delivery.last_error = result.error
    if result.status == "sent":
        delivery.status, delivery.sent_at, delivery.next_attempt_at = "sent", now, None
    elif result.status == "retry" and retry_or_fail(delivery.attempts) == "retry":
        delivery.status, delivery.next_attempt_at = "retry", next_attempt(result, delivery.attempts, now)
    else:
        delivery.status = "gone" if result.status == "gone" else "failed"
        delivery.next_attempt_at = None
