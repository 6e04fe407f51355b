"""Notifications in Chromium: the PWA subscribes this device to Web Push (PushManager stubbed) and the server
lists it; a push delivered to the service worker over CDP shows a notification whose click opens the hazard;
a bureau notice reaches worker-a1's inbox by sync, is read offline and the read receipt syncs back."""

from __future__ import annotations

import base64
import json
import os
import time

from ..protocol.client import now_rfc3339, uuid7
from .conftest import pulled, sign_in_to, wait_for_local_rows

SYNCED = 40_000


def b64url(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()


def fake_subscription(base_url: str) -> dict:
    """A browser-like subscription: 127.0.0.1 endpoint, a real P-256 public key, a 16-byte auth secret."""
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric import ec

    key = ec.generate_private_key(ec.SECP256R1())
    point = key.public_key().public_bytes(
        serialization.Encoding.X962, serialization.PublicFormat.UncompressedPoint
    )
    port = base_url.rsplit(":", 1)[-1]
    return {
        "endpoint": f"http://127.0.0.1:{port}/push/{uuid7()}",
        "keys": {"p256dh": b64url(point), "auth": b64url(os.urandom(16))},
    }


STUB_PUSH = """
(() => {
  const FAKE = %s;
  if (typeof PushManager === 'undefined' || typeof localStorage === 'undefined') return;
  const make = () => ({
    endpoint: FAKE.endpoint, expirationTime: null, options: { userVisibleOnly: true },
    getKey: () => null,
    toJSON: () => ({ endpoint: FAKE.endpoint, expirationTime: null, keys: FAKE.keys }),
    unsubscribe: async () => { localStorage.removeItem('fake-push'); return true; },
  });
  PushManager.prototype.subscribe = async function (options) {
    localStorage.setItem('fake-push-options', JSON.stringify({
      userVisibleOnly: options.userVisibleOnly, keyBytes: new Uint8Array(options.applicationServerKey).length,
    }));
    localStorage.setItem('fake-push', '1');
    return make();
  };
  PushManager.prototype.getSubscription = async function () {
    return localStorage.getItem('fake-push') ? make() : null;
  };
})();
"""


KEY_CACHED = """async () => {
  const db = await new Promise((ok) => {
    const r = indexedDB.open('safety-ledger');
    r.onsuccess = () => ok(r.result);
  });
  const q = db.transaction('meta').objectStore('meta').get('push_public_key');
  return await new Promise((ok) => { q.onsuccess = () => ok(!!q.result?.value); });
}"""


def push_phone(phone, base_url: str, subscription: dict):
    context = phone()
    context.grant_permissions(["notifications"], origin=base_url)
    context.add_init_script(STUB_PUSH % json.dumps(subscription))
    return context


def test_enable_push_registers_this_device(base_url, phone, api):
    worker = api("worker-a1")
    subscription = fake_subscription(base_url)
    context = push_phone(phone, base_url, subscription)
    page = context.new_page()
    sign_in_to(page, base_url, "worker-a1")
    page.goto(base_url + "/#/me")
    page.click("[data-test=notification-settings]")
    page.wait_for_selector("[data-test=china-note]")
    assert "中国大陆" in page.inner_text("[data-test=china-note]")
    page.click("[data-test=push-device]")
    page.wait_for_selector(
        "[data-test=push-state][data-subscribed=true][data-on-server=true]", timeout=SYNCED
    )

    endpoints = [s["endpoint"] for s in worker.call("GET", "/api/v1/push/subscriptions")]
    assert subscription["endpoint"] in endpoints
    options = json.loads(page.evaluate("localStorage.getItem('fake-push-options')"))
    assert options == {"userVisibleOnly": True, "keyBytes": 65}
    # The VAPID key is kept for offline display.
    assert page.evaluate(KEY_CACHED)

    # Off again: the browser unsubscribes and the server forgets the endpoint.
    page.click("[data-test=push-device]")
    page.wait_for_selector("[data-test=push-state][data-subscribed=false]", timeout=SYNCED)
    endpoints = [s["endpoint"] for s in worker.call("GET", "/api/v1/push/subscriptions")]
    assert subscription["endpoint"] not in endpoints


def registration_id(page, cdp, base_url: str) -> str:
    """The service worker registration id of the app, from CDP's ServiceWorker events."""
    found: dict = {}

    def on_registrations(event):
        for reg in event["registrations"]:
            if reg["scopeURL"].startswith(base_url) and not reg.get("isDeleted"):
                found["id"] = reg["registrationId"]

    def on_versions(event):
        for version in event["versions"]:
            if version["scriptURL"].startswith(base_url) and version.get("status") == "activated":
                found.setdefault("id", version["registrationId"])

    cdp.on("ServiceWorker.workerRegistrationUpdated", on_registrations)
    cdp.on("ServiceWorker.workerVersionUpdated", on_versions)
    cdp.send("ServiceWorker.enable")
    deadline = time.monotonic() + 10
    while "id" not in found and time.monotonic() < deadline:
        page.wait_for_timeout(100)  # lets Playwright deliver the CDP events
    assert "id" in found, "no service worker registration reported over CDP"
    return found["id"]


NOTIFICATIONS = """async (tag) => (await (await navigator.serviceWorker.ready).getNotifications({ tag }))
  .map((n) => ({ title: n.title, body: n.body, tag: n.tag, url: n.data && n.data.url }))"""

CLICK = """async (tag) => {
  const [notification] = await self.registration.getNotifications({ tag });
  if (!notification) return false;
  self.dispatchEvent(new NotificationEvent('notificationclick', { notification }));
  return true;
}"""


def test_push_shows_a_notification_whose_click_opens_the_hazard(base_url, phone, api):
    worker = api("worker-a1")
    hazard = pulled(worker, "hazard")[0]
    context = push_phone(phone, base_url, fake_subscription(base_url))
    page = context.new_page()
    sign_in_to(page, base_url, "worker-a1")
    wait_for_local_rows(page, "hazards", 1, timeout=SYNCED)
    page.goto(base_url + "/#/me")

    cdp = context.new_cdp_session(page)
    reg = registration_id(page, cdp, base_url)
    url = f"{base_url}/#/hazards/{hazard['id']}"  # absolute, as the server sends it (PUBLIC_BASE_URL)
    payload = {"title": "隐患整改临期", "body": "请在 2 天内完成整改", "url": url, "tag": "t1"}
    cdp.send(
        "ServiceWorker.deliverPushMessage",
        {"origin": base_url, "registrationId": reg, "data": json.dumps(payload)},
    )

    deadline = time.monotonic() + 15
    shown = []
    while not shown and time.monotonic() < deadline:
        shown = page.evaluate(NOTIFICATIONS, "t1")
        page.wait_for_timeout(200)
    assert shown == [{"title": "隐患整改临期", "body": "请在 2 天内完成整改", "tag": "t1", "url": url}]

    worker_sw = (
        context.service_workers[0] if context.service_workers else context.wait_for_event("serviceworker")
    )
    assert worker_sw.evaluate(CLICK, "t1")
    page.wait_for_url(f"**/#/hazards/{hazard['id']}", timeout=SYNCED)
    page.wait_for_selector(f"text={hazard['title']}" if hazard.get("title") else "body", timeout=SYNCED)
    assert page.evaluate(NOTIFICATIONS, "t1") == []  # the click closed it


def send_notice(bureau, title: str) -> str:
    """The bureau sends a notice to all enterprises by sync push; return its id."""
    notice_id = uuid7()
    command = {
        "seq": 1,
        "id": uuid7(),
        "type": "notice.send",
        "entity_id": notice_id,
        "captured_at": now_rfc3339(),
        "args": {
            "title": title,
            "body": "某企业有限空间作业未检测即进入，造成 2 人死亡。请立即开展自查。",
            "kind": "accident",
            "target": {"all": True},
        },
    }
    answer = bureau.call(
        "POST",
        "/api/v1/sync/push",
        {"client_id": uuid7(), "sent_at": now_rfc3339(), "commands": [command]},
    )
    [outcome] = answer["outcomes"]
    assert outcome.get("status") == "applied", outcome
    return notice_id


def wait_until(check, seconds: float = 40, what: str = ""):
    deadline = time.monotonic() + seconds
    while True:
        value = check()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"never happened: {what}")
        time.sleep(1)


