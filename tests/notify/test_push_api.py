"""The push blueprint: public key, subscribe (201/200, moving devices), unsubscribe, list, validation."""

from __future__ import annotations

import base64
import uuid

import pytest
from cryptography.hazmat.primitives.asymmetric import ec
from sqlalchemy import select

from backend.extensions import db
from backend.models import PushSubscription
from backend.notify import push_payload, queue_web_push
from backend.sessions import end_sessions_of

from ..api_client import Device
from .fake_push import b64url, point

URL = "/api/v1/push/subscriptions"
# The push services' names resolve to a public address here, with or without a network.
pytestmark = pytest.mark.usefixtures("dns")
P256DH = b64url(point(ec.generate_private_key(ec.SECP256R1())))


def key(size: int, first: bytes = b"\x04") -> str:
    """Return base64url bytes of a size (not a point on the curve, whatever the first byte)."""
    raw = first + bytes(range(1, size)) if size else b""
    return base64.urlsafe_b64encode(raw[:size]).rstrip(b"=").decode()


def p256dh() -> str:
    """Return a real browser key: an uncompressed P-256 point."""
    return b64url(point(ec.generate_private_key(ec.SECP256R1())))


def body(endpoint="https://updates.push.services.mozilla.com/wpush/v2/abc", **changes) -> dict:
    subscription = {
        "endpoint": endpoint,
        "expirationTime": None,
        "keys": {"p256dh": P256DH, "auth": key(16)},
    }
    subscription.update(changes)
    return subscription


def owners(app) -> dict[str, str]:
    with app.app_context():
        return {s.endpoint: s.user_id for s in db.session.scalars(select(PushSubscription))}


def test_the_public_key_is_the_applicationserverkey_form(push_app, client):
    answer = client.get("/api/v1/push/public-key")
    assert answer.status_code == 200
    raw = base64.urlsafe_b64decode(answer.get_json()["public_key"] + "==")
    assert len(raw) == 65 and raw[0] == 4


def test_subscriptions_need_a_signed_in_person(push_app, client, people):
    assert client.get(URL).status_code == 401
    assert client.post(URL, json=body()).status_code == 401
    answer = client.delete(URL, json={"endpoint": body()["endpoint"]})
    assert (answer.status_code, answer.get_json()["code"]) == (401, "unauthorized")


def test_a_device_is_registered_then_refreshed(push_app, client, people):
    worker = Device(client, "worker-a1")
    first = client.post(URL, json={**body(), "user_agent": "Firefox 128 Android"}, headers=worker.headers)
    assert first.status_code == 201, first.get_json()
    assert first.get_json()["user_agent"] == "Firefox 128 Android"
    assert "keys" not in first.get_json() and "p256dh" not in first.get_json()
    again = client.post(
        URL, json=body(keys={"p256dh": p256dh(), "auth": key(16, b"\x09")}), headers=worker.headers
    )
    assert again.status_code == 200
    assert again.get_json()["id"] == first.get_json()["id"]
    listed = client.get(URL, headers=worker.headers).get_json()
    assert [s["endpoint"] for s in listed] == [body()["endpoint"]]


def test_a_person_may_have_several_devices_and_sees_only_their_own(push_app, client, people):
    worker, colleague = Device(client, "worker-a1"), Device(client, "worker-a2")
    for name in ("phone", "tablet"):
        endpoint = f"https://web.push.apple.com/{name}"
        assert client.post(URL, json=body(endpoint), headers=worker.headers).status_code == 201
    assert (
        client.post(URL, json=body("https://fcm.googleapis.com/x"), headers=colleague.headers).status_code
        == 201
    )
    assert len(client.get(URL, headers=worker.headers).get_json()) == 2
    assert len(client.get(URL, headers=colleague.headers).get_json()) == 1


def test_a_shared_phone_moves_to_whoever_registers_it_last(push_app, client, people):
    first, second = Device(client, "worker-a1"), Device(client, "worker-a2")
    client.post(URL, json=body(), headers=first.headers)
    moved = client.post(URL, json=body(), headers=second.headers)
    assert moved.status_code == 200
    assert owners(push_app) == {body()["endpoint"]: people["worker-a2"]}
    assert client.get(URL, headers=first.headers).get_json() == []


def test_unsubscribing_removes_only_ones_own_device(push_app, client, people):
    owner, other = Device(client, "worker-a1"), Device(client, "worker-a2")
    client.post(URL, json=body(), headers=owner.headers)
    assert client.delete(URL, json={"endpoint": body()["endpoint"]}, headers=other.headers).status_code == 204
    assert owners(push_app) == {body()["endpoint"]: people["worker-a1"]}
    assert client.delete(URL, json={"endpoint": body()["endpoint"]}, headers=owner.headers).status_code == 204
    assert owners(push_app) == {}
    assert client.delete(URL, json={"endpoint": body()["endpoint"]}, headers=owner.headers).status_code == 204


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"endpoint": "http://push.example.com/x"}, "endpoint"),
        ({"endpoint": "not a url"}, "endpoint"),
        ({"endpoint": "https://x/" + "a" * 1100}, "endpoint"),
        ({"endpoint": "https://user@fcm.googleapis.com/x"}, "endpoint"),
        ({"endpoint": "https://[::1"}, "endpoint"),
        ({"endpoint": "https://fcm.googleapis.com:99999/x"}, "endpoint"),
        ({"keys": {"p256dh": P256DH}}, "keys.auth"),
        ({"keys": None}, "keys"),
    ],
)
def test_a_malformed_subscription_is_refused_with_the_field(push_app, client, people, changes, field):
    worker = Device(client, "worker-a1")
    answer = client.post(URL, json=body(**changes), headers=worker.headers)
    assert answer.status_code == 400, answer.get_json()
    assert answer.get_json()["code"] == "invalid"
    assert field in answer.get_json()["fields"]
    assert owners(push_app) == {}


