"""Migrations: `flask db upgrade` on an empty database builds exactly the models' schema."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path
from urllib.parse import quote

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import create_engine, inspect, select

from backend.extensions import db
from sync import tables

from ..databases import postgres_schema

ROOT = Path(__file__).resolve().parents[2]
FLASK = str(Path(sys.executable).parent / "flask")


def flask(database_url: str, folder: Path, *args: str) -> subprocess.CompletedProcess:
    env = {
        **os.environ,
        "DATABASE_URL": database_url,
        "INSTANCE_PATH": str(folder / "instance"),
        "FLASK_APP": "wsgi",
        "DEMO_DATA": "0",
    }
    return subprocess.run([FLASK, *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120)


def upgraded(database_url: str, folder: Path, connect_args: dict | None = None):
    """Run `flask db upgrade` and `flask db check`; return an engine on the migrated database."""
    upgrade = flask(database_url, folder, "db", "upgrade")
    assert upgrade.returncode == 0, upgrade.stderr
    check = flask(database_url, folder, "db", "check")
    assert check.returncode == 0, check.stdout + check.stderr
    return create_engine(database_url, connect_args=connect_args or {})


def differences(engine) -> list:
    with engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        return compare_metadata(context, db.metadata)


def assert_matches_models(engine) -> None:
    assert differences(engine) == []
    names = set(inspect(engine).get_table_names())
    assert set(db.metadata.tables) <= names
    assert names - set(db.metadata.tables) == {"alembic_version"}
    with engine.connect() as connection:
        counter = connection.execute(select(tables.counter)).all()
    assert [(row.id, row.position, row.horizon) for row in counter] == [(1, 0, 0)]


def test_upgrade_on_empty_sqlite_builds_the_models_schema(tmp_path):
    engine = upgraded(f"sqlite:///{tmp_path / 'migrated.db'}", tmp_path)
    try:
        assert_matches_models(engine)
    finally:
        engine.dispose()


def test_upgrade_twice_is_a_no_op(tmp_path):
    url = f"sqlite:///{tmp_path / 'migrated.db'}"
    upgraded(url, tmp_path).dispose()
    again = flask(url, tmp_path, "db", "upgrade")
    assert again.returncode == 0, again.stderr
    current = flask(url, tmp_path, "db", "current")
    assert "(head)" in current.stdout


@pytest.mark.postgres
def test_upgrade_on_fresh_postgresql_schema_builds_the_models_schema(tmp_path):
    with postgres_schema() as (url, connect_args):
        schema = connect_args["options"].split("=", 1)[1]
        separator = "&" if "?" in url else "?"
        schema_url = f"{url}{separator}options={quote('-csearch_path=' + schema)}"
        engine = upgraded(schema_url, tmp_path)
        try:
            with engine.connect() as connection:
                assert connection.exec_driver_sql("show search_path").scalar() == schema
            assert set(inspect(engine).get_table_names(schema=schema)) >= set(db.metadata.tables)
            assert_matches_models(engine)
        finally:
            engine.dispose()
