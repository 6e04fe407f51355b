"""Workflow notifications: each step tells exactly the next people, never its sender, once, in its push."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime

import pytest
from sqlalchemy import select

from backend.extensions import db
from backend.models import Delivery, OfficeChannel
from backend.sync_setup import sync_engine
from sync import tables

from ..people import seed_people
from .hazard_site import Site, applied, rejected
from .test_inbox import push_service, subscribe  # noqa: F401 (push_service is a fixture)

EVERYONE = ("principal-a", "officer-a", "worker-a1", "worker-a2", "contractor-a", "officer-b", "worker-b1")
NAMES = {
    "worker-a1": "张师傅（炼钢一班）",
    "officer-a": "李安全（安全管理员）",
    "worker-a2": "刘师傅（维修班）",
}
# 23:30 in Shanghai.
NIGHT = datetime(2026, 12, 1, 15, 30, tzinfo=UTC)


class WorkflowSite(Site):
    """The hazard site, plus each person's inbox as the server holds it and lockouts, drills, trainings."""

    def inbox(self, username: str) -> list[dict]:
        """Return the person's notifications, oldest first."""
        e = tables.entities.c
        with self.app.app_context():
            rows = db.session.execute(
                select(e.data).where(e.entity == "notification").order_by(e.position, e.id)
            ).scalars()
            return [n for n in rows if n["user_id"] == self.people[username]]

    def told(self) -> dict[str, list[str]]:
        """Return, for each person told of anything, the kinds of their notifications."""
        found = {who: [n["kind"] for n in self.inbox(who)] for who in EVERYONE}
        return {who: kinds for who, kinds in found.items() if kinds}

    def deliveries(self, username: str) -> list[Delivery]:
        with self.app.app_context():
            rows = db.session.scalars(select(Delivery).where(Delivery.channel == "webpush")).all()
            wanted = {n["id"] for n in self.inbox(username)}
            return [row for row in rows if row.notification_key in wanted]

    def equipment(self) -> tuple[str, list[str]]:
        points = [{"id": str(uuid.uuid4()), "energy_type": "electrical", "location": "1号配电柜"}]
        points.append({"id": str(uuid.uuid4()), "energy_type": "hydraulic", "location": "液压站"})
        outcome = self["officer-a"].do("equipment.register", name="3号行车", location="炼钢跨", points=points)
        return applied(outcome)["entity_id"], [point["id"] for point in points]

    def locked_out(self, appliers=("worker-a1", "worker-a2")) -> str:
        equipment_id, points = self.equipment()
        opened = self["worker-a1"].do(
            "lockout.open", equipment_id=equipment_id, work_type="maintenance", reason="更换钢丝绳"
        )
        lockout_id = applied(opened)["entity_id"]
        for n, (point_id, who) in enumerate(zip(points, appliers, strict=True)):
            args = {
                "point_id": point_id,
                "lock_number": f"L-0{n}",
                "tag": "禁止合闸",
                "photos": [self.photo(n, who)],
            }
            applied(self[who].do("lockout.apply_lock", lockout_id, **args))
        return lockout_id

    def verify_zero_energy(self, lockout_id: str, who="worker-a1") -> dict:
        photos = [self.photo(7, who)]
        return self[who].do("lockout.verify_zero_energy", lockout_id, photos=photos, note="试启动无反应")


@pytest.fixture
def site(app, people):
    return WorkflowSite(app, people)


@pytest.fixture
def pg_site(pg_app):
    with pg_app.app_context():
        people = seed_people()
    return WorkflowSite(pg_app, people)


@pytest.fixture(params=["sqlite", "postgresql"])
def any_site(request):
    return request.getfixturevalue("site" if request.param == "sqlite" else "pg_site")


def only(site: WorkflowSite, username: str, kind: str) -> dict:
    """Assert the person has exactly one notification, of this kind, and return it."""
    mine = site.inbox(username)
    assert [n["kind"] for n in mine] == [kind]
    return mine[0]


# --- hazards -------------------------------------------------------------------------------------------


def test_a_hazard_s_whole_life_tells_each_next_person_once(any_site):
    site = any_site
    hazard_id = site.report(who="worker-a1")
    applied(site.assign(hazard_id, assignee="worker-a2"))
    applied(site.rectify(hazard_id, who="worker-a2"))
    applied(site.verify(hazard_id, who="officer-a", accepted=False, note="围挡不牢"))
    applied(site.rectify(hazard_id, who="worker-a2"))
    applied(site.verify(hazard_id, who="principal-a", accepted=True))
    assert site.told() == {
        "officer-a": ["hazard_reported", "hazard_rectified", "hazard_rectified"],
        "principal-a": ["hazard_rectified", "hazard_rectified"],
        "worker-a1": ["hazard_sent_back", "hazard_verified"],
        "worker-a2": ["hazard_assigned", "hazard_sent_back", "hazard_verified"],
    }


