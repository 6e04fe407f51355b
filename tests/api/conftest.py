"""Fixtures of the API tests: a hazard site on SQLite, on PostgreSQL, or on each in turn."""

from __future__ import annotations

import pytest

from ..people import seed_people
from .hazard_site import Site


@pytest.fixture
def site(app, people):
    return Site(app, people)


@pytest.fixture
def pg_site(pg_app):
    with pg_app.app_context():
        people = seed_people()
    return Site(pg_app, people)


@pytest.fixture(params=["sqlite", "postgresql"])
def any_site(request):
    return request.getfixturevalue("site" if request.param == "sqlite" else "pg_site")


@pytest.fixture
def built_pwa(app, tmp_path):
    """A minimal built PWA: shell, hashed asset, service worker, manifest."""
    dist = tmp_path / "dist"
    (dist / "assets").mkdir(parents=True)
    (dist / "index.html").write_text("<!doctype html><title>安全台账</title><div id=app></div>")
    (dist / "assets" / "index-abc123.js").write_text("console.log('app')")
    (dist / "sw.js").write_text("self.addEventListener('fetch', () => {})")
    (dist / "manifest.webmanifest").write_text("{}")
    app.config["PWA_DIST"] = str(dist)
    return dist
