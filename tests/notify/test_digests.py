"""Digests through time: the weekly bureau summary and the daily officer one, each once per period."""

from __future__ import annotations

import uuid
from datetime import date, timedelta

import pytest
from sqlalchemy import select

from backend.extensions import db
from backend.models import Delivery, OfficeChannel
from backend.notify import deliver_due
from backend.notify.digests import run_digests

from .conftest import DINGTALK_SECRET
from .test_reminders import (
    REGISTERED,
    add_hazard,
    at,
    cadence,
    days,
    notifications,
    received,
    registered_on,
)
from .test_webpush import subscribe

MONDAY = date(2025, 3, 3)


@pytest.fixture
def bureau_robot(app, people, robots):
    """The bureau's signed DingTalk robot and enterprise A's WeCom robot."""
    with app.app_context():
        registered_on(REGISTERED)
        db.session.add_all(
            [
                OfficeChannel(
                    id=str(uuid.uuid4()),
                    enterprise_id=None,
                    region_code="141122",  # 交城县's bureau
                    kind="dingtalk",
                    url=robots.url("dingtalk"),
                    secret=DINGTALK_SECRET,
                ),
                OfficeChannel(
                    id=str(uuid.uuid4()), enterprise_id=people["A"], kind="wecom", url=robots.url("wecom")
                ),
            ]
        )
        db.session.commit()
    return robots


def digest_tick(app, day: date, hour: int = 10):
    with app.app_context():
        try:
            cadence(day)
            sent = run_digests(db.session, today=day, now=at(day, hour))
            deliver_due(db.session, at(day, hour))
            return sent
        finally:
            db.session.remove()


def test_the_weekly_bureau_digest_reaches_inbox_push_and_dingtalk_once_a_week(
    app, people, bureau_robot, push_service
):
    app.config["OUTBOUND_ALLOW_LOOPBACK_FOR_TESTS"] = True
    subscribe(app, push_service, people["bureau"])
    with app.app_context():
        add_hazard(people, "major", MONDAY - timedelta(days=3))
    for day in days(MONDAY, MONDAY + timedelta(days=6)):
        digest_tick(app, day)
        digest_tick(app, day, hour=15)
    with app.app_context():
        weekly = notifications("digest_weekly")
    # One a week to each region's bureau: 交城县's, 文水县's and 吕梁市's over both.
    by_user = {n["user_id"]: n for n in weekly}
    assert sorted(by_user) == sorted(people[n] for n in ("bureau", "bureau-wenshui", "bureau-lvliang"))
    assert len(weekly) == 3
    digest = by_user[people["bureau"]]
    assert by_user[people["bureau-wenshui"]]["body"].startswith("1 家企业")
    assert by_user[people["bureau-lvliang"]]["body"].startswith("3 家企业")
    assert digest["title"] == "安全生产周报（2025年第10周）" and digest["url"] == "/#/bureau"
    assert "重大隐患 1" in digest["body"] and "逾期整改 1" in digest["body"]
    pushed = [r.payload for r in push_service.received if r.payload["title"].startswith("安全生产周报")]
    absolute = "https://anquan.example.test/#/bureau"  # the inbox keeps the in-app link; the push is absolute
    assert pushed == [{**pushed[0], "title": digest["title"], "body": digest["body"], "url": absolute}]
    dingtalk = [m for kind, m in bureau_robot.messages if kind == "dingtalk"]
    assert bureau_robot.errors == []  # the signature checked out
    assert len(dingtalk) == 1
    text = dingtalk[0]["markdown"]["text"]
    assert "安全生产周报" in text and "重大隐患 1" in text
    assert text.endswith(f"[查看详情]({absolute})")
    names = [line for line in text.splitlines() if line.startswith("- ")]
    assert len(names) == 3  # the totals, then one line per enterprise of 交城县
    assert not [line for line in names if "文水县" in line]

    digest_tick(app, MONDAY + timedelta(days=7))
    with app.app_context():
        assert received("digest_weekly")[people["bureau"]] == 2
    assert len([m for kind, m in bureau_robot.messages if kind == "dingtalk"]) == 2


def test_the_weekly_digest_waits_for_monday_morning(app, people, bureau_robot):
    assert digest_tick(app, MONDAY, hour=7)["digest_weekly"] == 0
    assert digest_tick(app, MONDAY, hour=8)["digest_weekly"] == 3  # one per region's bureau


def test_a_week_missed_on_monday_goes_out_on_tuesday_night(app, people, bureau_robot):
    assert digest_tick(app, MONDAY + timedelta(days=1), hour=1)["digest_weekly"] == 3


def test_the_daily_officer_digest_goes_once_a_day_to_officers_and_their_robot(app, people, bureau_robot):
    with app.app_context():
        add_hazard(people, "general", MONDAY - timedelta(days=2))
    for day in days(MONDAY, MONDAY + timedelta(days=2)):
        digest_tick(app, day)
        digest_tick(app, day, hour=18)
    with app.app_context():
        daily = [n for n in notifications("digest_daily") if n["user_id"] == people["officer-a"]]
        office = db.session.scalars(select(Delivery).where(Delivery.channel == "wecom")).all()
    assert len(daily) == 3 and len({n["title"] for n in daily}) == 3
    assert all("逾期整改隐患：1" in n["body"] for n in daily)
    assert [m["msgtype"] for kind, m in bureau_robot.messages if kind == "wecom"] == ["markdown"] * 3
    assert len(office) == 3 and {row.status for row in office} == {"sent"}


def test_no_daily_digest_before_the_morning(app, people, bureau_robot):
    with app.app_context():
        add_hazard(people, "general", MONDAY - timedelta(days=2))
    assert digest_tick(app, MONDAY, hour=6)["digest_daily"] == 0
