"""Sending one Web Push message with pywebpush: small payload, VAPID, TTL, urgency, topic."""

from __future__ import annotations

import base64
import hashlib
import json
import logging

import requests
from cryptography.hazmat.primitives.asymmetric import ec
from py_vapid import VapidException
from pywebpush import WebPushException, webpush
from sqlalchemy.orm import object_session

from ..models import PushSubscription
from ..models.types import utcnow
from . import summaries
from .links import absolute_link
from .outbound import OutboundRefused, allow_loopback, push_endpoint_refusal
from .outcomes import DeliveryResult, parse_retry_after
from .pinning import PinnedSession
from .vapid import b64url_decode, vapid_keys

log = logging.getLogger(__name__)

MAX_PAYLOAD_BYTES = 3072
URGENCIES = ("very-low", "low", "normal", "high")
DEFAULT_TTL = 24 * 3600
TIMEOUT_SECONDS = 10
GONE = (404, 410)
AUTH_SECRET_BYTES = 16


class PayloadTooLarge(ValueError):
    """The JSON payload is over MAX_PAYLOAD_BYTES: send a short line and let the inbox hold the rest."""


def push_payload(title: str, body: str = "", url: str = "/", tag: str | None = None) -> dict:
    """Build the payload the service worker shows: {title, body, url, tag}; url made absolute when sent."""
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


def key_refusal(name: str, text: str) -> str | None:
    """Return why a subscription key is unusable (Chinese), or None: p256dh a P-256 point, auth 16 bytes."""
    try:
        raw = b64url_decode(text)
    except ValueError:
        return "不是 base64url 编码"
    if name == "auth":
        return None if len(raw) == AUTH_SECRET_BYTES else f"应为 16 字节，实际 {len(raw)} 字节"
    if len(raw) != 65 or raw[0] != 0x04:
        return "应为 65 字节、以 0x04 开头的未压缩 P-256 公钥"
    try:
        ec.EllipticCurvePublicKey.from_encoded_point(ec.SECP256R1(), raw)
    except ValueError:
        return "不是 P-256 曲线上的点"
    return None


def send_web_push(
    subscription: PushSubscription,
    payload: dict,
    *,
    ttl: int = DEFAULT_TTL,
    urgency: str = "normal",
    topic: str | None = None,
) -> DeliveryResult:
    """Send one encrypted message to a subscription; a 404/410 deletes it (the caller commits).

    The endpoint is checked again here and the connection pinned to the checked address; redirects
    are never followed; the delivery log gets a status code and a Chinese summary, not the answer.
    """
    # Made absolute when sent, not when queued: rows queued earlier get today's PUBLIC_BASE_URL too.
    data = encode_payload({**payload, "url": absolute_link(payload.get("url") or "/")})
    headers = push_headers(urgency, topic)
    if key_refusal("p256dh", subscription.p256dh) or key_refusal("auth", subscription.auth):
        result = DeliveryResult("gone", error=summaries.INVALID_KEYS)
    elif refusal := push_endpoint_refusal(subscription.endpoint, resolve_names=False):
        result = DeliveryResult("failed", error=refusal)
    else:
        result = _post(subscription, data, headers, ttl)
    _update_subscription(subscription, result)
    return result


def _post(subscription: PushSubscription, data: bytes, headers: dict, ttl: int) -> DeliveryResult:
    """POST the encrypted message through a pinned session and classify what came back."""
    keys = vapid_keys()
    try:
        with PinnedSession(allow_loopback()) as session:
            response = webpush(
                subscription.subscription_info(),
                data=data.decode("utf-8"),
                vapid_private_key=keys.signer(),
                vapid_claims={"sub": keys.subject},
                ttl=max(int(ttl), 0),
                headers=headers,
                timeout=TIMEOUT_SECONDS,
                requests_session=session,
            )
        return DeliveryResult("sent", http_status=response.status_code)
    except OutboundRefused as refused:
        log.warning("push to subscription %s refused: %s", subscription.id, refused)
        return DeliveryResult("failed", error=str(refused))
    except WebPushException as error:
        return _refused(error, subscription.id)
    except requests.RequestException as error:
        log.info("push to subscription %s: %s: %s", subscription.id, type(error).__name__, error)
        return DeliveryResult("retry", error=summaries.network_error(error, "推送服务"))
    except (VapidException, ValueError) as error:
        log.warning("push to subscription %s could not be built: %s", subscription.id, error)
        return DeliveryResult("failed", error=summaries.REQUEST_FAILED)


def _refused(error: WebPushException, subscription_id: str) -> DeliveryResult:
    """Classify a push service's refusal: gone, try later, or a permanent failure."""
    status = error.status_code
    if status is None:
        log.info("push to subscription %s failed: %s", subscription_id, error)
        return DeliveryResult("retry", error=summaries.REQUEST_FAILED)
    body = (getattr(error.response, "text", "") or "").strip()[:300]
    log.info("push service answered %s for subscription %s: %s", status, subscription_id, body)
    message = summaries.push_status(status)
    if status in GONE:
        return DeliveryResult("gone", http_status=status, error=message)
    if status == 429 or status >= 500:
        wait = parse_retry_after(error.retry_after)
        return DeliveryResult("retry", http_status=status, error=message, retry_after=wait)
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
