"""The computed `due` entity: obligations from records, the bureau's overview, recorded only when changed."""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime, timedelta

import pytest

from backend.derived import clock, marks
from backend.derived.refresh import refresh
from backend.derived.schedule import reschedule
from backend.derived.tick import tick
from backend.extensions import db
from backend.scopes import enterprise_scope
from backend.sync_setup import sync_engine
from sync import Change

from ..api_client import Device

TODAY = date(2026, 11, 29)


@pytest.fixture(autouse=True)
def fixed_today(monkeypatch):
    """Every derived entity computes as of TODAY (Asia/Shanghai)."""
    monkeypatch.setattr(clock, "today_in_shanghai", lambda: TODAY)


def at(day: date, hour: int = 2) -> str:
    """Return an RFC 3339 UTC time on a day (02:00 UTC is 10:00 in Shanghai)."""
    return datetime(day.year, day.month, day.day, hour, tzinfo=UTC).isoformat().replace("+00:00", "Z")


def put(app, entity: str, enterprise_id: str, **data) -> str:
    """Store a record directly (as its handler would) and recompute every derived entity."""
    entity_id = data.pop("id", None) or str(uuid.uuid4())
    with app.app_context():
        body = {"id": entity_id, "enterprise_id": enterprise_id, "history": [], **data}
        sync_engine().record_change(
            db.session, Change(entity, entity_id, enterprise_scope(enterprise_id), body)
        )
        # As the push path does: recompute the enterprise's derived entities and its next day.
        refresh(db.session, sync_engine(), [enterprise_id])
        reschedule(db.session, [enterprise_id], TODAY)
        db.session.commit()
    return entity_id


def stored_due(app, enterprise_id: str):
    with app.app_context():
        return sync_engine().load(db.session, "due", enterprise_id)


def obligation(due_data: dict, key: str) -> dict:
    return next(o for o in due_data["obligations"] if o["key"] == key)


def report(device: Device, severity: str = "general", captured_at: str | None = None) -> str:
    command = device.command(
        "hazard.report",
        title="平台积水",
        description="积水",
        location="2号转炉",
        severity=severity,
        photos=[],
    )
    if captured_at:
        command["captured_at"] = captured_at
    outcome = device.push(command)["outcomes"][-1]
    assert outcome["status"] == "applied", outcome
    return outcome["entity_id"]


def test_a_push_publishes_the_due_entity_of_the_enterprise_with_its_obligations(app, client, people):
    worker = Device(client, "worker-a1")
    report(worker)
    pulled = worker.pull_all()[("due", people["A"])]["data"]
    assert pulled["enterprise_id"] == people["A"] and pulled["computed_on"] == TODAY.isoformat()
    keys = [o["key"] for o in pulled["obligations"]]
    assert keys == [
        "evacuation_drill",
        "comprehensive_drill",
        "onsite_procedure_drill",
        "principal_inspection",
        "ledger_update",
        "confined_space_training",
        "hazard_statistics_quarterly",
        "hazard_statistics_yearly",
    ]
    first = pulled["obligations"][0]
    assert set(first) == {"key", "label_zh", "label_en", "interval_months", "last_done", "next_due", "state"}
    assert first["label_zh"] == "疏散逃生演练" and first["interval_months"] == 6
    assert obligation(pulled, "principal_inspection")["interval_months"] == 1
    assert set(pulled) >= {"open_major_hazards", "overdue_hazards", "active_lockouts"}
    assert set(pulled) >= {"major_hazards", "late_entries"}


def test_a_dust_explosion_enterprise_owes_no_confined_space_training(app, client, people):
    report(Device(client, "worker-b1"))
    with app.app_context():
        pulled = sync_engine().load(db.session, "due", people["B"]).data
    assert "confined_space_training" not in [o["key"] for o in pulled["obligations"]]
    assert obligation(pulled, "evacuation_drill")["interval_months"] == 12


