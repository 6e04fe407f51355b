"""Derived state off the push path: a push marks what it made stale; a job recomputes it after the commit."""

from __future__ import annotations

import base64
import time

import pytest
from sqlalchemy import select, text
from sqlalchemy.orm import Session

from backend import config, create_app
from backend.derived import due, marks, worker
from backend.extensions import db
from backend.models import DerivedMark
from backend.sync_setup import sync_engine
from sync import tables

from ..api_client import Device
from ..people import seed_people

# The bound docs/sync.md states between a push's answer and its derived change being pullable.
BOUND_SECONDS = 2.0


def report(device: Device, severity: str = "general") -> dict:
    command = device.command(
        "hazard.report", title="煤气柜区警示标识脱落", description="", location="煤气柜", severity=severity
    )
    outcome = device.push(command)["outcomes"][-1]
    assert outcome["status"] == "applied", outcome
    return command


def due_of(device: Device, enterprise_id: str) -> dict | None:
    change = device.pull_all().get(("due", enterprise_id))
    return change["data"] if change else None


def versions(app, entity: str) -> dict[str, int]:
    with app.app_context():
        e = tables.entities.c
        return dict(db.session.execute(select(e.id, e.version).where(e.entity == entity)).all())


def mark_rows(app) -> list[tuple[str, str]]:
    with app.app_context():
        return sorted(
            tuple(row) for row in db.session.execute(select(DerivedMark.enterprise_id, DerivedMark.module))
        )


@pytest.fixture
def thread_app(tmp_path):
    """The app as `make run` serves it: the derived job on a background thread after each commit."""
    settings = config.TestConfig(f"sqlite:///{tmp_path / 'test.db'}", tmp_path)
    settings.DERIVED_AFTER_PUSH = "thread"
    app = create_app(settings)
    with app.app_context():
        db.create_all()
    yield app
    app.extensions["derived_worker"].wait_idle()
    with app.app_context():
        db.engine.dispose()


def test_a_push_answers_before_its_derived_change_which_is_pullable_within_the_bound(thread_app):
    with thread_app.app_context():
        ids = seed_people()
    client = thread_app.test_client()
    worker_a1, officer = Device(client, "worker-a1"), Device(client, "officer-a")
    report(worker_a1, "major")
    pushed = time.monotonic()
    while (due_of(officer, ids["A"]) or {}).get("open_major_hazards") != 1:
        assert time.monotonic() - pushed < BOUND_SECONDS, "the due change did not arrive within the bound"
        time.sleep(0.05)
    assert thread_app.extensions["derived_worker"].wait_idle()
    assert mark_rows(thread_app) == []


def test_the_push_itself_only_marks(app, people):
    app.extensions["sync_engine"].after_commit.clear()  # no job after the commit: see what the push left
    report(Device(app.test_client(), "worker-a1"), "major")
    # The hazard is stored; nothing derived was computed; the enterprise's derived types wait as marks.
    assert versions(app, "due") == {}
    assert mark_rows(app) == [
        (people["A"], "badge"),
        (people["A"], "checklist"),
        (people["A"], "due"),
        (people["A"], "enterprise_summary"),  # the bureau's summary carries the `due`
    ]
    with app.app_context():
        recorded = worker.drain(db.session, sync_engine())
    assert recorded["due"] == 1 and recorded["enterprises"] == 1
    assert "person_record" not in recorded  # a hazard does not make person records stale
    assert mark_rows(app) == []
    assert due_of(Device(app.test_client(), "officer-a"), people["A"])["open_major_hazards"] == 1


def test_many_pushes_are_recomputed_once(app, people):
    app.extensions["sync_engine"].after_commit.clear()
    device = Device(app.test_client(), "worker-a1")
    for _ in range(5):
        report(device)
    assert mark_rows(app).count((people["A"], "due")) == 5  # each push its own mark: none waits on another
    with app.app_context():
        recorded = worker.drain(db.session, sync_engine())
    assert recorded["due"] == 1 and recorded["enterprises"] == 1
    assert mark_rows(app) == []


def test_a_mark_committed_while_the_job_works_stays_for_the_next_run(pg_app):
    """The push does not wait for the job, and the job does not delete what it has not recomputed."""
    pg_app.extensions["sync_engine"].after_commit.clear()
    with pg_app.app_context():
        ids = seed_people()
    device = Device(pg_app.test_client(), "worker-a1")
    report(device)
    with pg_app.app_context():
        db.session.execute(text("SET LOCAL lock_timeout = '5s'"))
        taken = marks.take(db.session, 10)
        assert taken == {ids["A"]: {"badge", "checklist", "due", "enterprise_summary"}}
        # Another host's job, meanwhile, skips the marks this one holds instead of waiting for them.
        with db.engine.connect() as other:
            other.execute(text("SET lock_timeout = '5s'"))
            assert marks.take(Session(bind=other), 10) == {}
        # A push lands after the job took its marks (inserting, it waits on nothing the job holds).
        report(device, "major")
        db.session.commit()
    assert mark_rows(pg_app) == [
        (ids["A"], "badge"),
        (ids["A"], "checklist"),
        (ids["A"], "due"),
        (ids["A"], "enterprise_summary"),
    ]
    with pg_app.app_context():
        worker.drain(db.session, sync_engine())
    assert mark_rows(pg_app) == []
    assert due_of(Device(pg_app.test_client(), "officer-a"), ids["A"])["open_major_hazards"] == 1


def test_a_job_that_fails_midway_leaves_every_mark_for_the_next_run(app, people, monkeypatch):
    app.extensions["sync_engine"].after_commit.clear()
    report(Device(app.test_client(), "worker-a1"), "major")
    before = mark_rows(app)

    def broken(session, enterprise_id):
        raise RuntimeError("the recomputation failed")

    monkeypatch.setattr(due, "rebuild", broken)
    with app.app_context(), pytest.raises(RuntimeError):
        worker.drain(db.session, sync_engine())
    assert mark_rows(app) == before
    assert versions(app, "badge") == versions(app, "due") == {}  # nothing half-recorded either
    monkeypatch.undo()
    with app.app_context():
        assert worker.drain(db.session, sync_engine())["due"] == 1
    assert mark_rows(app) == []


def test_a_training_push_marks_person_records_too(app, people):
    app.extensions["sync_engine"].after_commit.clear()
    officer = Device(app.test_client(), "officer-a")
    command = officer.command(
        "training.schedule",
        kind="confined_space_annual",
        topic="有限空间作业安全",
        trainer="李安全",
        hours=4,
        scheduled_at="2026-11-29T01:00:00Z",
        location="培训室",
        qr_secret=base64.urlsafe_b64encode(b"k" * 32).rstrip(b"=").decode(),
    )
    outcome = officer.push(command)["outcomes"][-1]
    assert outcome["status"] == "applied", outcome
    assert (people["A"], "person_record") in mark_rows(app)
    assert len(mark_rows(app)) == 5
