"""Web Push through a fake push service that checks VAPID and decrypts with the browser's key."""

from __future__ import annotations

import socket
import threading
import time
import uuid
from datetime import timedelta

import jwt
import pytest
import requests
from cryptography.hazmat.primitives.asymmetric import ec
from sqlalchemy import select

from backend.extensions import db
from backend.models import Delivery, PushSubscription
from backend.models.types import utcnow
from backend.notify import (
    PayloadTooLarge,
    deliver_due,
    push_payload,
    queue_web_push,
    topic_for,
    vapid_keys,
)
from backend.notify.deliveries import LEASE, claim, deliver_ids
from backend.notify.outcomes import MAX_ATTEMPTS

from ..people import seed_people
from .fake_push import FakePushService, b64url, point
from .sending import push_to_user
from .servers import Answer

REMINDER = push_payload(
    "隐患整改即将到期", "炼钢车间：钢包吊运区积水，2 天后到期", "/hazards/h-1", "hazard:h-1"
)
# What arrives: the in-app link made absolute on the test config's PUBLIC_BASE_URL.
ARRIVED = {**REMINDER, "url": "https://anquan.example.test/#/hazards/h-1"}


def subscribe(app, service: FakePushService, user_id: str, p256dh: str | None = None, server_key=None):
    """Subscribe a new browser for the app's VAPID key and register it for a user; return (browser, id)."""
    with app.app_context():
        browser = service.subscribe(server_key or vapid_keys().public_key)
        info = browser.subscription_json(p256dh)
        subscription = PushSubscription(
            id=str(uuid.uuid4()),
            user_id=user_id,
            endpoint=info["endpoint"],
            p256dh=info["keys"]["p256dh"],
            auth=info["keys"]["auth"],
        )
        db.session.add(subscription)
        db.session.commit()
        return browser, subscription.id


def delivery_rows() -> list[Delivery]:
    return db.session.scalars(select(Delivery).order_by(Delivery.id)).all()


def test_a_reminder_arrives_intact_with_ttl_urgency_and_topic(push_app, people, push_service):
    browser, subscription_id = subscribe(push_app, push_service, people["worker-a1"])
    with push_app.app_context():
        results = push_to_user(
            db.session,
            people["worker-a1"],
            "hazard:h-1:due-2d",
            REMINDER,
            ttl=3600,
            urgency="high",
            topic="hazard:h-1",
        )
        assert [r.status for r in results] == ["sent"]
        [arrived] = push_service.received
        assert arrived.token == browser.token
        assert arrived.payload == ARRIVED
        assert arrived.headers["ttl"] == "3600"
        assert arrived.headers["urgency"] == "high"
        assert arrived.headers["topic"] == topic_for("hazard:h-1")
        [row] = delivery_rows()
        assert (row.channel, row.target, row.status, row.attempts) == ("webpush", subscription_id, "sent", 1)
        assert row.sent_at is not None and row.next_attempt_at is None and row.last_error is None
        assert db.session.get(PushSubscription, subscription_id).last_success_at is not None


def test_every_device_of_the_person_gets_it_and_nobody_else(push_app, people, push_service):
    phone, _ = subscribe(push_app, push_service, people["worker-a1"])
    desktop, _ = subscribe(push_app, push_service, people["worker-a1"])
    subscribe(push_app, push_service, people["worker-a2"])
    with push_app.app_context():
        push_to_user(db.session, people["worker-a1"], "n-1", REMINDER)
    assert sorted(r.token for r in push_service.received) == sorted([phone.token, desktop.token])


def test_a_newer_reminder_carries_the_same_topic_as_the_older(push_app, people, push_service):
    subscribe(push_app, push_service, people["worker-a1"])
    with push_app.app_context():
        push_to_user(db.session, people["worker-a1"], "n-1", REMINDER, topic="hazard:h-1")
        push_to_user(
            db.session, people["worker-a1"], "n-2", {**REMINDER, "body": "今天到期"}, topic="hazard:h-1"
        )
    topics = [r.headers["topic"] for r in push_service.received]
    assert topics[0] == topics[1] and len(topics[0]) <= 32


