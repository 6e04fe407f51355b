"""Time travel through the reminders: each sent once per stage, escalation to the bureau, concurrent ticks."""

from __future__ import annotations

import threading
import uuid
from collections import Counter
from datetime import date, datetime, time, timedelta
from unittest import mock

import pytest
from sqlalchemy import func, select

from backend.derived import clock
from backend.derived.tick import tick as cadence_tick
from backend.extensions import db
from backend.models import Enterprise, NotificationClaim, OfficeChannel, User
from backend.notify.cli import notify_tick
from backend.notify.reminders import run_reminders
from backend.sync_setup import sync_engine
from sync import tables
from sync.wire import format_time

from ..api_client import Device
from ..people import seed_people
from .servers import Answer
from .test_webpush import subscribe

REGISTERED = date(2025, 1, 10)  # enterprise A: metal smelting, so its principal inspects monthly
INSPECTION_DUE = date(2025, 2, 10)
# The bureau enterprise A (交城县) answers to: its county's (吕梁市's reads it in its summaries; 文水县's,
# next door, never hears of it).
OVER_A = {"bureau"}


def at(day: date, hour: int = 10) -> datetime:
    """Return a UTC moment on a Shanghai day, by default mid-morning (no quiet hours, digests allowed)."""
    return datetime.combine(day, time(hour), tzinfo=clock.SHANGHAI).astimezone(clock.UTC)


def days(start: date, end: date):
    while start <= end:
        yield start
        start += timedelta(days=1)


def registered_on(day: date) -> None:
    for enterprise in db.session.scalars(select(Enterprise)):
        enterprise.created_at = at(day, 9)
    db.session.commit()


def cadence(day: date) -> None:
    """Run the cadence job on that day: the stored `due` and person records the reminders read are current."""
    with mock.patch.object(clock, "today_in_shanghai", lambda: day):
        cadence_tick(db.session, sync_engine(), today=day)


def tick(app, day: date, monkeypatch=None) -> Counter:
    """Run the reminders as the jobs would on that day: after the cadence tick, `flask notify tick`."""
    if monkeypatch:
        monkeypatch.setattr(clock, "today_in_shanghai", lambda: day)
    with app.app_context():
        try:
            cadence(day)
            return run_reminders(db.session, today=day, now=at(day))
        finally:
            db.session.remove()


def notifications(kind: str | None = None) -> list[dict]:
    e = tables.entities.c
    query = select(e.data).where(e.entity == "notification")
    rows = list(db.session.execute(query).scalars())
    return [n for n in rows if kind is None or n["kind"] == kind]


def received(kind: str, source_id: str | None = None) -> Counter:
    """Count notifications of a kind by recipient (optionally about one record)."""
    return Counter(
        n["user_id"]
        for n in notifications(kind)
        if source_id is None or (n.get("source") or {}).get("id") == source_id
    )


def add_hazard(people, severity: str, due: date, assignee: str = "worker-a1") -> str:
    hazard_id = str(uuid.uuid4())
    moment = format_time(at(due - timedelta(days=20)))
    store(
        people["A"],
        "hazard",
        {
            "id": hazard_id,
            "enterprise_id": people["A"],
            "title": "钢包吊运区下方有人员值守室",
            "description": "",
            "location": "炼钢车间",
            "category": None,
            "criterion": None,
            "severity": severity,
            "status": "assigned",
            "photos": [],
            "reported_by": people["worker-a2"],
            "captured_at": moment,
            "received_at": moment,
            "assignee_id": people[assignee],
            "due_date": due.isoformat(),
            "plan": "搬离值守室" if severity == "major" else None,
            "rectification": None,
            "verification": None,
            "history": [],
            "inspection_id": None,
        },
    )
    return hazard_id


@pytest.fixture
def seeded(app, people):
    with app.app_context():
        registered_on(REGISTERED)
    return people


def test_the_monthly_inspection_reminds_at_each_stage_once_across_ticks_and_days(app, seeded, monkeypatch):
    sent_by_day = {}
    for day in days(date(2025, 1, 20), date(2025, 3, 5)):
        tick(app, day, monkeypatch)
        again = tick(app, day, monkeypatch)
        sent_by_day[day] = again
        assert again["inspection_due"] == 0, day  # the second tick of a day finds every claim taken
    with app.app_context():
        per_person = received("inspection_due", seeded["A"])
        stages = sorted(
            {n["title"] for n in notifications("inspection_due") if n["source"]["id"] == seeded["A"]}
        )
        claims = db.session.scalars(
            select(NotificationClaim.key).where(NotificationClaim.key.like("inspection_due:%"))
        ).all()
    # d-14, d-7, due day, then weekly while overdue: 11 Feb, 18 Feb, 25 Feb, 4 Mar.
    assert per_person == {seeded["principal-a"]: 7, seeded["officer-a"]: 7}
    assert len(stages) == 7
    assert len(claims) == len(set(claims))


