"""GET /api/v1/deliveries: managers see their enterprise's deliveries, a bureau its region's, workers none."""

from __future__ import annotations

import uuid

import pytest

from backend.extensions import db
from backend.models import OfficeChannel
from backend.notify.inbox import notify_office

from ..api_client import Device
from ..notify.fake_push import FakePushService
from ..notify.fake_robots import FakeRobots, robot_answer
from ..notify.servers import Answer
from .test_inbox import DAYTIME, deliver, send, subscribe

URL = "/api/v1/deliveries"


@pytest.fixture
def push_service():
    """A fake push service on 127.0.0.1."""
    service = FakePushService()
    yield service
    service.close()


@pytest.fixture
def log(app, client, people, push_service):
    """Pushes to a person of A and of B, and an office message to A, B and the bureau; one sent."""
    for name in ("worker-a1", "worker-b1"):
        subscribe(app, client, Device(client, name), push_service)
    send(app, [people["worker-a1"], people["worker-b1"]])
    with app.app_context():
        for owner, region in ((people["A"], None), (people["B"], None), (None, "141122")):
            channel = OfficeChannel(
                id=str(uuid.uuid4()),
                enterprise_id=owner,
                region_code=region,
                kind="wecom",
                url="http://127.0.0.1:9/x",
            )
            db.session.add(channel)
            db.session.flush()
            regions = (region,) if region else ()
            key = f"digest:{owner}"
            notify_office(db.session, owner, key, "每日安全摘要", ["一行"], "/", now=DAYTIME, regions=regions)
        db.session.commit()
    deliver(app)
    return people


def listed(client, name: str, expect: int = 200, **query):
    answer = client.get(URL, query_string=query, headers=Device(client, name).headers)
    assert answer.status_code == expect, answer.get_json()
    return answer.get_json()


def test_an_officer_sees_the_deliveries_of_their_enterprise(client, log):
    rows = listed(client, "officer-a")
    assert sorted((r["channel"], r["enterprise_id"]) for r in rows) == [
        ("webpush", log["A"]),
        ("wecom", log["A"]),
    ]
    push = next(r for r in rows if r["channel"] == "webpush")
    assert (push["user_id"], push["kind"], push["status"], push["attempts"]) == (
        log["worker-a1"],
        "hazard_deadline",
        "sent",
        1,
    )
    assert push["sent_at"] and push["created_at"]
    office = next(r for r in rows if r["channel"] == "wecom")
    assert office["status"] in ("retry", "failed") and office["last_error"]
    assert office["title"] == "每日安全摘要"


def test_a_principal_sees_the_same_and_not_another_enterprise(client, log):
    assert len(listed(client, "principal-a")) == 2
    answer = listed(client, "principal-a", expect=403, enterprise_id=log["B"])
    assert answer["code"] == "forbidden"


def test_the_bureau_sees_every_delivery_of_its_county_and_may_filter(client, log):
    assert len(listed(client, "bureau")) == 5
    assert listed(client, "bureau-wenshui") == []
    assert listed(client, "bureau-wenshui", expect=404, enterprise_id=log["B"])["code"] == "not_found"
    rows = listed(client, "bureau", enterprise_id=log["B"])
    assert {(r["channel"], r["enterprise_id"]) for r in rows} == {("webpush", log["B"]), ("wecom", log["B"])}
    assert len(listed(client, "bureau", limit=1)) == 1


@pytest.mark.parametrize("name", ["worker-a1", "contractor-a", "worker-b1"])
def test_workers_may_not_read_the_log(client, log, name):
    assert listed(client, name, expect=403)["code"] == "forbidden"


def test_the_log_needs_a_signed_in_person(client, log):
    assert client.get(URL).status_code == 401


def test_the_log_shows_a_status_and_a_summary_never_what_the_remote_side_answered(app, client, people):
    """A push service's (or anything's) answer body could hold what an inside service said: never shown."""
    secret = "redis_version:7.0.15 password=hunter2"
    service = FakePushService()
    robots = FakeRobots()
    try:
        browser = subscribe(app, client, Device(client, "worker-a1"), service)
        browser.answers.append(Answer(400, {"Content-Type": "text/plain"}, secret.encode()))
        robots.answers.append(robot_answer(93000, secret))
        send(app, [people["worker-a1"]])
        with app.app_context():
            db.session.add(
                OfficeChannel(
                    id=str(uuid.uuid4()), enterprise_id=people["A"], kind="wecom", url=robots.url("wecom")
                )
            )
            notify_office(db.session, people["A"], "digest:a", "每日安全摘要", ["一行"], "/", now=DAYTIME)
            db.session.commit()
        deliver(app)
    finally:
        service.close()
        robots.close()
    answer = client.get(URL, headers=Device(client, "officer-a").headers)
    rows = {row["channel"]: row for row in answer.get_json()}
    assert rows["webpush"]["last_error"] == "HTTP 400：推送服务拒绝了这条消息（格式或加密不对）"
    assert rows["wecom"]["last_error"] == "错误码 93000：webhook 地址无效：请在群里重新复制机器人地址"
    assert "hunter2" not in answer.get_data(as_text=True)