def test_a_report_tells_the_officers_of_its_enterprise_and_nobody_else(site):
    hazard_id = site.report(who="worker-a1", severity="major")
    assert site.told() == {"officer-a": ["hazard_reported"]}
    told = only(site, "officer-a", "hazard_reported")
    assert told["title"] == "新隐患待指派：平台积水"
    assert told["body"] == f"{NAMES['worker-a1']}上报重大事故隐患，地点：2号转炉平台"
    assert told["url"] == f"/#/hazards/{hazard_id}"
    assert told["source"] == {"entity": "hazard", "id": hazard_id}
    assert told["critical"] is False and "worker-a1" not in told["body"]


def test_an_officer_is_not_told_of_their_own_report(site):
    site.report(who="officer-a")
    assert site.told() == {}


def test_a_day_of_offline_reports_arrives_as_one_notification(site):
    device = site["worker-a1"]
    titles = ["平台积水", "护栏缺失", "灭火器过期", "电缆破损"]
    commands = [
        device.command("hazard.report", title=t, location="炼钢跨", severity="general", description="")
        for t in titles
    ]
    assert [o["status"] for o in device.push(*commands)["outcomes"]] == ["applied"] * 4
    told = only(site, "officer-a", "hazard_reported")
    assert told["title"] == "4 条新隐患待指派"
    assert told["body"] == "平台积水、护栏缺失、灭火器过期等"
    assert (told["url"], told["source"]) == ("/#/hazards", None)


def test_assigning_tells_the_assignee_only(site):
    hazard_id = site.report()
    applied(site.assign(hazard_id, assignee="worker-a2"))
    told = only(site, "worker-a2", "hazard_assigned")
    assert told["title"] == "隐患交给你整改：平台积水"
    assert told["body"] == f"{NAMES['officer-a']}指派，请在 6月30日 前完成整改，地点：2号转炉平台"
    assert told["url"] == f"/#/hazards/{hazard_id}"
    assert site.told() == {"officer-a": ["hazard_reported"], "worker-a2": ["hazard_assigned"]}


def test_assigning_to_oneself_tells_nobody_and_the_same_assignment_again_is_not_news(site):
    hazard_id = site.report()
    applied(site.assign(hazard_id, assignee="officer-a"))
    applied(site.assign(hazard_id, assignee="officer-a"))
    other = site.report()
    applied(site.assign(other, assignee="worker-a2"))
    applied(site.assign(other, assignee="worker-a2"))  # nothing changed: no second notification
    assert site.told() == {"officer-a": ["hazard_reported"] * 2, "worker-a2": ["hazard_assigned"]}


def test_a_rectification_tells_whoever_may_verify_it(site):
    hazard_id = site.assigned(assignee="worker-a2")
    applied(site.rectify(hazard_id, who="worker-a2"))
    for verifier in ("officer-a", "principal-a"):
        assert site.inbox(verifier)[-1]["kind"] == "hazard_rectified"
    told = site.inbox("principal-a")[-1]
    assert told["title"] == "隐患整改待验收：平台积水"
    assert told["body"] == f"{NAMES['worker-a2']}已整改：已排水并设置围挡"
    assert "hazard_rectified" not in site.told().get("worker-a1", [])


def test_a_fix_on_the_spot_by_the_officer_asks_the_principal_not_the_rectifier(site):
    hazard_id = site.report(who="worker-a1")
    applied(site.rectify(hazard_id, who="officer-a"))
    assert site.told() == {"officer-a": ["hazard_reported"], "principal-a": ["hazard_rectified"]}


def test_an_accepted_rectification_tells_the_rectifier_and_the_reporter(site):
    hazard_id = site.rectified(rectifier="worker-a2")
    applied(site.verify(hazard_id, who="principal-a", accepted=True, note="合格"))
    for person in ("worker-a1", "worker-a2"):
        told = site.inbox(person)[-1]
        assert (told["kind"], told["title"]) == ("hazard_verified", "隐患整改已验收：平台积水")
        assert told["body"] == "王建国（主要负责人）验收通过：合格"
    assert [n["kind"] for n in site.inbox("officer-a")] == ["hazard_reported", "hazard_rectified"]


