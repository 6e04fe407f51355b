"""The derived job and the cadence tick may recompute one enterprise at once (two hosts, or a process's
job thread beside `flask cadence tick`): neither may fail, and each derived entity is stored once."""

from __future__ import annotations

import threading
import uuid

import pytest
from sqlalchemy import func, select

from backend.derived import MODULES, marks, tick, worker
from backend.extensions import db
from backend.models import DerivedMark, Enterprise
from backend.rules.uscc import check_character
from backend.sync_setup import publish, sync_engine
from sync import tables

ROUNDS = 12


def _uscc(index: int) -> str:
    first17 = f"9114110{index:010d}"
    return first17 + check_character(first17)


def _new_enterprise(app, index: int) -> str:
    """A fresh enterprise, due for its first recomputation both by the tick and by a push's marks."""
    with app.app_context():
        enterprise = Enterprise(
            id=str(uuid.uuid4()), uscc=_uscc(index), name="并发测试企业", region_code="141122"
        )
        db.session.add(enterprise)
        db.session.flush()
        publish(enterprise)
        marks.mark(db.session, [(enterprise.id, module.ENTITY) for module in MODULES])
        db.session.commit()
        return enterprise.id


def _race(app) -> list[BaseException]:
    errors: list[BaseException] = []
    start = threading.Barrier(2)

    def run(job) -> None:
        with app.app_context():
            try:
                start.wait()
                job(db.session, sync_engine())
            except BaseException as error:  # reported by the test
                errors.append(error)
            finally:
                db.session.remove()

    threads = [threading.Thread(target=run, args=(job,)) for job in (worker.drain, tick.tick)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return errors


@pytest.fixture(params=["sqlite", "postgres"])
def any_app(request):
    """The app on each database: SQLite serialises writers with its lock, PostgreSQL must be told to."""
    return request.getfixturevalue("app" if request.param == "sqlite" else "pg_app")


def test_the_job_and_the_tick_recomputing_the_same_enterprise_neither_fail_nor_store_twice(any_app):
    made = []
    for index in range(ROUNDS):
        made.append(_new_enterprise(any_app, index))
        errors = _race(any_app)
        assert not errors, errors
    with any_app.app_context():
        e = tables.entities.c
        stored = db.session.execute(
            select(e.entity, e.id, func.count()).where(e.id.in_(made)).group_by(e.entity, e.id)
        ).all()
        assert db.session.scalar(select(func.count()).select_from(DerivedMark)) == 0
    # Every enterprise has its enterprise document, its due, checklist and summary, each stored once.
    once = {("enterprise", 1), ("due", 1), ("checklist", 1), ("enterprise_summary", 1)}
    assert {(entity, count) for entity, _, count in stored} == once
    assert len(stored) == 4 * ROUNDS
