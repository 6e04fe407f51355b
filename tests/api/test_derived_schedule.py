"""derived_schedule: the cadence tick recomputes only what time changed, and misses nothing time changed."""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime, time, timedelta
from unittest import mock

import pytest
from sqlalchemy import event, select

from backend.derived import clock
from backend.derived.due import due_data
from backend.derived.person_record import records_for
from backend.derived.tick import tick
from backend.extensions import db
from backend.models import DerivedSchedule, Enterprise
from backend.models.derived_schedule import DUE_NOW
from backend.notify.cli import notify_tick
from backend.scopes import enterprise_scope
from backend.sync_setup import sync_engine
from sync import Change
from sync.wire import format_time

from ..api_client import Device
from ..people import seed_people

START = date(2025, 11, 20)
END = date(2026, 2, 20)  # across 1 January, a certificate window, hazard deadlines, obligations turning


def on(day: date):
    """Travel to a day: the derived entities and the ticks read it."""
    return mock.patch.object(clock, "today_in_shanghai", lambda: day)


def utc(day: date, hour: int = 2) -> str:
    return datetime.combine(day, time(hour), tzinfo=UTC).isoformat().replace("+00:00", "Z")


def store(enterprise_id: str, entity: str, **data) -> None:
    entity_id = data.setdefault("id", str(uuid.uuid4()))
    body = {"enterprise_id": enterprise_id, "history": [], **data}
    sync_engine().record_change(db.session, Change(entity, entity_id, enterprise_scope(enterprise_id), body))


def hazard(enterprise_id: str, reporter: str, severity: str, status: str, due: date | None) -> None:
    moment = format_time(datetime.combine(START - timedelta(days=3), time(2), tzinfo=UTC))
    store(
        enterprise_id,
        "hazard",
        title="钢包吊运区下方有人员值守室",
        description="",
        location="炼钢车间",
        category=None,
        criterion=None,
        severity=severity,
        status=status,
        photos=[],
        reported_by=reporter,
        captured_at=moment,
        received_at=moment,
        assignee_id=reporter,
        due_date=due.isoformat() if due else None,
        plan=None,
        rectification=None,
        verification=None,
        inspection_id=None,
    )


@pytest.fixture
def history(app):
    """Enterprises A, B and C with records (in A) whose derived state turns by time within START..END."""
    with app.app_context():
        ids = seed_people()
        for enterprise in db.session.scalars(select(Enterprise)):
            enterprise.created_at = datetime(2025, 1, 10, 2, tzinfo=UTC)
        store(ids["A"], "drill", type="evacuation", status="evaluated", ended_at=utc(date(2025, 6, 1)))
        store(
            ids["A"],
            "certificate",
            user_id=ids["worker-a1"],
            operation="电工作业",
            issued_on="2020-02-01",
            expires_on="2026-02-01",
            status="valid",
        )
        store(
            ids["A"],
            "training_session",
            kind="general",
            topic="年度培训",
            hours=8,
            status="closed",
            scheduled_at=utc(date(2025, 10, 1)),
            invitee_ids=[ids["worker-a1"]],
            attendees=[{"user_id": ids["worker-a1"], "scores": []}],
        )
        hazard(ids["A"], ids["worker-a1"], "general", "assigned", date(2025, 12, 10))
        hazard(ids["B"], ids["worker-b1"], "major", "assigned", date(2026, 1, 5))
        db.session.commit()
    return ids


def fresh_differences(enterprise_ids) -> list[str]:
    """Name the derived entities whose stored data differs from a full recomputation today."""
    found = []
    engine = sync_engine()
    for enterprise_id in enterprise_ids:
        enterprise = db.session.get(Enterprise, enterprise_id)
        stored = engine.load(db.session, "due", enterprise_id).data
        fresh = due_data(db.session, enterprise)
        if {**stored, "computed_on": None} != {**fresh, "computed_on": None}:
            found.append(f"due {enterprise_id}")
        if engine.load(db.session, "enterprise_summary", enterprise_id).data["due"] != stored:
            found.append(f"enterprise_summary {enterprise_id}")
        found.extend(f"person_record {c.id}" for c in records_for(db.session, enterprise_id))
    return found


def schedule_rows() -> dict[str, DerivedSchedule]:
    return {row.enterprise_id: row for row in db.session.scalars(select(DerivedSchedule))}


