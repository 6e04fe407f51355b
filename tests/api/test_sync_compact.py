"""`flask sync compact` and the daily job forget sync history older than SYNC_RETENTION_DAYS."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import insert, select

from backend import config, jobs
from backend.extensions import db
from sync import Change, tables

from ..api_client import Device
from ..people import seed_people

TODAY = datetime(2026, 12, 8, 2, 0, tzinfo=UTC)
PULL, PUSH = "/api/v1/sync/pull", "/api/v1/sync/push"


def store_command(seq: int, received_at: datetime) -> None:
    db.session.execute(
        insert(tables.commands).values(
            client_id="00000000-0000-4000-8000-000000000001",
            seq=seq,
            id=f"00000000-0000-4000-8000-{seq:012d}",
            user_id="u",
            type="hazard.report",
            entity_id="00000000-0000-4000-8000-0000000000ee",
            args={},
            captured_at=received_at,
            received_at=received_at,
            clock_offset_ms=0,
            status="applied",
            entity="hazard",
            version=1,
        )
    )


@pytest.fixture
def history(app):
    """Commands received 100 and 10 days before the app's (fixed) today."""
    app.extensions["sync_engine"].clock = lambda: TODAY
    with app.app_context():
        store_command(1, TODAY - timedelta(days=100))
        store_command(2, TODAY - timedelta(days=10))
        db.session.commit()
    return app


def seqs(app) -> list[int]:
    with app.app_context():
        return sorted(db.session.execute(select(tables.commands.c.seq)).scalars())


def compact(app, *args: str) -> str:
    result = app.test_cli_runner().invoke(args=["sync", "compact", *args])
    assert result.exit_code == 0, result.output
    return result.output


def test_the_cli_keeps_the_configured_90_days(history):
    assert history.config["SYNC_RETENTION_DAYS"] == 90
    output = compact(history)
    assert "before 2026-09-09T02:00:00.000Z: 1 commands and 0 tombstones dropped" in output
    assert seqs(history) == [2]
    assert "0 commands" in compact(history)  # a repeat finds nothing more


def test_the_cli_takes_another_age_and_refuses_one_under_a_day(history):
    compact(history, "--days", "5")
    # Command rows stay for the late-entry lookback (91 days) however short the retention.
    assert seqs(history) == [2]
    refused = history.test_cli_runner().invoke(args=["sync", "compact", "--days", "0"])
    assert refused.exit_code != 0


def test_the_daily_job_compacts_with_the_configured_age(history):
    every, _ = jobs.JOBS["sync compact"]
    assert every == 24 * 3600
    history.config["SYNC_RETENTION_DAYS"] = 30
    assert "1 commands" in jobs.run_once(history, "sync compact")
    assert seqs(history) == [2]


def test_the_retention_comes_from_the_environment_and_is_at_least_a_day(monkeypatch, tmp_path):
    monkeypatch.setenv("SYNC_RETENTION_DAYS", "365")
    assert config.TestConfig("sqlite://", tmp_path).SYNC_RETENTION_DAYS == 365
    monkeypatch.setenv("SYNC_RETENTION_DAYS", "0")
    with pytest.raises(ValueError):
        config.TestConfig("sqlite://", tmp_path)


def test_over_http_a_stale_cursor_starts_over_and_an_old_seq_is_settled(app, client):
    engine = app.extensions["sync_engine"]
    engine.clock = lambda: TODAY - timedelta(days=100)
    with app.app_context():
        seed_people()  # published on the engine's clock, 100 days ago
    worker = Device(client, "worker-a1")
    report = worker.command(
        "hazard.report", title="漏油", description="", location="车间", severity="general"
    )
    assert worker.push(report)["outcomes"][0]["status"] == "applied"
    stale = client.get(PULL, headers=worker.headers).get_json()["cursor"]
    with app.app_context():  # the hazard is deleted long ago (no command deletes one: an admin would)
        stored = engine.load(db.session, "hazard", report["entity_id"])
        engine.record_change(
            db.session, Change("hazard", stored.id, stored.scope, {"id": stored.id}, deleted=True)
        )
        db.session.commit()
    engine.clock = lambda: TODAY
    assert "1 tombstones dropped" in compact(app)

    refused = client.get(PULL, query_string={"cursor": stale}, headers=worker.headers)
    assert refused.status_code == 410 and refused.get_json()["code"] == "reset_required"
    fresh = client.get(PULL, headers=worker.headers).get_json()
    assert report["entity_id"] not in {change["id"] for change in fresh["changes"]}

    body = {"client_id": worker.client_id, "sent_at": TODAY.isoformat(), "commands": [report]}
    answer = client.post(PUSH, json=body, headers={**worker.headers, "Accept-Language": "en"})
    assert answer.status_code == 200
    outcome = answer.get_json()["outcomes"][0]
    assert (outcome["status"], outcome["code"], outcome["replayed"]) == ("rejected", "outcome_expired", True)
    assert outcome["message"].startswith("This command was received long ago")
    with app.app_context():
        assert engine.load(db.session, "hazard", report["entity_id"]) is None  # not reported again