def test_a_drill_reminder_goes_to_the_officers_and_the_enterprise_robot(app, seeded):
    with app.app_context():
        db.session.add(
            OfficeChannel(
                id=str(uuid.uuid4()), enterprise_id=seeded["A"], kind="wecom", url="http://127.0.0.1:9/wecom"
            )
        )
        db.session.commit()
    evacuation_due = date(2025, 7, 10)  # six months for metal smelting
    tick(app, evacuation_due - timedelta(days=14))
    tick(app, evacuation_due - timedelta(days=13))
    with app.app_context():
        # Evacuation, on-site procedure and (for a smelter, Art.33¶2) plan drills all fall due every six
        # months: one reminder each.
        assert received("drill_due", seeded["A"]) == {seeded["officer-a"]: 3}
        titles = sorted(n["title"] for n in notifications("drill_due"))
        assert len(set(titles)) == 3 and all(t.endswith("14 天后到期") for t in titles)
        office = db.session.scalars(
            select(NotificationClaim.key).where(
                NotificationClaim.key.like(f"drill_due:{seeded['A']}:evacuation_drill:%:office-{seeded['A']}")
            )
        ).all()
        assert len(office) == 1


def escalation_state(people, hazard_id: str) -> dict[str, set[str]]:
    """Return kind → usernames that got a notification about the hazard."""
    names = {v: k for k, v in people.items()}
    found: dict[str, set[str]] = {}
    for n in notifications():
        if (n.get("source") or {}).get("id") == hazard_id:
            found.setdefault(n["kind"], set()).add(names[n["user_id"]])
    return found


def test_a_major_hazard_reported_today_is_in_the_bureau_inbox_today_once(app, client, seeded, monkeypatch):
    # 安监总局令第16号 Art.14¶2: reported when found, not only once overdue.
    today = date(2025, 2, 3)
    monkeypatch.setattr(clock, "today_in_shanghai", lambda: today)
    worker = Device(client, "worker-a1")
    report = {"description": "", "location": "煤气柜区域", "photos": []}
    title = "煤气柜区域一氧化碳报警器失效"
    major = worker.do("hazard.report", str(uuid.uuid4()), title=title, severity="major", **report)
    general = worker.do("hazard.report", str(uuid.uuid4()), title="通道杂物", severity="general", **report)
    assert major["status"] == general["status"] == "applied"
    with app.app_context():
        first = run_reminders(db.session, today=today, now=at(today))
        again = run_reminders(db.session, today=today, now=at(today, 11))
        # The bureau of A's county only: not 吕梁市's above it, never 文水县's next door.
        assert (first["major_hazard_reported"], again["major_hazard_reported"]) == (1, 0)
        assert received("major_hazard_reported", major["entity_id"]) == {seeded["bureau"]: 1}
        assert not received("major_hazard_reported", general["entity_id"])
        # The bureau's office channel hears of it too, once.
        office = db.session.scalars(
            select(NotificationClaim.key).where(NotificationClaim.key.like("major_hazard_reported:%"))
        ).all()
        assert len(office) == 2
    pulled = Device(client, "bureau").pull_all()
    [mine] = [c["data"] for (entity, _), c in pulled.items() if entity == "notification"]
    assert (mine["kind"], mine["critical"]) == ("major_hazard_reported", True)
    assert mine["title"] == "发现重大事故隐患" and title in mine["body"]
    assert mine["url"] == f"/#/hazards/{major['entity_id']}"


