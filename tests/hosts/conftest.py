"""The two-host world, started once for the module (its start is the slow part) and stopped after it."""

from __future__ import annotations

import pytest

from .cluster import cluster


@pytest.fixture(scope="module")
def world(tmp_path_factory):
    """Two hosts, the proxy, the worker, the scheduler and the shared stores."""
    with cluster(tmp_path_factory.mktemp("hosts")) as started:
        yield started


@pytest.fixture
def killing_world(world):
    """The world for a test that kills hosts: they are started again after it (tests run in any order)."""
    yield world
    world.revive()
