"""Rows inserted through the driver read back exactly as rows inserted through SQLAlchemy."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import (
    Boolean,
    Column,
    DateTime,
    Integer,
    MetaData,
    String,
    Table,
    create_engine,
    insert,
    select,
)
from sqlalchemy.orm import Session

from sync.bulk_insert import insert_rows
from sync.tables import DOCUMENT

metadata = MetaData()
things = Table(
    "things",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("name", String(20)),
    Column("data", DOCUMENT),
    Column("at", DateTime(timezone=True)),
    Column("flag", Boolean, default=True),
    Column("fields", DOCUMENT),  # a column named like an SQL word
)
computed = Table(
    "computed", metadata, Column("id", Integer, primary_key=True), Column("n", Integer, default=lambda: 7)
)


@pytest.fixture
def session(tmp_path):
    engine = create_engine(f"sqlite:///{tmp_path / 'rows.db'}")
    metadata.create_all(engine)
    with Session(engine) as session:
        yield session
    engine.dispose()


def rows(first: int) -> list[dict]:
    now = datetime(2026, 12, 6, 8, 30, 1, 123456, tzinfo=UTC)
    return [
        {
            "id": first + n,
            "name": f"第{n}项",
            "data": {"title": "煤气", "n": n, "list": [1.5, None, "x"]} if n % 3 else None,
            "at": now if n % 2 else now + timedelta(hours=n),
            "fields": None,
        }
        for n in range(6)
    ]


def test_rows_read_back_as_sqlalchemy_would_have_written_them(session):
    session.execute(insert(things), rows(0))
    insert_rows(session, things, rows(100))
    session.commit()
    stored = session.execute(select(things).order_by(things.c.id)).all()
    by_sqlalchemy, by_driver = stored[:6], stored[6:]
    assert [tuple(r)[1:] for r in by_driver] == [tuple(r)[1:] for r in by_sqlalchemy]
    assert all(r.flag is True for r in by_driver)  # the left-out column's default
    raw = session.connection().exec_driver_sql("SELECT data, at FROM things ORDER BY id").all()
    assert raw[:6] == raw[6:]  # the same stored text, not just the same values read back


def test_a_left_out_column_with_a_computed_default_goes_through_sqlalchemy(session):
    insert_rows(session, computed, [{"id": 1}, {"id": 2}])
    assert session.execute(select(computed.c.n)).scalars().all() == [7, 7]