def test_an_overdue_major_hazard_escalates_assignee_officer_principal_and_the_bureau(app, client, seeded):
    due = date(2025, 3, 1)
    with app.app_context():
        hazard_id = add_hazard(seeded, "major", due)
    reported = {"major_hazard_reported": OVER_A}  # on the first tick, whatever the deadline
    expected = {
        date(2025, 2, 26): {**reported},
        date(2025, 2, 27): {**reported, "hazard_deadline": {"worker-a1"}},
        date(2025, 3, 1): {**reported, "hazard_deadline": {"worker-a1"}},
        date(2025, 3, 2): {**reported, "hazard_deadline": {"worker-a1"}, "hazard_overdue": {"worker-a1"}},
        date(2025, 3, 3): {
            **reported,
            "hazard_deadline": {"worker-a1"},
            "hazard_overdue": {"worker-a1"},
            "hazard_escalated": {"officer-a"},
            "major_hazard_overdue": OVER_A,
        },
        date(2025, 3, 5): {
            **reported,
            "hazard_deadline": {"worker-a1"},
            "hazard_overdue": {"worker-a1"},
            "hazard_escalated": {"officer-a", "principal-a"},
            "major_hazard_overdue": OVER_A,
        },
    }
    for day in days(date(2025, 2, 26), date(2025, 3, 12)):
        tick(app, day)
        tick(app, day)
        if day in expected:
            with app.app_context():
                assert escalation_state(seeded, hazard_id) == expected[day], day
    with app.app_context():
        about = [n for n in notifications() if (n.get("source") or {}).get("id") == hazard_id]
        assert len(about) == 6  # the report and each rung once, however many days and ticks passed
        assert all(n["critical"] for n in about if n["kind"] != "hazard_deadline")
    pulled = Device(client, "bureau").pull_all()
    mine = {c["data"]["kind"]: c["data"] for (entity, _), c in pulled.items() if entity == "notification"}
    assert set(mine) == {"major_hazard_reported", "major_hazard_overdue"}
    mine = mine["major_hazard_overdue"]
    assert mine["url"] == f"/#/hazards/{hazard_id}"
    assert "炼钢车间" in mine["body"] and "已逾期 2 天" in mine["body"]


def test_a_general_hazard_never_reaches_the_bureau(app, seeded):
    with app.app_context():
        hazard_id = add_hazard(seeded, "general", date(2025, 3, 1))
    for day in days(date(2025, 3, 1), date(2025, 3, 10)):
        tick(app, day)
    with app.app_context():
        state = escalation_state(seeded, hazard_id)
    assert state["hazard_escalated"] == {"officer-a", "principal-a"}
    assert "major_hazard_overdue" not in state


def test_a_rectified_hazard_stops_escalating(app, seeded):
    with app.app_context():
        hazard_id = add_hazard(seeded, "major", date(2025, 3, 1))
    tick(app, date(2025, 3, 2))
    with app.app_context():
        data = sync_engine().load(db.session, "hazard", hazard_id).data
        store(seeded["A"], "hazard", {**data, "status": "rectified"})
    tick(app, date(2025, 3, 6))
    with app.app_context():
        assert escalation_state(seeded, hazard_id) == {
            "major_hazard_reported": OVER_A,  # when it was found
            "hazard_overdue": {"worker-a1"},
        }