def test_an_evacuation_drill_ended_eight_months_ago_leaves_a_smelter_overdue(app, people):
    ended = TODAY - timedelta(days=240)
    put(app, "drill", people["A"], type="evacuation", status="evaluated", ended_at=at(ended))
    data = stored_due(app, people["A"]).data
    evacuation = obligation(data, "evacuation_drill")
    assert evacuation["last_done"] == ended.isoformat()
    assert evacuation["state"] == "overdue"
    assert obligation(data, "comprehensive_drill")["last_done"] is None


def test_a_smelters_plan_drill_is_due_six_months_after_the_last_and_others_twelve(app, people):
    ended = TODAY - timedelta(days=30)  # 2026-10-30
    for enterprise in ("A", "B"):  # A is a metal smelter, B is not
        put(app, "drill", people[enterprise], type="fire", status="ended", ended_at=at(ended))
    smelter = obligation(stored_due(app, people["A"]).data, "comprehensive_drill")
    other = obligation(stored_due(app, people["B"]).data, "comprehensive_drill")
    assert (smelter["last_done"], smelter["next_due"]) == ("2026-10-30", "2027-04-30")
    assert (other["last_done"], other["next_due"]) == ("2026-10-30", "2027-10-30")


def test_a_recent_drill_keeps_the_obligations_it_fulfils_ok(app, people):
    put(app, "drill", people["B"], type="fire", status="ended", ended_at=at(TODAY - timedelta(days=10)))
    put(app, "drill", people["B"], type="evacuation", status="ended", ended_at=at(TODAY - timedelta(days=20)))
    data = stored_due(app, people["B"]).data
    assert obligation(data, "comprehensive_drill")["state"] == "ok"
    assert obligation(data, "evacuation_drill") == {
        **obligation(data, "evacuation_drill"),
        "last_done": (TODAY - timedelta(days=20)).isoformat(),
        "next_due": (TODAY - timedelta(days=20)).replace(year=TODAY.year + 1).isoformat(),
        "state": "ok",
    }


def test_the_latest_of_many_drills_counts_and_a_deleted_or_moved_one_does_not(app, people):
    """The last drill of a type is read from the indexed `moment` column, which follows each write."""
    days = [TODAY - timedelta(days=n) for n in (300, 40, 200)]
    for day in days:
        put(app, "drill", people["A"], type="evacuation", status="evaluated", ended_at=at(day))
    newest = put(app, "drill", people["A"], type="evacuation", status="ended", ended_at=at(TODAY))
    assert obligation(stored_due(app, people["A"]).data, "evacuation_drill")["last_done"] == TODAY.isoformat()
    with app.app_context():
        # Deleted (a tombstone keeps the row): the newest live one counts again.
        body = {"id": newest, "enterprise_id": people["A"], "type": "evacuation", "status": "ended"}
        gone = Change("drill", newest, enterprise_scope(people["A"]), {**body, "ended_at": at(TODAY)}, True)
        sync_engine().record_change(db.session, gone)
        refresh(db.session, sync_engine(), [people["A"]])
        db.session.commit()
    assert (
        obligation(stored_due(app, people["A"]).data, "evacuation_drill")["last_done"] == days[1].isoformat()
    )
    # A drill whose end moves earlier (an edit) takes its new moment with it.
    second = put(
        app, "drill", people["A"], type="evacuation", status="ended", ended_at=at(TODAY - timedelta(1))
    )
    assert obligation(stored_due(app, people["A"]).data, "evacuation_drill")["last_done"] == str(
        TODAY - timedelta(1)
    )
    put(app, "drill", people["A"], id=second, type="evacuation", status="ended", ended_at=at(days[0]))
    assert (
        obligation(stored_due(app, people["A"]).data, "evacuation_drill")["last_done"] == days[1].isoformat()
    )


def test_planned_running_and_cancelled_drills_fulfil_nothing(app, people):
    for status in ("planned", "running", "cancelled"):
        put(app, "drill", people["A"], type="evacuation", status=status, ended_at=None)
    assert obligation(stored_due(app, people["A"]).data, "evacuation_drill")["last_done"] is None