def test_keys_that_are_not_the_browsers_make_the_service_refuse_the_message(push_app, people, push_service):
    wrong = b64url(point(ec.generate_private_key(ec.SECP256R1())))
    subscribe(push_app, push_service, people["worker-a1"], p256dh=wrong)
    with push_app.app_context():
        [result] = push_to_user(db.session, people["worker-a1"], "n-1", REMINDER)
        assert (result.status, result.http_status) == ("failed", 400)
        assert push_service.received == []
        assert any(reason.startswith("decryption failed") for reason in push_service.reasons())
        # The log keeps the status and a summary, not the service's words.
        assert delivery_rows()[0].last_error == "HTTP 400：推送服务拒绝了这条消息（格式或加密不对）"


def test_a_vapid_key_other_than_the_subscriptions_is_refused(push_app, people, push_service):
    other_key = b64url(point(ec.generate_private_key(ec.SECP256R1())))
    subscribe(push_app, push_service, people["worker-a1"], server_key=other_key)
    with push_app.app_context():
        [result] = push_to_user(db.session, people["worker-a1"], "n-1", REMINDER)
    assert (result.status, result.http_status) == ("failed", 403)
    assert push_service.received == []


def _forged(service: FakePushService, browser, signer, public_key: str, **claims) -> requests.Response:
    body = {"aud": service.origin, "exp": int(time.time()) + 3600, "sub": "mailto:safety@example.invalid"}
    token = jwt.encode({**body, **claims}, signer, algorithm="ES256")
    headers = {
        "Authorization": f"vapid t={token}, k={public_key}",
        "Content-Encoding": "aes128gcm",
        "TTL": "60",
    }
    return requests.post(browser.endpoint, data=b"x" * 100, headers=headers, timeout=5)


def test_the_fake_service_checks_the_vapid_signature_audience_expiry_and_subject(
    push_app, people, push_service
):
    browser, _ = subscribe(push_app, push_service, people["worker-a1"])
    with push_app.app_context():
        keys = vapid_keys()
    stranger = ec.generate_private_key(ec.SECP256R1())
    assert _forged(push_service, browser, stranger, keys.public_key).status_code == 401
    assert "InvalidSignatureError" in push_service.reasons()[-1]
    own = keys.private_key
    assert (
        _forged(push_service, browser, own, keys.public_key, aud="https://fcm.googleapis.com").status_code
        == 401
    )
    assert _forged(push_service, browser, own, keys.public_key, exp=int(time.time()) - 10).status_code == 401
    far = int(time.time()) + 25 * 3600
    assert _forged(push_service, browser, own, keys.public_key, exp=far).status_code == 401
    assert _forged(push_service, browser, own, keys.public_key, sub="safety team").status_code == 401
    # The same header with every claim right passes VAPID and fails only at decrypting the junk body.
    assert _forged(push_service, browser, own, keys.public_key).status_code == 400
    assert push_service.reasons()[-1].startswith("decryption failed")


@pytest.mark.parametrize("status", [404, 410])
def test_a_subscription_the_service_calls_gone_is_deleted(push_app, people, push_service, status):
    browser, subscription_id = subscribe(push_app, push_service, people["worker-a1"])
    browser.answers.append(Answer(status))
    with push_app.app_context():
        [result] = push_to_user(db.session, people["worker-a1"], "n-1", REMINDER)
        assert (result.status, result.http_status) == ("gone", status)
        assert db.session.get(PushSubscription, subscription_id) is None
        assert delivery_rows()[0].status == "gone"
        assert deliver_due(db.session, utcnow() + timedelta(days=1)) == []


def test_429_with_retry_after_is_retried_later_and_then_delivered_once(push_app, people, push_service):
    browser, _ = subscribe(push_app, push_service, people["worker-a1"])
    browser.answers.append(Answer(429, {"Retry-After": "2"}))
    now = utcnow()
    with push_app.app_context():
        [first] = push_to_user(db.session, people["worker-a1"], "n-1", REMINDER, now=now)
        assert (first.status, first.http_status) == ("retry", 429)
        [row] = delivery_rows()
        assert row.next_attempt_at == now + timedelta(seconds=2)
        assert deliver_due(db.session, now + timedelta(seconds=1)) == []
        assert push_service.received == []
        [second] = deliver_due(db.session, now + timedelta(seconds=3))
        assert second.status == "sent"
        assert deliver_due(db.session, now + timedelta(hours=1)) == []
        db.session.refresh(row)
        assert (row.status, row.attempts) == ("sent", 2)
    assert [r.payload for r in push_service.received] == [ARRIVED]


