"""Positions of a push's changes are stamped without a statement per row, on either database."""

from __future__ import annotations

import pytest
from sqlalchemy import event, func, select

from backend.extensions import db
from sync import tables

from ..api_client import Device
from ..people import seed_people


@pytest.fixture(params=["sqlite", "postgres"])
def any_app(request):
    return request.getfixturevalue("app" if request.param == "sqlite" else "pg_app")


def test_a_push_of_many_reports_positions_them_all_in_one_statement(any_app):
    with any_app.app_context():
        seed_people()
        engine = db.engine
    any_app.extensions["sync_engine"].after_commit.clear()  # the push's own transaction only
    device = Device(any_app.test_client(), "worker-a1")
    commands = [
        device.command("hazard.report", title=f"隐患{n}", description="", location="炉前", severity="general")
        for n in range(200)
    ]
    touching: list[tuple[str, int]] = []

    def count(conn, cursor, statement, parameters, context, executemany):
        if "position" in statement and statement.lstrip().upper().startswith(("UPDATE", "INSERT")):
            rows = len(parameters) if executemany and isinstance(parameters, list | tuple) else 1
            touching.append((statement.split()[0].upper(), rows))

    event.listen(engine, "before_cursor_execute", count)
    try:
        outcomes = device.push(*commands)["outcomes"]
    finally:
        event.remove(engine, "before_cursor_execute", count)
    assert all(o["status"] == "applied" for o in outcomes)
    # SQLite: the rows are inserted with their positions; PostgreSQL: inserted, then one joined UPDATE.
    assert [kind for kind, _ in touching if kind == "UPDATE"] in ([], ["UPDATE"])
    assert all(rows == 1 for kind, rows in touching if kind == "UPDATE")
    with any_app.app_context():
        e = tables.entities.c
        positions = db.session.scalars(select(e.position).where(e.entity == "hazard")).all()
        assert len(positions) == 200 and None not in positions and len(set(positions)) == 200
        assert db.session.scalar(select(func.max(e.position))) == db.session.scalar(
            select(tables.counter.c.position)
        )
