"""`flask cadence tick`: every derived entity recomputed, recorded once, and again only when days pass."""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import select

from backend.derived import clock
from backend.extensions import db
from backend.scopes import enterprise_scope
from backend.sync_setup import sync_engine
from sync import Change, tables

START = date(2026, 11, 29)


@pytest.fixture
def today(monkeypatch):
    """A movable today: set `today.day` to travel in time."""

    class Today:
        day = START

    monkeypatch.setattr(clock, "today_in_shanghai", lambda: Today.day)
    return Today


def record_drill(app, enterprise_id: str, ended_on: date) -> None:
    drill_id = str(uuid.uuid4())
    ended_at = datetime(ended_on.year, ended_on.month, ended_on.day, 2, tzinfo=UTC).isoformat()
    data = {
        "id": drill_id,
        "enterprise_id": enterprise_id,
        "type": "evacuation",
        "status": "evaluated",
        "ended_at": ended_at.replace("+00:00", "Z"),
        "history": [],
    }
    with app.app_context():
        sync_engine().record_change(
            db.session, Change("drill", drill_id, enterprise_scope(enterprise_id), data)
        )
        db.session.commit()


def tick(app) -> str:
    result = app.test_cli_runner().invoke(args=["cadence", "tick"])
    assert result.exit_code == 0, result.output
    return result.output


def entity_versions(app) -> list:
    with app.app_context():
        rows = db.session.execute(
            select(tables.entities.c.entity, tables.entities.c.id, tables.entities.c.version)
        )
        return sorted(rows.all())


def evacuation_state(app, enterprise_id: str) -> str:
    with app.app_context():
        due = sync_engine().load(db.session, "due", enterprise_id).data
    return next(o["state"] for o in due["obligations"] if o["key"] == "evacuation_drill")


def test_the_first_tick_computes_every_derived_entity_of_every_enterprise(app, people, today):
    output = tick(app)
    assert "3 enterprises" in output and "due 3" in output and "person_record 9" in output
    assert "enterprise_summary 3" in output
    with app.app_context():
        for enterprise in ("A", "B", "C"):
            assert sync_engine().load(db.session, "due", people[enterprise]) is not None
            summary = sync_engine().load(db.session, "enterprise_summary", people[enterprise])
            assert summary.data["due"] == sync_engine().load(db.session, "due", people[enterprise]).data


def test_a_second_tick_the_same_day_records_nothing(app, people, today):
    tick(app)
    before = entity_versions(app)
    assert "nothing changed" in tick(app)
    assert entity_versions(app) == before


def test_days_passing_turn_an_ok_drill_overdue_and_the_tick_records_it(app, people, today):
    record_drill(app, people["A"], START - timedelta(days=30))
    tick(app)
    assert evacuation_state(app, people["A"]) == "ok"
    today.day = START + timedelta(days=200)
    output = tick(app)
    assert "due 3" in output and "enterprise_summary 3" in output  # C's metal-smelting drill too
    assert evacuation_state(app, people["A"]) == "overdue"
    assert "nothing changed" in tick(app)


def test_the_tick_does_not_rewrite_badges_that_are_already_published(app, people, today):
    tick(app)
    with app.app_context():
        version = sync_engine().load(db.session, "badge", people["worker-a1"]).version
    tick(app)
    with app.app_context():
        assert sync_engine().load(db.session, "badge", people["worker-a1"]).version == version


def test_the_in_process_job_runs_the_cadence_tick(app, people):
    from backend import jobs

    recorded = jobs.run_once(app, "cadence tick")
    assert recorded["enterprises"] == 3