def test_retry_after_as_an_http_date_is_honoured(push_app, people, push_service):
    browser, _ = subscribe(push_app, push_service, people["worker-a1"])
    when = utcnow() + timedelta(seconds=120)
    browser.answers.append(Answer(503, {"Retry-After": when.strftime("%a, %d %b %Y %H:%M:%S GMT")}))
    now = utcnow()
    with push_app.app_context():
        push_to_user(db.session, people["worker-a1"], "n-1", REMINDER, now=now)
        wait = delivery_rows()[0].next_attempt_at - now
    assert timedelta(seconds=110) < wait <= timedelta(seconds=121)


def test_server_errors_back_off_30_seconds_then_2_minutes(push_app, people, push_service):
    browser, _ = subscribe(push_app, push_service, people["worker-a1"])
    browser.answers.extend([Answer(500), Answer(502)])
    now = utcnow()
    with push_app.app_context():
        push_to_user(db.session, people["worker-a1"], "n-1", REMINDER, now=now)
        assert delivery_rows()[0].next_attempt_at == now + timedelta(seconds=30)
        assert deliver_due(db.session, now + timedelta(seconds=29)) == []
        later = now + timedelta(seconds=30)
        [again] = deliver_due(db.session, later)
        assert (again.status, again.http_status) == ("retry", 502)
        assert delivery_rows()[0].next_attempt_at == later + timedelta(minutes=2)
        [done] = deliver_due(db.session, later + timedelta(minutes=2))
        assert done.status == "sent"
    assert len(push_service.received) == 1


def test_a_delivery_that_keeps_failing_gives_up_after_the_last_attempt(push_app, people, push_service):
    browser, _ = subscribe(push_app, push_service, people["worker-a1"])
    browser.answers.extend([Answer(500)] * MAX_ATTEMPTS)
    when = utcnow()
    with push_app.app_context():
        push_to_user(db.session, people["worker-a1"], "n-1", REMINDER, ttl=7 * 24 * 3600, now=when)
        for _ in range(MAX_ATTEMPTS - 1):
            when = delivery_rows()[0].next_attempt_at
            deliver_due(db.session, when)
        [row] = delivery_rows()
        assert (row.status, row.attempts, row.next_attempt_at) == ("failed", MAX_ATTEMPTS, None)
        assert row.last_error == "HTTP 500：推送服务暂时出错，稍后重试"
        assert db.session.get(PushSubscription, row.target).failures == MAX_ATTEMPTS


def test_a_service_that_cannot_be_reached_is_retried(push_app, people):
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    with push_app.app_context():
        db.session.add(
            PushSubscription(
                id=str(uuid.uuid4()),
                user_id=people["worker-a1"],
                endpoint=f"http://127.0.0.1:{port}/push/nobody-listens",
                p256dh=b64url(point(ec.generate_private_key(ec.SECP256R1()))),
                auth=b64url(bytes(16)),
            )
        )
        db.session.commit()
        [result] = push_to_user(db.session, people["worker-a1"], "n-1", REMINDER)
    assert (result.status, result.error) == ("retry", "网络错误：无法连接推送服务")


def test_a_retry_past_its_ttl_is_dropped_not_sent(push_app, people, push_service):
    browser, _ = subscribe(push_app, push_service, people["worker-a1"])
    browser.answers.append(Answer(429, {"Retry-After": "120"}))
    now = utcnow()
    with push_app.app_context():
        push_to_user(db.session, people["worker-a1"], "n-1", REMINDER, ttl=60, now=now)
        [result] = deliver_due(db.session, now + timedelta(seconds=130))
        assert result.status == "failed" and result.error.startswith("已过期")
    assert push_service.received == []


def test_a_retry_carries_only_the_ttl_that_is_left(push_app, people, push_service):
    browser, _ = subscribe(push_app, push_service, people["worker-a1"])
    browser.answers.append(Answer(429, {"Retry-After": "100"}))
    now = utcnow()
    with push_app.app_context():
        push_to_user(db.session, people["worker-a1"], "n-1", REMINDER, ttl=3600, now=now)
        deliver_due(db.session, now + timedelta(seconds=100))
    assert push_service.received[0].headers["ttl"] == "3500"


