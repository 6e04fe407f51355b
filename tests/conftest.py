"""Shared fixtures: an app on a fresh database, a test client, signed-in people, a push helper."""

from __future__ import annotations

import pytest

from backend import create_app
from backend.config import TestConfig
from backend.extensions import db

from .databases import postgres_schema
from .people import seed_people
from .s3_server import s3_bucket, s3_endpoint  # noqa: F401 (fixtures: a real S3 server and a bucket on it)


def _app_for(url: str, folder, connect_args: dict | None = None, settings: dict | None = None):
    config = TestConfig(url, folder)
    if connect_args:
        config.SQLALCHEMY_ENGINE_OPTIONS = {"connect_args": connect_args}
    for name, value in (settings or {}).items():
        setattr(config, name, value)
    app = create_app(config)
    with app.app_context():
        db.create_all()
    return app


@pytest.fixture
def app(tmp_path):
    """An app on a fresh SQLite file."""
    app = _app_for(f"sqlite:///{tmp_path / 'test.db'}", tmp_path)
    yield app
    with app.app_context():
        db.engine.dispose()


@pytest.fixture
def pg_app(tmp_path):
    """An app on a fresh schema of the real PostgreSQL server."""
    with postgres_schema() as (url, connect_args):
        app = _app_for(url, tmp_path, connect_args)
        yield app
        with app.app_context():
            db.session.remove()
            db.engine.dispose()


@pytest.fixture
def client(app):
    """A test client of the SQLite app."""
    return app.test_client()


@pytest.fixture
def people(app):
    """Enterprises A and B with the demo roles; returns {username: user id, 'A'/'B': enterprise id}."""
    with app.app_context():
        return seed_people()