def test_a_rectification_sent_back_tells_rectifier_reporter_and_assignee(site):
    hazard_id = site.assigned(assignee="worker-a2")
    applied(site.rectify(hazard_id, who="officer-a"))  # the officer fixed it for the assignee
    applied(site.verify(hazard_id, who="principal-a", accepted=False, note="围挡不牢"))
    for person in ("officer-a", "worker-a1", "worker-a2"):
        told = site.inbox(person)[-1]
        assert (told["kind"], told["title"]) == ("hazard_sent_back", "隐患整改被退回：平台积水")
        assert told["body"] == "王建国（主要负责人）退回整改：围挡不牢"
    assert [n["kind"] for n in site.inbox("principal-a")] == ["hazard_rectified"]


def test_a_dismissed_report_tells_its_reporter_why(site):
    hazard_id = site.report(who="worker-a1")
    applied(site["officer-a"].do("hazard.dismiss", hazard_id, reason="属正常工艺积水，已有排水设施"))
    told = only(site, "worker-a1", "hazard_dismissed")
    assert told["title"] == "上报未列为隐患：平台积水"
    assert told["body"] == f"{NAMES['officer-a']}核查后未列为隐患，原因：属正常工艺积水，已有排水设施"
    assert site.told() == {"officer-a": ["hazard_reported"], "worker-a1": ["hazard_dismissed"]}


def test_a_rejected_command_tells_nobody(site):
    hazard_id = site.report()
    before = site.told()
    rejected(site.assign(hazard_id, who="worker-a1", assignee="worker-a2"), "forbidden")
    rejected(site.rectify(hazard_id, who="worker-a2"), "forbidden")
    rejected(site["officer-b"].do("hazard.verify", hazard_id, accepted=True), "not_found")
    assert site.told() == before == {"officer-a": ["hazard_reported"]}


def test_a_replayed_command_tells_once(site):
    device = site["worker-a1"]
    command = device.command(
        "hazard.report", title="平台积水", location="炼钢跨", severity="general", description=""
    )
    assert device.push(command)["outcomes"][0]["status"] == "applied"
    replay = device.push(command)["outcomes"][0]
    assert (replay["status"], replay.get("replayed")) == ("applied", True)
    assert site.told() == {"officer-a": ["hazard_reported"]}


def test_a_rolled_back_push_tells_nobody(app, site):
    def fail(session, actor, changes):
        raise RuntimeError("the push fails after the notifications were made")

    engine = app.extensions["sync_engine"]
    engine.after_push.append(fail)
    app.config["PROPAGATE_EXCEPTIONS"] = False
    try:
        answer = site["worker-a1"].push(
            site["worker-a1"].command(
                "hazard.report", title="平台积水", location="炼钢跨", severity="general", description=""
            ),
            expect=500,
        )
    finally:
        engine.after_push.remove(fail)
    assert answer["code"]
    assert site.told() == {}
    with app.app_context():
        assert db.session.scalars(select(Delivery)).all() == []


# --- settings: opt-out, quiet hours, the robot -----------------------------------------------------------


def test_an_opted_out_kind_is_in_the_inbox_but_not_pushed(app, site, push_service):  # noqa: F811
    subscribe(app, site.client, site["officer-a"], push_service)
    applied(site["officer-a"].do("settings.update", site.people["officer-a"], opt_out=["hazard_reported"]))
    site.report()
    only(site, "officer-a", "hazard_reported")
    assert site.deliveries("officer-a") == []
    applied(site["officer-a"].do("settings.update", site.people["officer-a"], opt_out=[]))
    site.report()
    assert len(site.deliveries("officer-a")) == 1


def test_quiet_hours_hold_the_push_until_morning(app, site, push_service, monkeypatch):  # noqa: F811
    subscribe(app, site.client, site["officer-a"], push_service)
    quiet = {"start": "22:00", "end": "07:00"}
    applied(site["officer-a"].do("settings.update", site.people["officer-a"], quiet_hours=quiet))
    with app.app_context():
        monkeypatch.setattr(sync_engine(), "clock", lambda: NIGHT)
    site.report()
    [delivery] = site.deliveries("officer-a")
    # 07:00 in Shanghai the next morning.
    assert delivery.next_attempt_at.replace(tzinfo=UTC) == datetime(2026, 12, 1, 23, 0, tzinfo=UTC)


