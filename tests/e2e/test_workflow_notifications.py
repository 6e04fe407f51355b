"""Workflow notifications in Chromium at 360×740: each step's next person finds it in their phone's inbox.

A worker reports on their phone; the other steps are sent by a protocol client standing in for the sender's
phone (the forms have their own e2e tests). Each recipient's phone syncs, shows the notification unread,
and one tap opens the record it is about.
"""

from __future__ import annotations

import time
import uuid
from datetime import date, timedelta

from ..protocol.client import Device, Session
from .conftest import make_png, pulled, sign_in_to

SYNCED = 40_000


class Sender:
    """A demo user's other phone: pushes commands (photos uploaded first) and checks each was applied."""

    def __init__(self, base_url: str, username: str):
        session = Session(base_url, language="zh-CN")
        session.login(username, "demo1234")
        self.user = session.user
        self.device = Device(session)

    def photo(self, shade: int) -> str:
        return self.device.add_blob(make_png(64, 48, (shade, 90, 160)))

    def do(self, type_: str, entity_id: str | None = None, **args) -> str:
        """Push one command; return its entity id once the server applied it."""
        command = self.device.enqueue(type_, args, entity_id)
        self.device.push()
        outcome = self.device.outcomes[command.seq]
        assert outcome["status"] == "applied", outcome
        return command.entity_id


def open_inbox_row(page, base_url: str, text: str, seconds: float = 40):
    """Open the inbox and sync until a notification containing text shows; return its row."""
    row = page.locator(".van-cell[data-test^='notification-']", has_text=text)
    page.goto(base_url + "/#/inbox")
    page.wait_for_selector("[data-test=inbox]")
    deadline = time.monotonic() + seconds
    while True:
        page.click("[data-test=inbox-refresh]")
        try:
            row.first.wait_for(timeout=5000)
            return row.first
        except Exception:
            if time.monotonic() > deadline:
                raise


def tap_opens(page, row, route: str, selector: str) -> None:
    """Tap an unread notification: the record opens, and back in the inbox the row reads as read."""
    assert row.get_attribute("data-read") == "false"
    name = row.get_attribute("data-test")
    row.click()
    page.wait_for_function("route => location.hash === '#' + route", arg=route)
    page.wait_for_selector(selector)
    page.go_back()
    page.wait_for_selector(f"[data-test={name}][data-read=true]")


def phone_of(phone, base_url: str, username: str):
    page = phone().new_page()
    sign_in_to(page, base_url, username)
    return page


def report_on_phone(page, base_url: str, title: str) -> str:
    """Report a general hazard with a photo on the phone; return its id once synced."""
    page.goto(base_url + "/#/hazards/new")
    page.fill("input[name=title]", title)
    page.fill("input[name=location]", "炼钢车间 3号平台")
    page.fill("textarea[name=description]", "平台护栏松动")
    photo = {"name": "before.png", "mimeType": "image/png", "buffer": make_png(320, 240, (200, 60, 40))}
    page.set_input_files("input[type=file]", [photo])
    page.wait_for_selector(".photo-picker .photo-thumb")
    page.click("[data-test=submit]")
    page.wait_for_selector("[data-test=hazard-detail][data-status=reported]")
    hazard_id = page.url.rsplit("/", 1)[-1]
    page.wait_for_selector("[data-test=hazard-detail][data-pending='0']", timeout=SYNCED)
    return hazard_id


def test_a_hazard_s_steps_reach_each_next_person_s_phone(base_url, phone, api):
    title = f"护栏松动-{uuid.uuid4().hex[:6]}"
    worker = phone_of(phone, base_url, "worker-a1")
    hazard_id = report_on_phone(worker, base_url, title)
    hazard = f"/hazards/{hazard_id}"

    officer = phone_of(phone, base_url, "officer-a")
    row = open_inbox_row(officer, base_url, f"新隐患待指派：{title}")
    assert "张师傅（炼钢一班）上报一般隐患" in row.inner_text()
    tap_opens(officer, row, hazard, "[data-test=hazard-detail][data-status=reported]")

    office = Sender(base_url, "officer-a")
    assignee = Sender(base_url, "worker-a2")
    due = (date.today() + timedelta(days=7)).isoformat()
    office.do("hazard.assign", hazard_id, assignee_id=assignee.user["id"], due_date=due, plan="")
    fixer = phone_of(phone, base_url, "worker-a2")
    row = open_inbox_row(fixer, base_url, f"隐患交给你整改：{title}")
    assert "李安全（安全管理员）指派" in row.inner_text()
    tap_opens(fixer, row, hazard, "[data-test=hazard-detail][data-status=assigned]")

    assignee.do("hazard.rectify", hazard_id, note="已紧固护栏", photos=[assignee.photo(1)])
    row = open_inbox_row(officer, base_url, f"隐患整改待验收：{title}")
    assert "刘师傅（维修班）已整改" in row.inner_text()
    tap_opens(officer, row, hazard, "[data-test=hazard-detail][data-status=rectified]")

    office.do("hazard.verify", hazard_id, accepted=False, note="螺栓未更换")
    row = open_inbox_row(worker, base_url, f"隐患整改被退回：{title}")
    assert "李安全（安全管理员）退回整改：螺栓未更换" in row.inner_text()
    row = open_inbox_row(fixer, base_url, f"隐患整改被退回：{title}")
    tap_opens(fixer, row, hazard, "[data-test=hazard-detail][data-status=assigned]")

    assignee.do("hazard.rectify", hazard_id, note="已更换螺栓", photos=[assignee.photo(2)])
    office.do("hazard.verify", hazard_id, accepted=True, note="")
    row = open_inbox_row(worker, base_url, f"隐患整改已验收：{title}")
    tap_opens(worker, row, hazard, "[data-test=hazard-detail][data-status=closed]")

    # Nobody was told of their own step, and the other enterprise heard nothing.
    mine = {
        who: sorted(n["kind"] for n in pulled(api(who), "notification") if title in n["title"])
        for who in ("worker-a1", "officer-a", "worker-a2", "officer-b")
    }
    assert mine == {
        "worker-a1": ["hazard_sent_back", "hazard_verified"],
        "officer-a": ["hazard_rectified", "hazard_rectified", "hazard_reported"],
        "worker-a2": ["hazard_assigned", "hazard_sent_back", "hazard_verified"],
        "officer-b": [],
    }


