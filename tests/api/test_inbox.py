"""The inbox: notify() makes pulled notifications for its recipients only, pushes them, and read/ack."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from sqlalchemy import select

from backend.extensions import db
from backend.models import Delivery
from backend.notify import deliver_due, vapid_keys
from backend.notify.inbox import notify, notify_office

from ..api_client import Device
from ..notify.fake_push import FakePushService

# 10:00 in Shanghai: outside any usual quiet hours.
DAYTIME = datetime(2025, 6, 2, 2, 0, tzinfo=UTC)


@pytest.fixture
def push_service():
    """A fake push service on 127.0.0.1."""
    service = FakePushService()
    yield service
    service.close()


def subscribe(app, client, device: Device, service: FakePushService):
    """Register a fake browser's subscription for a signed-in person through the API."""
    app.config["OUTBOUND_ALLOW_LOOPBACK_FOR_TESTS"] = True
    with app.app_context():
        browser = service.subscribe(vapid_keys().public_key)
    answer = client.post(
        "/api/v1/push/subscriptions", json=browser.subscription_json(), headers=device.headers
    )
    assert answer.status_code == 201, answer.get_json()
    return browser


def send(app, recipients, kind="hazard_deadline", now=DAYTIME, **options):
    """Call notify() as the reminder tick does, and commit."""
    with app.app_context():
        changes = notify(
            db.session,
            recipients,
            kind,
            options.pop("title", "隐患整改即将到期"),
            "钢包吊运区积水，2 天后到期",
            "/hazards/h-1",
            source={"entity": "hazard", "id": "h-1"},
            now=now,
            **options,
        )
        db.session.commit()
        return [change.data for change in changes]


def deliver(app, now=DAYTIME):
    with app.app_context():
        return deliver_due(db.session, now)


def inbox(device: Device) -> list[dict]:
    return [c["data"] for (entity, _), c in device.pull_all().items() if entity == "notification"]


def test_notifications_are_pulled_by_their_recipients_only(app, client, people):
    sent = send(app, [people["worker-a1"], people["officer-a"]])
    assert {n["user_id"] for n in sent} == {people["worker-a1"], people["officer-a"]}
    mine = inbox(Device(client, "worker-a1"))
    assert [(n["kind"], n["title"], n["read_at"]) for n in mine] == [
        ("hazard_deadline", "隐患整改即将到期", None)
    ]
    assert mine[0]["source"] == {"entity": "hazard", "id": "h-1"}
    assert len(inbox(Device(client, "officer-a"))) == 1
    for other in ("worker-a2", "principal-a", "worker-b1", "bureau"):
        assert inbox(Device(client, other)) == []


def test_inactive_people_get_nothing(app, client, people):
    officer = Device(client, "officer-a")
    assert officer.do("user.deactivate", people["worker-a2"], reason="left")["status"] == "applied"
    sent = send(app, [people["worker-a1"], people["worker-a2"], people["worker-a1"]])
    assert [n["user_id"] for n in sent] == [people["worker-a1"]]


def test_the_push_arrives_decrypted_with_the_title(app, client, people, push_service):
    worker = Device(client, "worker-a1")
    subscribe(app, client, worker, push_service)
    send(app, [people["worker-a1"]], title="钢包区积水整改")
    assert [r.status for r in deliver(app)] == ["sent"]
    received = push_service.received[0]
    assert received.payload["title"] == "钢包区积水整改"
    assert received.payload["url"] == "https://anquan.example.test/#/hazards/h-1"
    assert received.payload["tag"] == "hazard_deadline:hazard:h-1"
    assert received.headers["urgency"] == "normal" and received.headers.get("topic")


def test_a_critical_notification_is_pushed_with_high_urgency(app, client, people, push_service):
    subscribe(app, client, Device(client, "officer-a"), push_service)
    sent = send(app, [people["officer-a"]], kind="major_hazard_overdue")
    assert sent[0]["critical"] is True
    deliver(app)
    assert push_service.received[0].headers["urgency"] == "high"


def test_the_push_log_names_the_notification(app, client, people, push_service):
    subscribe(app, client, Device(client, "worker-a1"), push_service)
    sent = send(app, [people["worker-a1"]])
    with app.app_context():
        keys = db.session.scalars(select(Delivery.notification_key)).all()
    assert keys == [sent[0]["id"]]


def test_office_messages_are_queued_for_the_enterprise(app, people):
    with app.app_context():
        assert notify_office(db.session, people["A"], "k", "标题", ["一行"], "/", now=DAYTIME) == []


def test_the_recipient_reads_then_acknowledges(app, client, people):
    notification = send(app, [people["worker-a1"]])[0]
    worker = Device(client, "worker-a1")
    assert worker.do("notification.read", notification["id"])["status"] == "applied"
    again = worker.do("notification.read", notification["id"])
    assert (again["status"], again["code"]) == ("rejected", "conflict")
    assert worker.do("notification.acknowledge", notification["id"])["status"] == "applied"
    again = worker.do("notification.acknowledge", notification["id"])
    assert (again["status"], again["code"]) == ("rejected", "conflict")
    stored = inbox(worker)[0]
    assert stored["read_at"] and stored["acknowledged_at"]
    assert [h["type"] for h in stored["history"]] == ["notification.read", "notification.acknowledge"]


def test_acknowledging_implies_reading(app, client, people):
    notification = send(app, [people["worker-a1"]])[0]
    worker = Device(client, "worker-a1")
    assert worker.do("notification.acknowledge", notification["id"])["status"] == "applied"
    assert inbox(worker)[0]["read_at"] == inbox(worker)[0]["acknowledged_at"]
    assert worker.do("notification.read", notification["id"])["code"] == "conflict"


@pytest.mark.parametrize("other", ["worker-a2", "officer-a", "worker-b1", "bureau"])
def test_nobody_else_may_read_or_acknowledge(app, client, people, other):
    notification = send(app, [people["worker-a1"]])[0]
    device = Device(client, other)
    for command in ("notification.read", "notification.acknowledge"):
        outcome = device.do(command, notification["id"])
        assert (outcome["status"], outcome["code"]) == ("rejected", "not_found")