def test_notice_reaches_the_inbox_and_the_read_receipt_syncs_back(base_url, phone, api):
    bureau, worker = api("bureau"), api("worker-a1")
    title = f"有限空间中毒事故通报-{int(time.time())}"
    notice_id = send_notice(bureau, title)
    mine = wait_until(
        lambda: [n for n in pulled(worker, "notification") if n.get("notice_id") == notice_id],
        what="worker-a1's notification of the notice",
    )[0]

    context = phone()
    page = context.new_page()
    sign_in_to(page, base_url, "worker-a1")
    page.goto(base_url + "/#/inbox")
    page.click("[data-test=inbox-refresh]")
    row = f"[data-test=notification-{mine['id']}]"
    page.wait_for_selector(f"{row}[data-read=false]", timeout=SYNCED)
    assert title in page.inner_text(row)
    assert int(page.get_attribute("[data-test=tab-inbox]", "data-unread")) >= 1

    context.set_offline(True)
    page.click(row)
    page.wait_for_selector("[data-test=notification-detail][data-read=true]")
    assert "有限空间" in page.inner_text("[data-test=notification-body]")
    page.click("[data-test=acknowledge]")
    page.wait_for_selector("[data-test=notification-detail][data-acknowledged=true]")
    assert not any(n["id"] == mine["id"] and n.get("read_at") for n in pulled(worker, "notification"))

    context.set_offline(False)
    page.goto(base_url + "/#/inbox")
    page.click("[data-test=inbox-refresh]")
    page.wait_for_selector(f"{row}[data-read=true]", timeout=SYNCED)

    server = wait_until(
        lambda: next(
            (n for n in pulled(worker, "notification") if n["id"] == mine["id"] and n.get("acknowledged_at")),
            None,
        ),
        what="read_at/acknowledged_at on the server",
    )
    assert server["read_at"]
    enterprise = worker.user["enterprise_id"]
    counts = wait_until(
        lambda: next(
            (
                r
                for r in pulled(bureau, "notice_receipt")
                if r["notice_id"] == notice_id and r["enterprise_id"] == enterprise and r["read"] >= 1
            ),
            None,
        ),
        what="the bureau's read receipt",
    )
    assert counts["acknowledged"] >= 1
    listed = bureau.call(
        "GET", f"/api/v1/notices/{notice_id}/recipients?enterprise_id={enterprise}&limit=500"
    )["items"]
    receipt = next(r for r in listed if r["user_id"] == worker.user["id"])
    assert receipt["read_at"] and receipt["acknowledged_at"]

    # The bureau sees the receipt on the notice screen.
    bureau_page = phone().new_page()
    sign_in_to(bureau_page, base_url, "bureau")
    bureau_page.goto(base_url + f"/#/notices/{notice_id}")
    bureau_page.wait_for_selector("[data-test=notice-detail]", timeout=SYNCED)
    wait_until(
        lambda: int(bureau_page.get_attribute("[data-test=notice-detail]", "data-read")) >= 1,
        what="receipt on screen",
    )


def test_signing_out_stops_pushes_to_this_device(base_url, phone, api):
    subscription = fake_subscription(base_url)
    context = push_phone(phone, base_url, subscription)
    page = context.new_page()
    sign_in_to(page, base_url, "worker-a2")
    page.goto(base_url + "/#/settings/notifications")
    page.click("[data-test=push-device]")
    page.wait_for_selector("[data-test=push-state][data-on-server=true]", timeout=SYNCED)

    page.goto(base_url + "/#/me")
    page.click("[data-test=sign-out]")
    page.click(".van-dialog__confirm")
    page.wait_for_function("() => location.hash.startsWith('#/login')", timeout=SYNCED)
    endpoints = [s["endpoint"] for s in api("worker-a2").call("GET", "/api/v1/push/subscriptions")]
    assert subscription["endpoint"] not in endpoints
    assert page.evaluate("localStorage.getItem('fake-push')") is None
