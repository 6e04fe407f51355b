"""Retry timing without an app: backoff schedule, Retry-After in both forms, Topic derivation."""

from __future__ import annotations

import string
from datetime import UTC, datetime, timedelta

import pytest

from backend.notify.outcomes import BACKOFF, DeliveryResult, backoff, next_attempt, parse_retry_after
from backend.notify.webpush import PayloadTooLarge, encode_payload, push_headers, topic_for

NOW = datetime(2025, 3, 1, 8, 0, tzinfo=UTC)


def test_backoff_starts_at_30_seconds_and_is_capped():
    waits = [backoff(n).total_seconds() for n in range(1, 12)]
    assert waits[:4] == [30, 120, 600, 3600]
    assert waits == sorted(waits) and max(waits) == BACKOFF[-1]


@pytest.mark.parametrize(
    ("header", "wait"),
    [
        ("2", timedelta(seconds=2)),
        ("0", timedelta(0)),
        ("Sat, 01 Mar 2025 08:05:00 GMT", timedelta(minutes=5)),
        ("Sat, 01 Mar 2025 07:00:00 GMT", timedelta(0)),
        ("9999999", timedelta(days=1)),
        ("soon", None),
        (None, None),
    ],
)
def test_retry_after_is_read_in_seconds_or_as_an_http_date(header, wait):
    assert parse_retry_after(header, NOW) == wait


def test_the_service_s_retry_after_beats_the_backoff():
    assert next_attempt(DeliveryResult("retry", retry_after=timedelta(seconds=2)), 3, NOW) == NOW + timedelta(
        seconds=2
    )
    assert next_attempt(DeliveryResult("retry"), 3, NOW) == NOW + timedelta(minutes=10)


def test_a_topic_is_short_base64url_and_stable():
    topic = topic_for("hazard:0b7c…:deadline")
    assert len(topic) <= 32 and set(topic) <= set(string.ascii_letters + string.digits + "-_")
    assert topic == topic_for("hazard:0b7c…:deadline") != topic_for("hazard:other")


def test_headers_refuse_an_unknown_urgency():
    assert push_headers("very-low", None) == {"Urgency": "very-low"}
    with pytest.raises(ValueError):
        push_headers("urgent", None)


def test_a_payload_is_compact_utf8_and_limited():
    assert encode_payload({"title": "隐患"}) == '{"title":"隐患"}'.encode()
    with pytest.raises(PayloadTooLarge):
        encode_payload({"body": "字" * 1100})
