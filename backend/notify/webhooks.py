"""Office channels: WeCom (企业微信) and DingTalk (钉钉) group robots, Markdown in Chinese."""

from __future__ import annotations

import base64
import hashlib
import hmac
import logging
import time
from urllib.parse import quote_plus

import requests

from ..models import OfficeChannel
from . import summaries
from .links import absolute_link
from .outbound import robot_url_refusal
from .outcomes import DeliveryResult, parse_retry_after

log = logging.getLogger(__name__)

TIMEOUT_SECONDS = 10
WECOM_MAX_BYTES = 4096
DINGTALK_MAX_BYTES = 20000
# Robot answers that mean "too many messages": WeCom 45009, DingTalk 130101 (20 a minute per robot).
THROTTLED_ERRCODES = {45009, 130101}


def render_markdown(title: str, lines: list[str] | tuple[str, ...] = (), url: str | None = None) -> str:
    """Render a message both robots show: a heading, one bullet per line, a 查看详情 link (absolute)."""
    parts = [f"### {title}"]
    parts += [f"- {line}" for line in lines if line]
    if url:
        parts.append(f"\n[查看详情]({absolute_link(url)})")
    return "\n".join(parts)


def _clip(text: str, limit: int) -> str:
    """Cut text to a byte limit on a character boundary, marking the cut."""
    data = text.encode("utf-8")
    if len(data) <= limit:
        return text
    return data[: limit - 6].decode("utf-8", errors="ignore") + "…"


def wecom_body(title: str, lines, url: str | None) -> dict:
    """Build a WeCom robot markdown message."""
    return {
        "msgtype": "markdown",
        "markdown": {"content": _clip(render_markdown(title, lines, url), WECOM_MAX_BYTES)},
    }


def dingtalk_body(title: str, lines, url: str | None) -> dict:
    """Build a DingTalk robot markdown message (title shows in the chat list, text in the chat)."""
    text = _clip(render_markdown(title, lines, url), DINGTALK_MAX_BYTES)
    return {"msgtype": "markdown", "markdown": {"title": title, "text": text}}


def dingtalk_signed_url(url: str, secret: str, timestamp_ms: int | None = None) -> str:
    """Append DingTalk's timestamp and sign: base64(HMAC-SHA256(secret, f"{timestamp}\\n{secret}"))."""
    timestamp = str(timestamp_ms if timestamp_ms is not None else int(time.time() * 1000))
    digest = hmac.new(secret.encode("utf-8"), f"{timestamp}\n{secret}".encode(), hashlib.sha256).digest()
    sign = quote_plus(base64.b64encode(digest).decode("ascii"))
    separator = "&" if "?" in url else "?"
    return f"{url}{separator}timestamp={timestamp}&sign={sign}"


def office_request(channel: OfficeChannel, title: str, lines, url: str | None) -> tuple[str, dict]:
    """Return the URL and JSON body to POST for a channel."""
    if channel.kind == "wecom":
        return channel.url, wecom_body(title, lines, url)
    if channel.kind == "dingtalk":
        target = dingtalk_signed_url(channel.url, channel.secret) if channel.secret else channel.url
        return target, dingtalk_body(title, lines, url)
    raise ValueError(f"unknown office channel kind {channel.kind!r}")


def send_office_message(
    channel: OfficeChannel, title: str, lines=(), url: str | None = None
) -> DeliveryResult:
    """Post one Markdown message to a group robot; both robots answer 200 with an errcode.

    The URL's host is checked against the allow-list again, redirects are not followed, and the log
    keeps a status code or errcode with a Chinese summary, never the robot's own words.
    """
    refusal = robot_url_refusal(channel.url)
    if refusal is not None:
        return DeliveryResult("failed", error=refusal)
    target, body = office_request(channel, title, list(lines), url)
    try:
        response = requests.post(target, json=body, timeout=TIMEOUT_SECONDS, allow_redirects=False)
    except requests.RequestException as error:
        log.info("robot %s unreachable: %s: %s", channel.id, type(error).__name__, error)
        return DeliveryResult("retry", error=summaries.network_error(error, "机器人服务"))
    status = response.status_code
    if status >= 300:
        log.info("robot %s answered %s: %s", channel.id, status, response.text[:300])
    if status == 429 or status >= 500:
        wait = parse_retry_after(response.headers.get("Retry-After"))
        summary = summaries.robot_status(status)
        return DeliveryResult("retry", http_status=status, error=summary, retry_after=wait)
    if status >= 300:
        return DeliveryResult("failed", http_status=status, error=summaries.robot_status(status))
    try:
        answer = response.json()
        errcode = int(answer.get("errcode", 0))
    except (ValueError, TypeError, AttributeError):
        log.info("robot %s answered: %s", channel.id, response.text[:300])
        return DeliveryResult("failed", http_status=status, error=summaries.NOT_A_ROBOT_ANSWER)
    if errcode == 0:
        return DeliveryResult("sent", http_status=status)
    log.info("robot %s refused: errcode %s %s", channel.id, errcode, str(answer.get("errmsg", ""))[:200])
    outcome = "retry" if errcode in THROTTLED_ERRCODES else "failed"
    return DeliveryResult(outcome, http_status=status, error=summaries.robot_errcode(errcode))
