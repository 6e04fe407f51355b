"""The fault run's world: a throwaway PostgreSQL schema, a killable 2-worker gunicorn, the faulty proxy."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pytest
from sqlalchemy import create_engine
from sqlalchemy.engine import Engine

from tests.databases import postgres_schema_url

from .proxy import FaultPlan, FaultProxy
from .server import KillableServer

SEED = 20261206


@dataclass
class World:
    """What the fault test drives and inspects."""

    server: KillableServer
    proxy: FaultProxy
    engine: Engine
    folder: Path


@pytest.fixture(scope="package")
def world(tmp_path_factory):
    """One server for the package (its start is the slow part); the fault run comes last and kills it."""
    tmp_path = tmp_path_factory.mktemp("fault")
    with postgres_schema_url() as joined:
        server = KillableServer(tmp_path, joined, workers=2)
        server.prepare()
        server.start()
        proxy = FaultProxy(server.port, FaultPlan(SEED))
        proxy.start()
        engine = create_engine(joined)
        try:
            yield World(server, proxy, engine, tmp_path)
        finally:
            proxy.stop()
            server.stop()
            engine.dispose()