def test_the_end_day_is_counted_on_the_shanghai_calendar(app, people):
    ended_at = "2026-10-31T17:30:00Z"  # 01:30 on 1 November in Shanghai
    put(app, "drill", people["A"], type="onsite_procedure", status="ended", ended_at=ended_at)
    assert (
        obligation(stored_due(app, people["A"]).data, "onsite_procedure_drill")["last_done"] == "2026-11-01"
    )


def test_a_finished_principal_inspection_and_a_closed_confined_space_session_count(app, people):
    put(app, "inspection", people["A"], kind="principal", status="finished", finished_at=at(TODAY))
    put(app, "inspection", people["A"], kind="self_check", status="finished", finished_at=at(TODAY))
    put(
        app,
        "training_session",
        people["A"],
        kind="confined_space_annual",
        status="closed",
        scheduled_at=at(TODAY - timedelta(days=3)),
        attendees=[],
    )
    data = stored_due(app, people["A"]).data
    assert obligation(data, "principal_inspection") == {
        **obligation(data, "principal_inspection"),
        "last_done": TODAY.isoformat(),
        "next_due": "2026-12-29",
        "state": "ok",
    }
    assert obligation(data, "confined_space_training")["last_done"] == "2026-11-26"


def test_a_ledger_confirmation_fulfils_the_ledger_update(app, client, people):
    officer = Device(client, "officer-a")
    outcome = officer.do("enterprise.confirm_ledger", people["A"], note="已核对")
    assert outcome["status"] == "applied", outcome
    pulled = officer.pull_all()[("due", people["A"])]["data"]
    confirmed_on = clock.local_day(datetime.now(UTC))  # the device's day, not the patched one
    assert obligation(pulled, "ledger_update")["last_done"] == confirmed_on.isoformat()