def test_a_lockout_awaiting_confirmation_reaches_the_confirmer_s_phone(base_url, phone, api):
    name = f"4号行车-{uuid.uuid4().hex[:6]}"
    points = [{"id": str(uuid.uuid4()), "energy_type": "electrical", "location": "2号配电柜"}]
    office, fitter = Sender(base_url, "officer-a"), Sender(base_url, "worker-a2")
    equipment_id = office.do("equipment.register", name=name, location="炼钢跨", points=points)
    lockout_id = fitter.do("lockout.open", equipment_id=equipment_id, work_type="maintenance", reason="换绳")
    lock = {
        "point_id": points[0]["id"],
        "lock_number": "L-77",
        "tag": "禁止合闸",
        "photos": [fitter.photo(3)],
    }
    fitter.do("lockout.apply_lock", lockout_id, **lock)
    fitter.do("lockout.verify_zero_energy", lockout_id, photos=[fitter.photo(4)], note="试启动无反应")

    officer = phone_of(phone, base_url, "officer-a")
    row = open_inbox_row(officer, base_url, f"挂牌上锁待你确认：{name}")
    assert "刘师傅（维修班）已验证零能量" in row.inner_text()
    tap_opens(officer, row, f"/lockouts/{lockout_id}", "[data-test=lockout-detail][data-status=verified]")
    told = [n for n in pulled(api("worker-a2"), "notification") if name in n["title"]]
    assert told == []  # the applier is not asked to confirm their own locks


def test_drill_and_training_invitations_reach_the_invitee_s_phone(base_url, phone, api):
    tag = uuid.uuid4().hex[:6]
    office = Sender(base_url, "officer-a")
    invitee = api("worker-a1").user["id"]
    day = date.today() + timedelta(days=10)
    drill_id = office.do(
        "drill.plan",
        type="fire",
        scenario=f"仓库火灾疏散-{tag}",
        planned_on=day.isoformat(),
        expected_ids=[invitee],
    )
    session_id = office.do(
        "training.schedule",
        kind="confined_space_annual",
        topic=f"有限空间作业安全-{tag}",
        trainer="李安全",
        hours=4,
        scheduled_at=f"{day.isoformat()}T01:30:00Z",
        location="培训室",
        invitee_ids=[invitee],
    )

    worker = phone_of(phone, base_url, "worker-a1")
    row = open_inbox_row(worker, base_url, f"演练通知：仓库火灾疏散-{tag}")
    assert "消防演练" in row.inner_text()
    tap_opens(worker, row, f"/drills/{drill_id}", "[data-test=drill-detail][data-status=planned]")
    row = open_inbox_row(worker, base_url, f"培训通知：有限空间作业安全-{tag}")
    assert "4 学时" in row.inner_text()
    tap_opens(worker, row, f"/trainings/{session_id}", "[data-test=training-detail]")
    uninvited = [n for n in pulled(api("worker-a2"), "notification") if tag in n["title"]]
    assert uninvited == []


def test_the_workflow_kinds_can_be_switched_off_in_the_settings_and_the_server_accepts_it(
    base_url, phone, api
):
    page = phone_of(phone, base_url, "contractor-a")
    page.goto(base_url + "/#/settings/notifications")
    for kind in (
        "hazard_reported",
        "hazard_assigned",
        "hazard_sent_back",
        "lockout_confirm",
        "training_invited",
    ):
        page.wait_for_selector(f"[data-test=optout-{kind}]")
    # A notice cannot be switched off (the server refuses it): a row that says so, no switch.
    page.wait_for_selector("[data-test=mandatory-notice]")
    assert page.locator("[data-test=optout-notice]").count() == 0
    assert "不能关闭" in page.inner_text("[data-test=mandatory-notice]")

    page.click("[data-test=optout-hazard_assigned]")
    page.click("[data-test=settings-save]")
    me = api("contractor-a")
    deadline = time.monotonic() + 40
    while True:
        settings = [s for s in pulled(me, "notification_settings") if s["user_id"] == me.user["id"]]
        if settings and "hazard_assigned" in settings[0]["opt_out"]:
            break
        assert time.monotonic() < deadline, f"the server never took the setting: {settings}"
        page.wait_for_timeout(1000)
    assert settings[0]["opt_out"] == ["hazard_assigned"]
