"""The two-host world, started once for the module (its start is the slow part) and stopped after it."""

from __future__ import annotations

import pytest

from .cluster import cluster


@pytest.fixture(scope="module")
def world(tmp_path_factory):
    """Two hosts, the proxy and the shared stores; the last test kills a host, so it comes last."""
    with cluster(tmp_path_factory.mktemp("hosts")) as started:
        yield started
