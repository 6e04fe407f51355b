"""Fixtures of the sync contract suite: the same tests on a SQLite file and on PostgreSQL."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from sqlalchemy import create_engine, insert
from sqlalchemy.orm import sessionmaker

import sync
from sync import tables
from tests.databases import postgres_schema

from .notes import ALICE, Device, make_engine


@pytest.fixture(params=["sqlite", "postgres"])
def database(request, tmp_path):
    """A SQLAlchemy engine on a fresh database holding the sync tables."""
    if request.param == "sqlite":
        engine = create_engine(f"sqlite:///{tmp_path / 'sync.db'}")
        sync.metadata.create_all(engine)
        yield engine
        engine.dispose()
        return
    with postgres_schema() as (url, connect_args):
        engine = create_engine(url, connect_args=connect_args)
        sync.metadata.create_all(engine)
        yield engine
        engine.dispose()


@pytest.fixture
def sessions(database):
    """Make sessions on the test database."""
    return sessionmaker(database)


@pytest.fixture
def engine():
    """A sync engine with the toy note commands."""
    return make_engine()


@pytest.fixture
def alice(engine, sessions):
    """A device of Alice, a worker of enterprise A."""
    return Device(engine, sessions, ALICE)


def store_blob(sessions, sha: str, holder: str = ALICE.id) -> None:
    """Hold a blob row and its uploader, as an upload would leave them."""
    with sessions() as session:
        session.execute(
            insert(tables.blob_holders).values(sha256=sha, user_id=holder, created_at=datetime.now(UTC))
        )
        session.execute(
            insert(tables.blobs).values(
                sha256=sha,
                size=1,
                media_type="image/jpeg",
                width=1,
                height=1,
                uploaded_by=ALICE.id,
                created_at=datetime.now(UTC),
            )
        )
        session.commit()
