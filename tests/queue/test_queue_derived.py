"""Derived state on the queue: a push enqueues one coalesced job; a worker records what in-process would."""

from __future__ import annotations

from sqlalchemy import select

from backend.derived import marks
from backend.derived.worker import drain
from backend.extensions import db
from backend.jobqueue import triggers
from backend.jobqueue.connection import JOBS, key, queue, redis_connection
from backend.models import DerivedMark
from backend.sync_setup import sync_engine
from sync import tables

from ..api_client import Device
from ..people import seed_people
from .conftest import waiting, work

DERIVED_JOB = "backend.jobqueue.tasks.derived_job"


HAZARD = "5b0c3a52-6f7e-4d0e-9a57-1f3c2b7f0e11"


def report(device: Device, severity: str = "general", hazard_id: str | None = None) -> None:
    outcome = device.do(
        "hazard.report",
        hazard_id,
        title="煤气柜区警示标识脱落",
        description="",
        location="煤气柜",
        severity=severity,
    )
    assert outcome["status"] == "applied", outcome


def derived_of(app, ids: dict[str, str]) -> list[str]:
    """Every derived entity stored, as text with the people's and enterprises' ids replaced by their names."""
    e = tables.entities.c
    with app.app_context():
        rows = db.session.execute(
            select(e.entity, e.data).where(e.entity.in_(("due", "checklist", "badge")))
        ).all()
    texts = []
    for entity, data in rows:
        # A badge's QR code is signed with the app's own secret: the two apps' differ by design.
        text = f"{entity} {sorted((k, v) for k, v in data.items() if k != 'qr')}"
        for name, value in ids.items():
            text = text.replace(value, f"<{name}>")
        texts.append(text)
    return sorted(texts)


def due_of(app, enterprise_id: str) -> dict | None:
    e = tables.entities.c
    with app.app_context():
        return db.session.scalar(select(e.data).where(e.entity == "due", e.id == enterprise_id))


def test_a_push_enqueues_the_derived_job_and_a_burst_worker_records_it(queued_app, app):
    with queued_app.app_context():
        ids = seed_people()
    report(Device(queued_app.test_client(), "worker-a1"), "major", HAZARD)
    # The push answered with its work on the queue: marks stored, nothing derived yet, one job waiting.
    assert waiting(queued_app) == {"jobs": [DERIVED_JOB], "deliveries": []}
    assert derived_of(queued_app, ids) == []
    assert work(queued_app)
    assert due_of(queued_app, ids["A"])["open_major_hazards"] == 1
    with queued_app.app_context():
        assert db.session.scalars(select(DerivedMark)).all() == []
        # What the worker stored is what a recomputation in this process finds: marking everything
        # again and draining in-process records nothing new.
        marks.mark(db.session, [(ids["A"], module) for module in ("due", "checklist", "badge")])
        db.session.commit()
        assert sum(drain(db.session, sync_engine()).values()) == 1  # the enterprise, no entity
    # The same push on the in-process app (inline job) stores the same derived entities.
    with app.app_context():
        inline_ids = seed_people()
    report(Device(app.test_client(), "worker-a1"), "major", HAZARD)
    queued, inline = derived_of(queued_app, ids), derived_of(app, inline_ids)
    assert {text.split()[0] for text in queued} == {"due", "checklist", "badge"}
    assert queued == inline
    assert waiting(queued_app) == {"jobs": [], "deliveries": []}


def test_a_burst_of_pushes_enqueues_one_job_that_recomputes_them_all(queued_app):
    with queued_app.app_context():
        ids = seed_people()
    device = Device(queued_app.test_client(), "worker-a1")
    for number in range(100):
        report(device, "major" if number % 2 else "general")
    assert waiting(queued_app)["jobs"] == [DERIVED_JOB]
    assert work(queued_app)
    assert due_of(queued_app, ids["A"])["open_major_hazards"] == 50
    assert waiting(queued_app)["jobs"] == []


def test_a_push_while_the_job_works_enqueues_the_next_run(queued_app, monkeypatch):
    """The job clears its marker before it drains: a commit meanwhile is not left for the safety net."""
    with queued_app.app_context():
        ids = seed_people()
    device = Device(queued_app.test_client(), "worker-a1")
    report(device)
    real, pushed = triggers.starting, []

    def push_as_the_job_starts(kind):
        real(kind)
        if not pushed:
            pushed.append(kind)
            report(device, "major")  # commits while this job runs: a second job is enqueued

    monkeypatch.setattr(triggers, "starting", push_as_the_job_starts)
    assert work(queued_app)
    assert pushed == ["derived"]
    assert due_of(queued_app, ids["A"])["open_major_hazards"] == 1
    with queued_app.app_context():
        assert db.session.scalars(select(DerivedMark)).all() == []
        assert redis_connection().get(key("pending", "derived")) is None


def test_a_redis_failure_after_the_commit_keeps_the_push_and_its_marks(queued_app, monkeypatch):
    with queued_app.app_context():
        ids = seed_people()

    def down(*args, **kwargs):
        raise ConnectionError("Redis is away")

    monkeypatch.setattr(triggers, "request", down)
    report(Device(queued_app.test_client(), "worker-a1"), "major")
    with queued_app.app_context():
        # The push stands; the derived-marks safety net (a periodic job) finds its marks.
        assert {m.enterprise_id for m in db.session.scalars(select(DerivedMark))} == {ids["A"]}
        assert queue(JOBS).count == 0
