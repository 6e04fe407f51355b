"""Notification transport: Web Push and office robots, with a delivery log that retries."""

from .deliveries import (
    deliver,
    deliver_due,
    queue_office_message,
    queue_web_push,
)
from .outcomes import DeliveryResult
from .vapid import vapid_keys
from .webhooks import render_markdown, send_office_message
from .webpush import PayloadTooLarge, push_payload, send_web_push, topic_for

__all__ = [
    "DeliveryResult",
    "PayloadTooLarge",
    "deliver",
    "deliver_due",
    "push_payload",
    "queue_office_message",
    "queue_web_push",
    "render_markdown",
    "send_office_message",
    "send_web_push",
    "topic_for",
    "vapid_keys",
]
