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