def test_a_retry_for_a_subscription_removed_meanwhile_is_gone(push_app, people, push_service):
    browser, subscription_id = subscribe(push_app, push_service, people["worker-a1"])
    browser.answers.append(Answer(500))
    now = utcnow()
    with push_app.app_context():
        push_to_user(db.session, people["worker-a1"], "n-1", REMINDER, now=now)
        db.session.delete(db.session.get(PushSubscription, subscription_id))
        db.session.commit()
        [result] = deliver_due(db.session, now + timedelta(minutes=1))
    assert result.status == "gone"


def test_a_queued_push_is_sent_by_the_next_tick_with_the_callers_commit(push_app, people, push_service):
    subscribe(push_app, push_service, people["worker-a1"])
    now = utcnow()
    with push_app.app_context():
        queue_web_push(db.session, people["worker-a1"], "n-1", REMINDER, now=now)
        db.session.commit()
        assert push_service.received == []
        [result] = deliver_due(db.session, now)
        assert result.status == "sent"


def test_a_delivery_claimed_by_a_worker_that_died_is_taken_over_after_the_lease(
    push_app, people, push_service
):
    subscribe(push_app, push_service, people["worker-a1"])
    now = utcnow()
    with push_app.app_context():
        [row] = queue_web_push(db.session, people["worker-a1"], "n-1", REMINDER, now=now)
        db.session.commit()
        assert claim(db.session, row.id, now) is True
        assert deliver_due(db.session, now + LEASE - timedelta(seconds=1)) == []
        [result] = deliver_due(db.session, now + LEASE)
        assert result.status == "sent"


def test_a_worker_a_second_behind_the_queuing_host_sends_at_once_and_ten_seconds_behind_does_not(
    push_app, people, push_service
):
    """Claims compared due times with the worker's clock alone: 0.2 s behind, it left a fresh delivery to the
    next dispatch, 15 s later."""
    subscribe(push_app, push_service, people["worker-a1"])
    queued_at = utcnow()
    with push_app.app_context():
        [row] = queue_web_push(db.session, people["worker-a1"], "n-1", REMINDER, now=queued_at)
        db.session.commit()
        assert deliver_ids(db.session, [row.id], queued_at - timedelta(seconds=10)) == []
        untouched = db.session.get(Delivery, row.id, populate_existing=True)
        assert (untouched.status, untouched.attempts, untouched.next_attempt_at) == ("pending", 0, queued_at)
        assert push_service.received == []
        [result] = deliver_ids(db.session, [row.id], queued_at - timedelta(seconds=1))
    assert result.status == "sent" and len(push_service.received) == 1


def test_a_payload_over_the_limit_is_refused_before_anything_is_logged(push_app, people, push_service):
    subscribe(push_app, push_service, people["worker-a1"])
    with push_app.app_context():
        with pytest.raises(PayloadTooLarge):
            push_to_user(db.session, people["worker-a1"], "n-1", push_payload("标题", "很长" * 1000))
        db.session.rollback()
        assert delivery_rows() == []


def _ticks_at_once(app, when, workers: int = 2) -> list:
    barrier, outcomes, errors = threading.Barrier(workers), [], []

    def tick():
        try:
            with app.app_context():
                barrier.wait()
                outcomes.extend(deliver_due(db.session, when))
        except Exception as error:  # surfaced by the assertion below
            errors.append(error)

    threads = [threading.Thread(target=tick) for _ in range(workers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    assert errors == []
    return outcomes


def _two_ticks_send_once(app, user_id, service):
    browser, _ = subscribe(app, service, user_id)
    browser.answers.append(Answer(429, {"Retry-After": "2"}))
    now = utcnow()
    with app.app_context():
        push_to_user(db.session, user_id, "n-1", REMINDER, now=now)
    service.delay = 0.3
    outcomes = _ticks_at_once(app, now + timedelta(seconds=5), workers=3)
    assert [result.status for result in outcomes] == ["sent"]
    assert [r.payload for r in service.received] == [ARRIVED]
    assert service.requests == 2


def test_ticks_running_at_the_same_time_send_a_retry_once(push_app, people, push_service):
    _two_ticks_send_once(push_app, people["worker-a1"], push_service)


@pytest.mark.postgres
def test_ticks_running_at_the_same_time_send_a_retry_once_on_postgresql(pg_app, push_service):
    pg_app.config["OUTBOUND_ALLOW_LOOPBACK_FOR_TESTS"] = True
    with pg_app.app_context():
        user_id = seed_people()["worker-a1"]
    _two_ticks_send_once(pg_app, user_id, push_service)
