"""Sending one Web Push message with pywebpush: small payload, VAPID, TTL, urgency, topic."""

from __future__ import annotations

import base64
import hashlib
import json
import logging

import requests
from py_vapid import VapidException
from pywebpush import WebPushException, webpush
from sqlalchemy.orm import object_session

from ..models import PushSubscription
from ..models.types import utcnow
from .outcomes import DeliveryResult, parse_retry_after
from .vapid import vapid_keys

log = logging.getLogger(__name__)

MAX_PAYLOAD_BYTES = 3072
URGENCIES = ("very-low", "low", "normal", "high")
DEFAULT_TTL = 24 * 3600
TIMEOUT_SECONDS = 10
GONE = (404, 410)


class PayloadTooLarge(ValueError):
    """The JSON payload is over MAX_PAYLOAD_BYTES: send a short line and let the inbox hold the rest."""


def push_payload(title: str, body: str = "", url: str = "/", tag: str | None = None) -> dict:
    """Build the payload the service worker shows: {title, body, url, tag}."""
    payload = {"title": title, "body": body, "url": url}
    if tag:
        payload["tag"] = tag
    return payload


def encode_payload(payload: dict) -> bytes:
    """Serialise the payload as compact UTF-8 JSON; raise PayloadTooLarge past the limit."""
    data = json.dumps(payload, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
    if len(data) > MAX_PAYLOAD_BYTES:
        raise PayloadTooLarge(f"push payload is {len(data)} bytes; the limit is {MAX_PAYLOAD_BYTES}")
    return data


def topic_for(key: str) -> str:
    """Turn any key into a Topic header (≤ 32 base64url characters) so newer messages replace older."""
    return base64.urlsafe_b64encode(hashlib.sha256(key.encode("utf-8")).digest()[:24]).decode("ascii")


def push_headers(urgency: str, topic: str | None) -> dict[str, str]:
    """Return the Urgency and Topic headers of one message."""
    if urgency not in URGENCIES:
        raise ValueError(f"urgency must be one of {URGENCIES}")
    headers = {"Urgency": urgency}
    if topic:
        headers["Topic"] = topic_for(topic)
    return headers


def send_web_push(
    subscription: PushSubscription,
    payload: dict,
    *,
    ttl: int = DEFAULT_TTL,
    urgency: str = "normal",
    topic: str | None = None,
) -> DeliveryResult:
    """Send one encrypted message to a subscription; a 404/410 deletes it (the caller commits)."""
    data = encode_payload(payload)
    headers = push_headers(urgency, topic)
    keys = vapid_keys()
    try:
        response = webpush(
            subscription.subscription_info(),
            data=data.decode("utf-8"),
            vapid_private_key=keys.signer(),
            vapid_claims={"sub": keys.subject},
            ttl=max(int(ttl), 0),
            headers=headers,
            timeout=TIMEOUT_SECONDS,
        )
        result = DeliveryResult("sent", http_status=response.status_code)
    except WebPushException as error:
        result = _refused(error)
    except requests.RequestException as error:
        result = DeliveryResult("retry", error=f"network: {type(error).__name__}: {error}"[:500])
    except (VapidException, ValueError) as error:
        result = DeliveryResult("failed", error=f"request: {error}"[:500])
    _update_subscription(subscription, result)
    return result


def _refused(error: WebPushException) -> DeliveryResult:
    """Classify a push service's refusal: gone, try later, or a permanent failure."""
    status = error.status_code
    text = (getattr(error.response, "text", "") or "").strip()
    message = f"HTTP {status}: {text}"[:500] if status else str(error)[:500]
    if status in GONE:
        return DeliveryResult("gone", http_status=status, error=message)
    if status is None or status == 429 or status >= 500:
        return DeliveryResult(
            "retry", http_status=status, error=message, retry_after=parse_retry_after(error.retry_after)
        )
    return DeliveryResult("failed", http_status=status, error=message)


def _update_subscription(subscription: PushSubscription, result: DeliveryResult) -> None:
    """Keep the device's health: last success, failures in a row; forget it once the service says gone."""
    if result.status == "sent":
        subscription.last_success_at, subscription.failures = utcnow(), 0
    elif result.status == "gone":
        session = object_session(subscription)
        if session is not None:
            session.delete(subscription)
        log.info("push subscription %s is gone (%s)", subscription.id, result.http_status)
    else:
        subscription.failures = (subscription.failures or 0) + 1
