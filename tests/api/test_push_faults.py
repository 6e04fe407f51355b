"""A bug in one command never blocks a device's queue; passing database trouble answers 503, never 500."""

from __future__ import annotations

import dataclasses
import re
import sqlite3

import pytest
from psycopg import errors as pg
from sqlalchemy import func, select
from sqlalchemy.exc import OperationalError

from backend.commands import hazard
from backend.extensions import db
from sync import CommandContext, CommandSpec, faults, store, tables

from ..api_client import Device
from ..people import seed_people

ERROR_ID = re.compile(r"错误编号 ([0-9a-f]{12})")


def report_args(**extra):
    return {"title": "平台积水", "description": "", "location": "2号转炉", "severity": "general", **extra}


def report_as_hazard(ctx: CommandContext, **args):
    """Run the real hazard.report handler for a test command type: it returns the new hazard."""
    command = dataclasses.replace(ctx.command, type="hazard.report", args=report_args(**args))
    return hazard.report(dataclasses.replace(ctx, command=command))


def write_hazard(ctx: CommandContext, **args) -> None:
    """Write a hazard as a handler that writes the database itself would (its savepoint must undo it)."""
    store.save_change(ctx.session, report_as_hazard(ctx, **args), None, ctx.received_at)
    ctx.session.flush()


def deadlock() -> OperationalError:
    return OperationalError("UPDATE sync_entities …", {}, pg.DeadlockDetected("deadlock detected"))


def register(app, type_: str, handler) -> None:
    """Add a test command type acting on hazards to this app's engine."""
    app.extensions["sync_engine"].register(CommandSpec(type_, "hazard", handler, creates=True))


def count(app, table) -> int:
    with app.app_context():
        return db.session.execute(select(func.count()).select_from(table)).scalar_one()


def hazard_ids(app) -> set[str]:
    with app.app_context():
        e = tables.entities.c
        return set(db.session.execute(select(e.id).where(e.entity == "hazard")).scalars())


@pytest.fixture
def worker(client, people):
    return Device(client, "worker-a1")


@pytest.fixture(autouse=True)
def no_pauses(monkeypatch):
    monkeypatch.setattr(faults.time, "sleep", lambda _: None)


def test_a_crashing_handler_is_stored_as_server_error_and_the_rest_applies(app, worker, caplog):
    def write_then_crash(ctx):
        write_hazard(ctx, title="写到一半")
        raise RuntimeError("handler bug")

    register(app, "test.explode", write_then_crash)
    before, crash, after = (
        worker.command("hazard.report", **report_args()),
        worker.command("test.explode"),
        worker.command("hazard.report", **report_args()),
    )
    answer = worker.push(before, crash, after)
    assert answer["last_seq"] == 3
    outcomes = answer["outcomes"]
    assert [o["status"] for o in outcomes] == ["applied", "rejected", "applied"]
    assert outcomes[1]["code"] == "server_error"
    error_id = ERROR_ID.search(outcomes[1]["message"]).group(1)
    logged = [r for r in caplog.records if error_id in r.getMessage()]
    assert len(logged) == 1 and logged[0].exc_info[0] is RuntimeError
    # Its savepoint undid what the handler wrote; the commands around it are committed.
    assert hazard_ids(app) == {before["entity_id"], after["entity_id"]}
    replay = worker.push(before, crash, after)
    assert replay["last_seq"] == 3
    assert replay["outcomes"][1] == {**outcomes[1], "replayed": True}
    assert count(app, tables.commands) == 3
    next_one = worker.push(worker.command("hazard.report", **report_args()))
    assert next_one["outcomes"][0]["status"] == "applied"


def test_the_stored_server_error_is_worded_in_the_asked_language(app, worker, client):
    register(app, "test.explode", lambda _ctx: 1 / 0)
    command = worker.command("test.explode")
    worker.push(command)
    body = {"client_id": worker.client_id, "sent_at": command["captured_at"], "commands": [command]}
    english = client.post(
        "/api/v1/sync/push", json=body, headers={**worker.headers, "Accept-Language": "en"}
    ).get_json()
    assert "error id" in english["outcomes"][0]["message"]


def test_a_deadlock_once_is_retried_and_every_command_applies_once(app, worker):
    calls = []

    def deadlocked_once(ctx):
        calls.append(1)
        if len(calls) == 1:
            raise deadlock()
        return report_as_hazard(ctx)

    register(app, "test.flaky", deadlocked_once)
    first, flaky = worker.command("hazard.report", **report_args()), worker.command("test.flaky")
    answer = worker.push(first, flaky)
    assert [(o["status"], o["version"]) for o in answer["outcomes"]] == [("applied", 1), ("applied", 1)]
    assert len(calls) == 2
    assert hazard_ids(app) == {first["entity_id"], flaky["entity_id"]}
    with app.app_context():
        assert len(store.load_entity(db.session, "hazard", first["entity_id"]).data["history"]) == 1
    assert count(app, tables.commands) == 2


def test_a_deadlock_every_time_answers_503_with_retry_after_and_writes_nothing(app, worker):
    calls = []

    def always_deadlocked(_ctx):
        calls.append(1)
        raise deadlock()

    register(app, "test.stuck", always_deadlocked)
    synced = (tables.commands, tables.entities, tables.clients)
    before = [count(app, table) for table in synced]
    body = {
        "client_id": worker.client_id,
        "sent_at": "2026-12-01T08:00:00.000Z",
        "commands": [worker.command("hazard.report", **report_args()), worker.command("test.stuck")],
    }
    answer = worker.client.post("/api/v1/sync/push", json=body, headers=worker.headers)
    assert answer.status_code == 503
    assert answer.headers["Retry-After"] == str(faults.RETRY_AFTER_SECONDS)
    assert answer.get_json() == {"code": "unavailable", "message": "服务器繁忙，请稍后重试"}
    assert len(calls) == faults.ATTEMPTS
    assert [count(app, table) for table in synced] == before
    assert hazard_ids(app) == set()


@pytest.mark.parametrize(
    ("driver_error", "status", "code"),
    [
        (sqlite3.OperationalError("database is locked"), 503, "unavailable"),
        (pg.SerializationFailure("could not serialize access"), 503, "unavailable"),
        (sqlite3.OperationalError("no such table: hazards"), 500, "internal_error"),
    ],
)
def test_any_endpoint_answers_a_transient_database_error_503(app, driver_error, status, code):
    @app.route("/api/v1/test-database")
    def failing():
        raise OperationalError("SELECT …", {}, driver_error)

    answer = app.test_client().get("/api/v1/test-database")
    assert (answer.status_code, answer.get_json()["code"]) == (status, code)
    assert ("Retry-After" in answer.headers) is (status == 503)


@pytest.mark.postgres
def test_a_database_error_inside_one_command_on_postgresql_is_stored_and_the_push_commits(pg_app):
    with pg_app.app_context():
        seed_people()
    register(pg_app, "test.nul", lambda ctx: report_as_hazard(ctx, title="a\x00b"))
    worker = Device(pg_app.test_client(), "worker-a1")
    first, broken = worker.command("hazard.report", **report_args()), worker.command("test.nul")
    answer = worker.push(first, broken, worker.command("hazard.report", **report_args()))
    assert [o["status"] for o in answer["outcomes"]] == ["applied", "rejected", "applied"]
    assert answer["outcomes"][1]["code"] == "server_error"
    assert len(hazard_ids(pg_app)) == 2 and broken["entity_id"] not in hazard_ids(pg_app)
