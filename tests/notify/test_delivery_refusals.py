"""Delivery never reaches inside: addresses checked again when sending, no redirects, no remote bodies."""

from __future__ import annotations

import time
import uuid

import pytest
from cryptography.hazmat.primitives.asymmetric import ec
from sqlalchemy import select

from backend.extensions import db
from backend.models import Delivery, OfficeChannel, PushSubscription
from backend.notify import vapid_keys

from ..api_client import Device
from .fake_push import b64url, point
from .sending import post_to_office, push_to_user
from .servers import Answer, LocalServer, connections
from .test_webpush import REMINDER

INSIDE = [
    "https://127.0.0.1:{port}/",
    "https://169.254.169.254/latest/meta-data/",
    "https://10.0.0.1/",
    "https://[::1]:{port}/",
    "https://localhost:{port}/",
]


def store_subscription(user_id: str, endpoint: str, p256dh: str | None = None) -> str:
    """Save a subscription past the API's checks, as one saved before them (or rebound since)."""
    subscription = PushSubscription(
        id=str(uuid.uuid4()),
        user_id=user_id,
        endpoint=endpoint,
        p256dh=p256dh or b64url(point(ec.generate_private_key(ec.SECP256R1()))),
        auth=b64url(bytes(range(16))),
    )
    db.session.add(subscription)
    db.session.commit()
    return subscription.id


def store_robot(enterprise_id: str, url: str, kind: str = "wecom") -> str:
    channel = OfficeChannel(id=str(uuid.uuid4()), enterprise_id=enterprise_id, kind=kind, url=url)
    db.session.add(channel)
    db.session.commit()
    return channel.id


@pytest.mark.parametrize("endpoint", INSIDE)
def test_a_stored_push_endpoint_inside_is_not_connected_to(app, people, listener, endpoint):
    endpoint = endpoint.format(port=listener.getsockname()[1])
    with app.app_context():
        store_subscription(people["worker-a1"], endpoint)
        started = time.monotonic()
        [result] = push_to_user(db.session, people["worker-a1"], "n-1", REMINDER)
    assert time.monotonic() - started < 2
    assert result.status == "failed" and result.error.startswith("推送地址指向")
    assert connections(listener) == 0


@pytest.mark.parametrize("url", INSIDE)
def test_a_stored_robot_url_inside_is_not_connected_to(app, people, listener, url):
    url = url.format(port=listener.getsockname()[1])
    with app.app_context():
        store_robot(people["A"], url)
        [result] = post_to_office(db.session, people["A"], "n-1", "标题", ["一行"])
    assert result.status == "failed" and "允许名单" in result.error
    assert connections(listener) == 0


def test_a_robot_host_taken_off_the_allow_list_is_refused_at_delivery(app, client, people, dns):
    app.config["OFFICE_WEBHOOK_HOSTS"] = ["zwwx.example.gov.cn"]
    url = "https://zwwx.example.gov.cn/cgi-bin/webhook/send?key=abc"
    officer = Device(client, "officer-a")
    saved = client.put("/api/v1/office-channels", json={"kind": "wecom", "url": url}, headers=officer.headers)
    assert saved.status_code == 200, saved.get_json()
    app.config["OFFICE_WEBHOOK_HOSTS"] = []
    dns["zwwx.example.gov.cn"] = "93.184.215.14"
    with app.app_context():
        [result] = post_to_office(db.session, people["A"], "n-1", "标题", ["一行"])
    assert result.status == "failed" and "允许名单" in result.error
    assert dns.lookups == []


def test_a_name_public_when_subscribed_and_loopback_at_delivery_is_refused(
    app, client, people, dns, listener
):
    port = listener.getsockname()[1]
    endpoint = f"https://push.example.com:{port}/push/x"
    worker = Device(client, "worker-a1")
    browser = {"p256dh": b64url(point(ec.generate_private_key(ec.SECP256R1()))), "auth": b64url(bytes(16))}
    subscribed = client.post(
        "/api/v1/push/subscriptions", json={"endpoint": endpoint, "keys": browser}, headers=worker.headers
    )
    assert subscribed.status_code == 201, subscribed.get_json()
    dns["push.example.com"] = "127.0.0.1"  # the attacker's DNS answers differently now
    with app.app_context():
        [result] = push_to_user(db.session, people["worker-a1"], "n-1", REMINDER)
        row = db.session.scalars(select(Delivery)).one()
    assert (result.status, row.last_error) == ("failed", "推送地址指向本机回环地址，不允许发送")
    assert dns.lookups == ["push.example.com", "push.example.com"]
    assert connections(listener) == 0


class Redirect(LocalServer):
    """Answer every request with a redirect to a target URL."""

    def __init__(self, status: int, target: str):
        self.status, self.target = status, target
        super().__init__()

    def handle(self, path, query, headers, body) -> Answer:
        return Answer(self.status, {"Location": self.target})


class Target(LocalServer):
    """Count the requests that reach it (none should)."""

    def __init__(self):
        self.hits = 0
        super().__init__()

    def handle(self, path, query, headers, body) -> Answer:
        with self.lock:
            self.hits += 1
        return Answer(201)


@pytest.fixture
def redirect_to_target(app):
    """A target on 127.0.0.1 and a server that redirects there; the app may reach 127.0.0.1 (test-only)."""
    app.config["OUTBOUND_ALLOW_LOOPBACK_FOR_TESTS"] = True
    target = Target()
    servers = {status: Redirect(status, f"{target.origin}/stolen") for status in (302, 307)}
    yield servers, target
    for server in (target, *servers.values()):
        server.close()


@pytest.mark.parametrize("status", [302, 307])
def test_a_push_service_redirect_is_not_followed(app, people, redirect_to_target, status):
    servers, target = redirect_to_target
    with app.app_context():
        vapid_keys()
        store_subscription(people["worker-a1"], f"{servers[status].origin}/push/x")
        [result] = push_to_user(db.session, people["worker-a1"], "n-1", REMINDER)
    assert (result.status, result.http_status) == ("failed", status)
    assert result.error == f"HTTP {status}：推送服务要求转向，已拒绝跟随"
    assert target.hits == 0


@pytest.mark.parametrize("status", [302, 307])
def test_a_robot_redirect_is_not_followed(app, people, redirect_to_target, status):
    servers, target = redirect_to_target
    with app.app_context():
        store_robot(people["A"], f"{servers[status].origin}/wecom?access_token=robot-token")
        [result] = post_to_office(db.session, people["A"], "n-1", "标题", ["一行"])
    assert (result.status, result.http_status) == ("failed", status)
    assert result.error == f"HTTP {status}：机器人服务要求转向，已拒绝跟随"
    assert target.hits == 0


def test_a_stored_key_that_is_not_a_p256_point_is_dropped_at_the_first_delivery(
    push_app, people, push_service
):
    not_a_point = b64url(b"\x04" + bytes(range(1, 65)))
    with push_app.app_context():
        vapid_keys()
        subscription_id = store_subscription(
            people["worker-a1"], f"{push_service.origin}/push/x", not_a_point
        )
        [result] = push_to_user(db.session, people["worker-a1"], "n-1", REMINDER)
        assert result.status == "gone" and "P-256" in result.error
        assert db.session.get(PushSubscription, subscription_id) is None
        assert push_to_user(db.session, people["worker-a1"], "n-2", REMINDER) == []
    assert push_service.requests == 0
