"""The real app in this process, on a temporary SQLite file or a throwaway PostgreSQL schema."""

from __future__ import annotations

import tempfile
from contextlib import contextmanager
from pathlib import Path

from backend import create_app
from backend.config import TestConfig
from backend.extensions import db
from tests.databases import PG_URL, postgres_answers, postgres_schema

DATABASES = ("sqlite", "postgres")
COLUMN = {"sqlite": "SQLite", "postgres": "PostgreSQL"}


def app_for(url: str, folder: Path, connect_args: dict | None = None):
    """Build the real app on a database, its tables created."""
    config = TestConfig(url, folder)
    # As `make run` serves: the derived job runs on a thread after each push's commit, not in its answer.
    config.DERIVED_AFTER_PUSH = "thread"
    # The figures are the output: a log line per request (hundreds per part) would bury them.
    config.LOG_LEVEL = "WARNING"
    if connect_args:
        config.SQLALCHEMY_ENGINE_OPTIONS = {"connect_args": connect_args}
    app = create_app(config)
    with app.app_context():
        db.create_all()
    return app


@contextmanager
def sqlite_app():
    """Yield the app on a temporary SQLite file."""
    with tempfile.TemporaryDirectory() as folder:
        app = app_for(f"sqlite:///{Path(folder) / 'bench.db'}", Path(folder))
        try:
            yield app
        finally:
            _close(app)


@contextmanager
def postgres_app():
    """Yield the app on a fresh schema of the PostgreSQL server, dropped afterwards."""
    with tempfile.TemporaryDirectory() as folder, postgres_schema() as (url, connect_args):
        app = app_for(url, Path(folder), connect_args)
        try:
            yield app
        finally:
            _close(app)  # before the schema is dropped, even when a step failed


def _close(app) -> None:
    worker = app.extensions.get("derived_worker")
    if worker is not None:
        worker.wait_idle()
    with app.app_context():
        db.session.remove()
        db.engine.dispose()


def app_on(database: str):
    """Return the context manager of the app on "sqlite" or "postgres"."""
    return {"sqlite": sqlite_app, "postgres": postgres_app}[database]()


def available(databases: list[str]) -> list[str]:
    """Keep the databases that answer here; say which were skipped."""
    kept = []
    for database in databases:
        if database == "postgres" and not postgres_answers():
            print(f"PostgreSQL does not answer at {PG_URL}: skipped.")
            continue
        kept.append(database)
    return kept