def test_hazard_statistics_never_reported_are_owed_from_registration(app, people):
    put(app, "drill", people["A"], type="fire", status="planned")
    data = stored_due(app, people["A"]).data
    quarterly, yearly = (obligation(data, f"hazard_statistics_{p}") for p in ("quarterly", "yearly"))
    registered = clock.local_day(datetime.now(UTC))
    quarter_ends = date(registered.year, (registered.month - 1) // 3 * 3 + 1, 1)
    assert quarterly["last_done"] is None and yearly["last_done"] is None
    assert quarter_ends.isoformat() < quarterly["next_due"] <= f"{registered.year + 1}-01-15"
    assert quarterly["next_due"].endswith("-15")
    assert yearly["next_due"] == f"{registered.year + 1}-01-31"


def test_open_major_hazards_are_listed_with_their_deadlines(app, client, people):
    worker, officer = Device(client, "worker-a1"), Device(client, "officer-a")
    major = report(worker, "major")
    general = report(worker, "general")
    assert (
        officer.do(
            "hazard.assign", major, assignee_id=people["worker-a2"], due_date="2026-12-02", plan="排水"
        )["status"]
        == "applied"
    )
    assert (
        officer.do("hazard.assign", general, assignee_id=people["worker-a2"], due_date="2026-11-01")["status"]
        == "applied"
    )
    data = officer.pull_all()[("due", people["A"])]["data"]
    assert data["open_major_hazards"] == 1 and data["overdue_hazards"] == 1
    [row] = data["major_hazards"]
    reported_on = clock.local_day(datetime.now(UTC))
    assert row == {
        "id": major,
        "title": "平台积水",
        "status": "assigned",
        "reported_on": reported_on.isoformat(),
        "due_date": "2026-12-02",
        "days_open": (TODAY - reported_on).days,
        "days_to_deadline": 3,
        "state": "due_soon",
    }


def test_a_major_hazard_without_a_plan_has_no_deadline_state(app, client, people):
    report(Device(client, "worker-a1"), "major")
    [row] = stored_due(app, people["A"]).data["major_hazards"]
    assert row["due_date"] is None and row["days_to_deadline"] is None and row["state"] is None


def test_lockouts_not_released_are_active(app, people):
    put(app, "lockout", people["A"], status="safe_to_work", reason="检修")
    put(app, "lockout", people["A"], status="released", reason="检修")
    assert stored_due(app, people["A"]).data["active_lockouts"] == 1


def test_a_command_received_more_than_a_day_after_capture_is_a_late_entry(app, client, people, monkeypatch):
    # The server receives at noon of TODAY in Shanghai, whatever day the test runs.
    received = datetime(TODAY.year, TODAY.month, TODAY.day, 4, tzinfo=UTC)
    with app.app_context():
        monkeypatch.setattr(sync_engine(), "clock", lambda: received)
    worker = Device(client, "worker-a1")
    captured = received - timedelta(hours=30)
    late = report(worker, captured_at=captured.isoformat(timespec="milliseconds").replace("+00:00", "Z"))
    report(worker)
    with app.app_context():
        tick(db.session, sync_engine())
    [row] = stored_due(app, people["A"]).data["late_entries"]
    assert row["entity"] == "hazard" and row["id"] == late and row["title"] == "平台积水"
    assert row["type"] == "hazard.report"
    assert 29.9 <= row["delay_hours"] <= 30.2
    assert set(row) == {"entity", "id", "title", "type", "captured_at", "received_at", "delay_hours"}


def test_late_entries_older_than_ninety_days_drop_out(app, people):
    history = [
        {
            "type": "drill.end",
            "by": people["officer-a"],
            "at": at(TODAY - timedelta(days=100)),
            "received_at": at(TODAY - timedelta(days=97)),
        }
    ]
    put(
        app,
        "drill",
        people["A"],
        type="fire",
        status="ended",
        ended_at=at(TODAY - timedelta(days=100)),
        scenario="煤气泄漏",
        history=history,
    )
    assert stored_due(app, people["A"]).data["late_entries"] == []


def test_due_is_recorded_again_only_when_it_changes(app, client, people):
    worker = Device(client, "worker-a1")
    report(worker)
    first = stored_due(app, people["A"]).version
    report(worker)  # another general hazard: no count, list or obligation moves
    assert stored_due(app, people["A"]).version == first
    report(worker, "major")
    assert stored_due(app, people["A"]).version == first + 1


def test_a_push_recomputes_only_the_enterprises_it_touched(app, client, people):
    report(Device(client, "worker-b1"))
    assert stored_due(app, people["A"]) is None
    assert stored_due(app, people["B"]) is not None


def test_derived_changes_never_trigger_a_recomputation():
    scope = enterprise_scope("e1")
    names = ("due", "person_record", "badge", "checklist", "enterprise_summary")
    derived = [Change(name, "x", scope, {}) for name in names]
    assert marks.stale(derived) == []
    assert marks.stale([*derived, Change("drill", "d", scope, {})]) == [
        ("e1", "badge"),
        ("e1", "checklist"),
        ("e1", "due"),
        ("e1", "enterprise_summary"),
    ]
    assert marks.stale([Change("region", "141122", "region:141122", {})]) == []
    assert marks.stale([Change("training_key", "k", scope + ":managers", {})]) == []


def test_each_enterprise_sees_its_own_due_and_the_bureau_every_one_of_its_county_in_summaries(
    app, client, people
):
    report(Device(client, "worker-a1"))
    report(Device(client, "worker-b1"))
    worker_b = Device(client, "worker-b1")
    assert [key for key in worker_b.pull_all() if key[0] == "due"] == [("due", people["B"])]
    pulled = Device(client, "bureau").pull_all()
    assert not [key for key in pulled if key[0] == "due"]
    summaries = {i: c["data"] for (entity, i), c in pulled.items() if entity == "enterprise_summary"}
    assert set(summaries) == {people["A"], people["B"]}
    for key in ("A", "B"):
        assert summaries[people[key]]["due"] == stored_due(app, people[key]).data