def test_a_new_enterprise_is_due_at_once(app, people):
    with app.app_context():
        rows = schedule_rows()
    assert set(rows) == {people["A"], people["B"], people["C"]}
    assert {(r.next_on, r.remind_on, r.digest_on) for r in rows.values()} == {(DUE_NOW, DUE_NOW, DUE_NOW)}


def test_day_by_day_the_scheduled_tick_equals_a_full_recomputation_and_acts_only_on_its_days(app, history):
    enterprises = [history["A"], history["B"], history["C"]]
    acted: dict[str, list[date]] = {e: [] for e in enterprises}
    day = START
    with app.app_context():
        while day <= END:
            with on(day):
                due_before = {e: r.next_on for e, r in schedule_rows().items()}
                recorded = tick(db.session, sync_engine(), today=day)
                for enterprise_id, next_on in due_before.items():
                    if next_on <= day:
                        acted[enterprise_id].append(day)
                assert recorded["enterprises"] == sum(1 for n in due_before.values() if n <= day), day
                assert fresh_differences(enterprises) == [], day
                assert all(r.next_on > day for r in schedule_rows().values())
            day += timedelta(days=1)
    a_days = acted[history["A"]]
    # A: the first tick, the certificate's renewal window (2 Dec), the hazard overdue (11 Dec), the
    # principal's monthly inspection (due_soon, overdue), 1 January, the certificate expiring (2 Feb)…
    assert {date(2025, 12, 2), date(2025, 12, 11), date(2026, 1, 1), date(2026, 2, 2)} <= set(a_days)
    assert len(a_days) < 20, a_days
    # B has an open major hazard: its days_open counts every day, so it is due every day.
    assert len(acted[history["B"]]) == (END - START).days + 1


def test_a_push_reschedules_its_enterprise(app, client, people):
    with app.app_context(), on(START):
        tick(db.session, sync_engine(), today=START)
        db.session.remove()
    worker = Device(client, "worker-a1")
    with on(START):
        worker.do(
            "hazard.report",
            title="平台积水",
            description="积水",
            location="一号平台",
            severity="major",
            photos=[],
        )
    with app.app_context():
        row = schedule_rows()[people["A"]]
        # The open major hazard counts days from tomorrow on; the notify tick looks at A again today.
        assert (row.next_on, row.remind_on, row.digest_on) == (START + timedelta(days=1), START, START)


class Statements:
    """Count the SQL statements an engine runs."""

    def __init__(self, engine):
        self.count, self.engine = 0, engine

    def __call__(self, *args):
        self.count += 1

    def __enter__(self):
        event.listen(self.engine, "before_cursor_execute", self)
        return self

    def __exit__(self, *exc):
        event.remove(self.engine, "before_cursor_execute", self)


def quiet_tick_statements(day: date) -> tuple[int, int]:
    """Return the statements of a cadence tick and a notify tick on a day after both already ran."""
    now = datetime.combine(day, time(11), tzinfo=clock.SHANGHAI)
    with on(day):
        tick(db.session, sync_engine(), today=day)
        notify_tick(db.session, day, now)
        with Statements(db.engine) as cadence:
            assert tick(db.session, sync_engine(), today=day)["enterprises"] == 0
        with Statements(db.engine) as notify:
            sent = notify_tick(db.session, day, now)
        assert sum(n for name, n in sent.items() if name != "deliveries attempted") == 0
    return cadence.count, notify.count


def test_a_nothing_changed_tick_costs_the_same_with_2_or_40_enterprises(app, people):
    with app.app_context():
        few = quiet_tick_statements(START)
        for index in range(37):
            db.session.add(
                Enterprise(
                    id=str(uuid.uuid4()),
                    uscc=demo_uscc(index),
                    name=f"企业{index}",
                    flags=[],
                    region_code="141122",
                )
            )
        db.session.commit()
        assert len(schedule_rows()) == 40
        many = quiet_tick_statements(START + timedelta(days=1))
    assert many == few
    # The notify tick's 9th: the weekly digest reads the bureaus' region nodes, then their claims.
    assert few[0] <= 2 and few[1] <= 9, few


def demo_uscc(index: int) -> str:
    """Return a valid unified social credit code numbered `index`."""
    from backend.rules.uscc import check_character

    body = f"91350100M{index:08d}"
    return body + check_character(body)