def test_a_new_report_also_reaches_the_enterprise_s_office_robot(app, site):
    with app.app_context():
        for enterprise in ("A", "B"):
            db.session.add(
                OfficeChannel(
                    id=str(uuid.uuid4()),
                    enterprise_id=site.people[enterprise],
                    kind="wecom",
                    url="https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=k",
                )
            )
        db.session.commit()
    site.report()
    with app.app_context():
        [robot] = db.session.scalars(select(Delivery).where(Delivery.channel == "wecom")).all()
        channel = db.session.get(OfficeChannel, robot.target)
        assert channel.enterprise_id == site.people["A"]
        assert robot.message["title"] == "新隐患待指派：平台积水"
        assert robot.message["lines"] == ["一般隐患：平台积水（2号转炉平台）"]


# --- lockouts, drills, trainings -------------------------------------------------------------------------


def test_a_lockout_awaiting_confirmation_asks_the_managers_who_applied_no_lock(site):
    lockout_id = site.locked_out(appliers=("worker-a1", "worker-a2"))
    assert site.told() == {}
    applied(site.verify_zero_energy(lockout_id, who="worker-a1"))
    assert site.told() == {"officer-a": ["lockout_confirm"], "principal-a": ["lockout_confirm"]}
    told = only(site, "officer-a", "lockout_confirm")
    assert told["title"] == "挂牌上锁待你确认：3号行车"
    assert told["body"].startswith(f"{NAMES['worker-a1']}已验证零能量")
    assert told["url"] == f"/#/lockouts/{lockout_id}"


def test_a_manager_who_hung_a_lock_is_not_asked_to_confirm(site):
    lockout_id = site.locked_out(appliers=("officer-a", "worker-a2"))
    applied(site.verify_zero_energy(lockout_id, who="worker-a2"))
    assert site.told() == {"principal-a": ["lockout_confirm"]}


def test_when_every_manager_hung_a_lock_anyone_who_may_confirm_is_asked(site):
    lockout_id = site.locked_out(appliers=("officer-a", "principal-a"))
    applied(site.verify_zero_energy(lockout_id, who="worker-a1"))
    assert site.told() == {"worker-a2": ["lockout_confirm"], "contractor-a": ["lockout_confirm"]}


def test_a_planned_drill_invites_the_people_it_names(site):
    args = {"type": "fire", "scenario": "炼钢车间火灾疏散", "planned_on": "2026-12-10"}
    named = [site.people["worker-a1"], site.people["officer-a"]]
    drill_id = applied(site["officer-a"].do("drill.plan", expected_ids=named, **args))["entity_id"]
    told = only(site, "worker-a1", "drill_invited")
    assert told["title"] == "演练通知：炼钢车间火灾疏散"
    assert told["body"] == f"12月10日消防演练，组织人：{NAMES['officer-a']}"
    assert told["url"] == f"/#/drills/{drill_id}"
    assert site.told() == {"worker-a1": ["drill_invited"]}


def test_a_drill_naming_nobody_invites_everyone_of_its_enterprise(site):
    args = {"type": "evacuation", "scenario": "全厂疏散", "planned_on": "2026-12-10"}
    applied(site["officer-a"].do("drill.plan", **args))
    everyone_but_sender = ("principal-a", "worker-a1", "worker-a2", "contractor-a")
    assert site.told() == {who: ["drill_invited"] for who in everyone_but_sender}


def test_a_scheduled_training_invites_its_invitees(site):
    invitees = [site.people[who] for who in ("worker-a1", "contractor-a", "officer-a")]
    args = {
        "kind": "confined_space_annual",
        "topic": "有限空间作业安全",
        "trainer": "李安全",
        "hours": 4,
        "scheduled_at": "2026-12-10T01:30:00Z",
        "location": "培训室",
        "invitee_ids": invitees,
    }
    session_id = applied(site["officer-a"].do("training.schedule", **args))["entity_id"]
    assert site.told() == {"worker-a1": ["training_invited"], "contractor-a": ["training_invited"]}
    told = only(site, "contractor-a", "training_invited")
    assert told["title"] == "培训通知：有限空间作业安全"
    assert told["body"].startswith("12月10日 09:30，地点：培训室，")
    assert told["body"].endswith(" 4 学时，讲师：李安全")
    assert told["url"] == f"/#/trainings/{session_id}"


def test_the_new_kinds_may_be_opted_out_of(site):
    kinds = ["hazard_assigned", "lockout_confirm", "training_invited", "drill_invited"]
    applied(site["worker-a1"].do("settings.update", site.people["worker-a1"], opt_out=kinds))
