"""WeCom and DingTalk group robots through fake receivers that check the shape and the signature."""

from __future__ import annotations

import base64
import hashlib
import hmac
import uuid
from datetime import timedelta
from urllib.parse import parse_qs, urlsplit

from sqlalchemy import select

from backend.extensions import db
from backend.models import Delivery, OfficeChannel
from backend.models.types import utcnow
from backend.notify import deliver_due, render_markdown
from backend.notify.webhooks import dingtalk_signed_url

from .conftest import DINGTALK_SECRET
from .fake_robots import robot_answer
from .sending import post_to_office
from .servers import Answer

LINES = [
    "企业：示例钢铁有限公司",
    "重大事故隐患：钢包吊运区下方有人员值守室",
    "整改期限：2025-03-01（已逾期 3 天）",
]
TITLE = "重大事故隐患逾期未整改"
COPY_AGAIN = "请在群里重新复制机器人地址"


def channel(enterprise_id, kind, url, secret=None, active=True, region=None) -> str:
    """An enterprise's robot, or (no enterprise) the robot of a bureau: 交城县's unless told."""
    region = region or (None if enterprise_id else "141122")
    row = OfficeChannel(
        id=str(uuid.uuid4()),
        enterprise_id=enterprise_id,
        region_code=region,
        kind=kind,
        url=url,
        secret=secret,
        active=active,
    )
    db.session.add(row)
    db.session.commit()
    return row.id


def rows() -> list[Delivery]:
    return db.session.scalars(select(Delivery).order_by(Delivery.id)).all()


def test_markdown_has_a_heading_a_bullet_per_line_and_a_link():
    text = render_markdown(TITLE, LINES, "https://anquan.example/hazards/h-1")
    assert text.splitlines()[0] == f"### {TITLE}"
    assert f"- {LINES[1]}" in text
    assert text.endswith("[查看详情](https://anquan.example/hazards/h-1)")


def test_the_dingtalk_signature_is_the_documented_hmac():
    url = dingtalk_signed_url("https://oapi.dingtalk.com/robot/send?access_token=t", "SECabc", 1700000000000)
    query = parse_qs(urlsplit(url).query)
    expected = hmac.new(b"SECabc", b"1700000000000\nSECabc", hashlib.sha256).digest()
    assert query["timestamp"] == ["1700000000000"]
    assert query["sign"] == [base64.b64encode(expected).decode()]
    assert "%2B" in url or "%2F" in url or "%3D" in url


def test_the_enterprise_robots_both_get_the_message(app, people, robots):
    with app.app_context():
        channel(people["A"], "wecom", robots.url("wecom"))
        channel(people["A"], "dingtalk", robots.url("dingtalk"), DINGTALK_SECRET)
        channel(people["B"], "wecom", robots.url("wecom"))
        results = post_to_office(db.session, people["A"], "hazard:h-1:overdue", TITLE, LINES, "https://x/h/1")
        assert [r.status for r in results] == ["sent", "sent"]
        assert [(r.channel, r.status, r.attempts) for r in rows()] == [
            ("wecom", "sent", 1),
            ("dingtalk", "sent", 1),
        ]
    assert robots.errors == []
    wecom = dict(robots.messages)["wecom"]
    assert wecom["markdown"]["content"] == render_markdown(TITLE, LINES, "https://x/h/1")
    dingtalk = dict(robots.messages)["dingtalk"]
    assert dingtalk["markdown"]["title"] == TITLE and LINES[2] in dingtalk["markdown"]["text"]


def test_the_bureau_robot_is_the_one_without_an_enterprise_of_the_region_asked(app, people, robots):
    with app.app_context():
        channel(None, "wecom", robots.url("wecom"))
        channel(people["A"], "dingtalk", robots.url("dingtalk"), DINGTALK_SECRET)
        channel(None, "dingtalk", robots.url("dingtalk"), DINGTALK_SECRET, active=False)
        channel(None, "dingtalk", robots.url("dingtalk"), DINGTALK_SECRET, region="141121")  # 文水县's
        results = post_to_office(
            db.session, None, "digest:2025-w09", "本周安全摘要", LINES, regions=("141122",)
        )
    assert [r.status for r in results] == ["sent"]
    assert [kind for kind, _ in robots.messages] == ["wecom"]


def test_a_wrong_dingtalk_secret_is_refused_and_logged_as_failed(app, people, robots):
    with app.app_context():
        channel(people["A"], "dingtalk", robots.url("dingtalk"), "SECwrong")
        [result] = post_to_office(db.session, people["A"], "n-1", TITLE, LINES)
        assert (result.status, result.http_status) == ("failed", 200)
        assert rows()[0].last_error == "错误码 310000：加签不匹配：请核对钉钉机器人的加签密钥"
    assert robots.messages == []


def test_an_unsigned_message_to_a_signed_robot_is_refused(app, people, robots):
    with app.app_context():
        channel(people["A"], "dingtalk", robots.url("dingtalk"))
        [result] = post_to_office(db.session, people["A"], "n-1", TITLE, LINES)
    assert result.status == "failed" and result.error.startswith("错误码 310000")


def test_a_robot_errcode_is_a_failure_and_throttling_is_retried(app, people, robots):
    robots.answers.extend(
        [robot_answer(93000, "invalid webhook url"), robot_answer(45009, "api freq out of limit")]
    )
    with app.app_context():
        channel(people["A"], "wecom", robots.url("wecom"))
        [refused] = post_to_office(db.session, people["A"], "n-1", TITLE, LINES)
        assert (refused.status, refused.error) == ("failed", "错误码 93000：webhook 地址无效：" + COPY_AGAIN)
        now = utcnow()
        [throttled] = post_to_office(db.session, people["A"], "n-2", TITLE, LINES)
        assert throttled.status == "retry"
        assert deliver_due(db.session, now + timedelta(seconds=10)) == []
        [later] = deliver_due(db.session, now + timedelta(minutes=1))
        assert later.status == "sent"
    assert len(robots.messages) == 1


def test_an_http_error_from_the_robot_is_retried_after_its_retry_after(app, people, robots):
    robots.answers.append(Answer(503, {"Retry-After": "60"}))
    with app.app_context():
        channel(people["A"], "dingtalk", robots.url("dingtalk"), DINGTALK_SECRET)
        [result] = post_to_office(db.session, people["A"], "n-1", TITLE, LINES)
        assert (result.status, result.http_status) == ("retry", 503)
        row = rows()[0]
        assert timedelta(seconds=55) < row.next_attempt_at - row.created_at <= timedelta(seconds=61)


def test_a_long_wecom_message_is_cut_to_the_robots_limit(app, people, robots):
    with app.app_context():
        channel(people["A"], "wecom", robots.url("wecom"))
        [result] = post_to_office(db.session, people["A"], "n-1", TITLE, ["隐患" * 100] * 20)
    assert result.status == "sent"
    assert len(dict(robots.messages)["wecom"]["markdown"]["content"].encode()) <= 4096


def test_a_switched_off_channel_is_not_retried(app, people, robots):
    robots.answers.append(robot_answer(45009, "api freq out of limit"))
    with app.app_context():
        channel_id = channel(people["A"], "wecom", robots.url("wecom"))
        now = utcnow()
        post_to_office(db.session, people["A"], "n-1", TITLE, LINES)
        db.session.get(OfficeChannel, channel_id).active = False
        db.session.commit()
        [result] = deliver_due(db.session, now + timedelta(hours=1))
    assert result.status == "failed" and robots.messages == []