@pytest.mark.parametrize(
    ("keys", "refused"),
    [
        ({"p256dh": key(65), "auth": key(16)}, "p256dh"),  # 65 bytes, 0x04, but not on the curve
        ({"p256dh": key(64), "auth": key(16)}, "p256dh"),
        ({"p256dh": key(65, b"\x02"), "auth": key(16)}, "p256dh"),
        ({"p256dh": P256DH[:44], "auth": key(16)}, "p256dh"),  # a compressed-size key
        ({"p256dh": "not+base64/url", "auth": key(16)}, "p256dh"),
        ({"p256dh": P256DH, "auth": key(12)}, "auth"),
        ({"p256dh": P256DH, "auth": key(17)}, "auth"),
        ({"p256dh": P256DH, "auth": "not+base64/url"}, "auth"),
    ],
)
def test_keys_that_no_browser_makes_are_refused_naming_the_key(push_app, client, people, keys, refused):
    worker = Device(client, "worker-a1")
    answer = client.post(URL, json=body(keys=keys), headers=worker.headers)
    assert answer.status_code == 400, answer.get_json()
    assert answer.get_json()["code"] == "invalid"
    assert list(answer.get_json()["fields"]) == [f"keys.{refused}"]
    assert owners(push_app) == {}


INSIDE = [
    "https://127.0.0.1:5432/",
    "https://169.254.169.254/latest/meta-data/",
    "https://10.0.0.1/",
    "https://[::1]/",
    "https://localhost:6379/",
    "https://172.16.3.4/",
    "https://192.168.1.1/",
    "https://100.64.0.1/",
    "https://224.0.0.1/",
    "https://240.0.0.1/",
    "https://0.0.0.0/",
    "https://[::]/",
    "https://[::ffff:127.0.0.1]/",
    "https://[::ffff:10.0.0.1]/",
    "https://[fe80::1]/",
    "https://[fd00::1]/",
    "https://[ff02::1]/",
    "https://[2002:7f00:1::]/",
    "https://[64:ff9b::a00:1]/",
    "https://intranet.example.com/",
    "https://127.1/",
    "https://2130706433/",
    "https://localhost./",
    "https://db.localhost/",
]


@pytest.mark.parametrize("endpoint", INSIDE)
def test_an_endpoint_inside_the_network_is_refused(app, client, people, dns, endpoint):
    dns["intranet.example.com"] = "10.1.2.3"
    worker = Device(client, "worker-a1")
    answer = client.post(URL, json=body(endpoint), headers=worker.headers)
    assert answer.status_code == 400, answer.get_json()
    assert (answer.get_json()["code"], list(answer.get_json()["fields"])) == ("invalid", ["endpoint"])
    assert owners(app) == {}


def test_the_test_only_setting_opens_loopback_and_nothing_else(app, client, people):
    worker = Device(client, "worker-a1")
    local = body("http://127.0.0.1:8999/push/x")
    assert client.post(URL, json=local, headers=worker.headers).status_code == 400
    app.config["OUTBOUND_ALLOW_LOOPBACK_FOR_TESTS"] = True
    assert client.post(URL, json=local, headers=worker.headers).status_code == 201
    for endpoint in ("http://push.example.com/push/x", "https://10.0.0.1/x", "https://169.254.169.254/"):
        assert client.post(URL, json=body(endpoint), headers=worker.headers).status_code == 400
    assert list(owners(app)) == [local["endpoint"]]


def test_signing_out_forgets_that_devices_subscription_only(push_app, client, people):
    phone, tablet = Device(client, "worker-a1"), Device(client, "worker-a1")
    client.post(URL, json=body("https://fcm.googleapis.com/phone"), headers=phone.headers)
    client.post(URL, json=body("https://fcm.googleapis.com/tablet"), headers=tablet.headers)
    assert client.post("/api/v1/auth/logout", headers=phone.headers).status_code == 204
    assert owners(push_app) == {"https://fcm.googleapis.com/tablet": people["worker-a1"]}
    assert client.get(URL, headers=tablet.headers).get_json()[0]["endpoint"].endswith("/tablet")


def test_a_shared_phone_belongs_to_the_sign_in_that_registered_it_last(push_app, client, people):
    first, second = Device(client, "worker-a1"), Device(client, "worker-a2")
    client.post(URL, json=body(), headers=first.headers)
    client.post(URL, json=body(), headers=second.headers)
    assert client.post("/api/v1/auth/logout", headers=first.headers).status_code == 204
    assert owners(push_app) == {body()["endpoint"]: people["worker-a2"]}
    assert client.post("/api/v1/auth/logout", headers=second.headers).status_code == 204
    assert owners(push_app) == {}


def test_a_device_whose_sign_in_was_ended_elsewhere_is_not_pushed_to(push_app, client, people):
    phone = Device(client, "worker-a1")
    client.post(URL, json=body("https://fcm.googleapis.com/phone"), headers=phone.headers)
    with push_app.app_context():
        older = PushSubscription(
            id=str(uuid.uuid4()), user_id=people["worker-a1"], endpoint="https://fcm.googleapis.com/older"
        )
        older.p256dh, older.auth = P256DH, key(16)  # saved before subscriptions knew their sign-in
        db.session.add(older)
        end_sessions_of(people["worker-a1"], "password_reset")
        db.session.commit()
        queued = queue_web_push(db.session, people["worker-a1"], "n-1", push_payload("标题"))
        assert [row.target for row in queued] == [older.id]