def _two_ticks_at_once(app, day: date, workers: int = 2) -> list[Counter]:
    barrier, outcomes, errors = threading.Barrier(workers), [], []

    def run():
        try:
            with app.app_context():
                barrier.wait()
                try:
                    outcomes.append(run_reminders(db.session, today=day, now=at(day)))
                finally:
                    db.session.remove()
        except Exception as error:  # surfaced by the assertion below
            errors.append(error)

    threads = [threading.Thread(target=run) for _ in range(workers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert errors == []
    return outcomes


def _ticks_at_the_same_time_send_each_reminder_once(app, people):
    with app.app_context():
        registered_on(REGISTERED)
        hazard_id = add_hazard(people, "major", date(2025, 3, 1))
    day = date(2025, 3, 5)  # inspection overdue, the hazard on every rung of its ladder
    with app.app_context():
        cadence(day)
        db.session.remove()
    outcomes = _two_ticks_at_once(app, day)
    total = sum(outcomes, Counter())
    with app.app_context():
        every = notifications()
        claims = db.session.scalar(select(func.count()).select_from(NotificationClaim))
        state = escalation_state(people, hazard_id)
    assert total["major_hazard_overdue"] == 1 and total["inspection_due"] == 3  # C's officer too
    per_recipient_and_text = Counter((n["user_id"], n["kind"], n["title"], n["body"]) for n in every)
    assert max(per_recipient_and_text.values()) == 1
    assert sum(v for k, v in total.items() if k != "office") == len(every)
    assert claims == len(every) + total["office"]
    assert state["major_hazard_overdue"] == OVER_A


def test_ticks_at_the_same_time_send_each_reminder_once_on_sqlite(app, people):
    _ticks_at_the_same_time_send_each_reminder_once(app, people)


@pytest.mark.postgres
def test_ticks_at_the_same_time_send_each_reminder_once_on_postgresql(pg_app):
    with pg_app.app_context():
        people = seed_people()
    _ticks_at_the_same_time_send_each_reminder_once(pg_app, people)


def test_certificate_expiry_reaches_the_holder_and_officers_once(app, seeded):
    device_free_certificate = {
        "id": str(uuid.uuid4()),
        "enterprise_id": seeded["A"],
        "user_id": seeded["worker-a1"],
        "operation": "电工作业",
        "issued_on": "2019-04-30",
        "expires_on": "2025-04-30",
        "status": "valid",
    }
    with app.app_context():
        store(seeded["A"], "certificate", device_free_certificate)
    for day in days(date(2025, 2, 27), date(2025, 3, 5)):
        tick(app, day)
    with app.app_context():
        assert received("certificate_expiry") == {seeded["worker-a1"]: 1, seeded["officer-a"]: 1}


def test_training_tomorrow_reminds_its_invitees_the_day_before(app, seeded):
    session_data = {
        "id": str(uuid.uuid4()),
        "enterprise_id": seeded["A"],
        "topic": "有限空间作业年度培训",
        "scheduled_at": "2025-03-10T01:00:00.000Z",  # 09:00 in Shanghai
        "invitee_ids": [seeded["worker-a1"], seeded["contractor-a"]],
        "attendees": [],
        "status": "scheduled",
    }
    with app.app_context():
        store(seeded["A"], "training_session", session_data)
    for day in days(date(2025, 3, 7), date(2025, 3, 10)):
        tick(app, day)
    with app.app_context():
        assert received("training_tomorrow") == {seeded["worker-a1"]: 1, seeded["contractor-a"]: 1}
        [one] = notifications("training_tomorrow")[:1]
        assert one["title"] == "明日培训：有限空间作业年度培训"


def test_retraining_required_reaches_the_worker_and_officers(app, seeded):
    scores = [
        {"score": 60, "at": "2025-03-01T02:00:00.000Z"},
        {"score": 70, "at": "2025-03-02T02:00:00.000Z"},
    ]
    session_data = {
        "id": str(uuid.uuid4()),
        "enterprise_id": seeded["A"],
        "topic": "三级安全教育",
        "scheduled_at": "2025-03-01T01:00:00.000Z",
        "invitee_ids": [seeded["worker-a2"]],
        "attendees": [{"user_id": seeded["worker-a2"], "scores": scores}],
        "status": "closed",
    }
    with app.app_context():
        store(seeded["A"], "training_session", session_data)
    for day in days(date(2025, 3, 2), date(2025, 3, 6)):
        tick(app, day)
    with app.app_context():
        assert received("retraining_required") == {seeded["worker-a2"]: 1, seeded["officer-a"]: 1}


def store(enterprise_id: str, entity: str, data: dict) -> None:
    """Record a document entity as a synced command would."""
    from backend.scopes import enterprise_scope
    from backend.sync_setup import sync_engine
    from sync import Change

    sync_engine().record_change(db.session, Change(entity, data["id"], enterprise_scope(enterprise_id), data))
    db.session.commit()


def test_a_reminders_push_arrives_intact_and_a_429_is_retried_once(app, seeded, push_service):
    app.config["OUTBOUND_ALLOW_LOOPBACK_FOR_TESTS"] = True
    browser, _ = subscribe(app, push_service, seeded["worker-a1"])
    browser.answers.append(Answer(429, {"Retry-After": "2"}))
    with app.app_context():
        hazard_id = add_hazard(seeded, "general", date(2025, 3, 3))
    day = date(2025, 3, 1)
    now = at(day)
    with app.app_context():
        first = notify_tick(db.session, day, now=now)
        assert first["hazard_deadline"] == 1 and push_service.received == []
        notify_tick(db.session, day, now=now + timedelta(seconds=1))
        assert push_service.received == []
        notify_tick(db.session, day, now=now + timedelta(seconds=3))
        notify_tick(db.session, day, now=now + timedelta(hours=1))
        [notification] = notifications("hazard_deadline")
    [arrived] = push_service.received
    assert arrived.payload["title"] == notification["title"] == "隐患整改即将到期"
    assert arrived.payload["body"] == notification["body"]
    assert arrived.payload["url"] == f"https://anquan.example.test/#/hazards/{hazard_id}"


def test_flask_notify_tick_prints_a_summary_and_is_idempotent(app, seeded, monkeypatch):
    monkeypatch.setattr(clock, "today_in_shanghai", lambda: INSPECTION_DUE)
    runner = app.test_cli_runner()
    assert runner.invoke(args=["cadence", "tick"]).exit_code == 0  # the stored `due` the reminders read
    first = runner.invoke(args=["notify", "tick"])
    assert first.exit_code == 0, first.output
    assert "inspection_due 3" in first.output  # A's principal and officer, C's officer (also a smelter)
    second = runner.invoke(args=["notify", "tick"])
    assert "inspection_due" not in second.output


def test_the_demo_data_sends_its_reminders_once_day_after_day(app, monkeypatch):
    from backend import demo

    with app.app_context():
        assert "seeded" in demo.seed()
    start = clock.today_in_shanghai()
    for day in days(start, start + timedelta(days=20)):
        tick(app, day, monkeypatch)
        second = tick(app, day, monkeypatch)
        assert sum(second.values()) == 0, (day, second)
    with app.app_context():
        every = notifications()
        kinds = {n["kind"] for n in every}
    assert {"hazard_overdue", "major_hazard_overdue", "drill_due"} <= kinds
    assert max(Counter((n["user_id"], n["kind"], n["title"], n["body"]) for n in every).values()) == 1


def test_a_smelters_plan_drill_is_reported_to_the_bureau_once_and_others_are_not(app, seeded, monkeypatch):
    # 预案管理办法 Art.33¶2: a metal smelter (A) reports each plan drill; B is no smelter.
    from backend.derived.refresh import refresh

    today = date(2025, 3, 10)
    monkeypatch.setattr(clock, "today_in_shanghai", lambda: today)
    ended = format_time(at(today - timedelta(days=2)))
    with app.app_context():
        for key in ("A", "B"):
            drill = {"id": str(uuid.uuid4()), "type": "fire", "status": "ended", "ended_at": ended}
            store(seeded[key], "drill", drill)
        refresh(db.session, sync_engine(), [seeded["A"], seeded["B"]])
        db.session.commit()
        first = run_reminders(db.session, today=today, now=at(today))
        again = run_reminders(db.session, today=today, now=at(today, 15))
        assert (first["drill_reported"], again["drill_reported"]) == (1, 0)
        [report] = notifications("drill_reported")
        assert report["user_id"] == seeded["bureau"] and report["source"]["id"] == seeded["A"]
        assert "2025-03-08" in report["body"] and "综合或专项应急预案演练" in report["title"]
        # Past DRILL_REPORT_WITHIN_DAYS an old drill is not reported (it predates the rule here).
        later = today + timedelta(days=40)
        monkeypatch.setattr(clock, "today_in_shanghai", lambda: later)
        refresh(db.session, sync_engine(), [seeded["A"]])
        db.session.commit()
        assert run_reminders(db.session, today=later, now=at(later))["drill_reported"] == 0


def test_a_major_hazard_goes_to_its_countys_bureau_or_the_nearest_one_above_that_uses_the_system(
    app, client, seeded, monkeypatch
):
    today = date(2025, 2, 3)
    monkeypatch.setattr(clock, "today_in_shanghai", lambda: today)
    report = {"description": "", "location": "电弧炉", "photos": [], "severity": "major"}
    hazard = Device(client, "worker-c1").do(
        "hazard.report", str(uuid.uuid4()), title="水冷报警失效", **report
    )
    assert hazard["status"] == "applied", hazard
    with app.app_context():
        run_reminders(db.session, today=today, now=at(today))
        assert received("major_hazard_reported", hazard["entity_id"]) == {seeded["bureau-wenshui"]: 1}
        # 文水县's bureau leaves the system: the next report of C goes up to 吕梁市's.
        db.session.get(User, seeded["bureau-wenshui"]).active = False
        db.session.commit()
    second = Device(client, "worker-c1").do(
        "hazard.report", str(uuid.uuid4()), title="二次报警失效", **report
    )
    with app.app_context():
        run_reminders(db.session, today=today, now=at(today, 12))
        assert received("major_hazard_reported", second["entity_id"]) == {seeded["bureau-lvliang"]: 1}
