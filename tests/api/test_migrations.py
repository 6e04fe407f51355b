"""Migrations: `flask db upgrade` on an empty database builds exactly the models' schema."""

from __future__ import annotations

import os
import subprocess
import sys
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import quote

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import JSON, DateTime, bindparam, create_engine, inspect, select
from sqlalchemy import text as sa_text

from backend.extensions import db
from backend.models import DerivedMark
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


def on_database(database: str, tmp_path: Path, check) -> None:
    """Run check(url, connect_args) on a fresh SQLite file or PostgreSQL schema (URL sets search_path)."""
    if database == "sqlite":
        check(f"sqlite:///{tmp_path / 'migrated.db'}")
        return
    with postgres_schema() as (url, connect_args):
        schema = connect_args["options"].split("=", 1)[1]
        separator = "&" if "?" in url else "?"
        check(f"{url}{separator}options={quote('-csearch_path=' + schema)}", connect_args)


@contextmanager
def at_revision(url: str, tmp_path: Path, revision: str, connect_args: dict | None = None):
    """Yield an engine on the database migrated up to `revision` (to seed old rows); dispose of it after."""
    down = flask(url, tmp_path, "db", "upgrade", revision)
    assert down.returncode == 0, down.stderr
    engine = create_engine(url, connect_args=connect_args or {})
    try:
        yield engine
    finally:
        engine.dispose()


@pytest.mark.parametrize("database", ["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def test_0016_copies_each_stored_records_moment_into_its_column(tmp_path, database):
    """Records stored before 0016 get their moment column, or the last drill would be forgotten."""
    drill = {"id": "d1", "type": "fire", "status": "ended", "ended_at": "2026-11-01T02:00:00.000Z"}
    hazard = {"id": "h1", "severity": "major", "status": "reported", "captured_at": "2026-11-01T02:00:00Z"}

    def check(url: str, connect_args: dict | None = None) -> None:
        with at_revision(url, tmp_path, "0015", connect_args) as engine:
            with engine.begin() as connection:
                for entity, data in (("drill", drill), ("hazard", hazard)):
                    connection.execute(
                        tables.entities.insert().values(
                            entity=entity,
                            id=data["id"],
                            scope="ent:x",
                            version=1,
                            deleted=False,
                            data=data,
                            status=data["status"],
                            updated_at=datetime(2026, 11, 1, tzinfo=UTC),
                        )
                    )
            up = flask(url, tmp_path, "db", "upgrade")
            assert up.returncode == 0, up.stderr
            with engine.connect() as connection:
                found = dict(connection.exec_driver_sql("SELECT id, moment FROM sync_entities").all())
            assert found == {"d1": drill["ended_at"], "h1": None}

    on_database(database, tmp_path, check)


@pytest.mark.parametrize("database", ["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def test_0017_keeps_the_marks_pending_when_it_reshapes_them(tmp_path, database):
    """A mark pending at the upgrade is a derived state still to recompute: 0017 must not drop it."""
    marked = datetime(2026, 11, 1, 2, 0, tzinfo=UTC)
    at = marked.isoformat()

    def check(url: str, connect_args: dict | None = None) -> None:
        with at_revision(url, tmp_path, "0016", connect_args) as engine:
            with engine.begin() as connection:
                connection.exec_driver_sql(
                    "INSERT INTO derived_marks (enterprise_id, module, generation, marked_at) "
                    f"VALUES ('e1', 'due', 3, '{at}'), ('e1', 'badge', 1, '{at}')"
                )
            up = flask(url, tmp_path, "db", "upgrade")
            assert up.returncode == 0, up.stderr
            with engine.connect() as connection:
                found = connection.execute(
                    select(DerivedMark.enterprise_id, DerivedMark.module, DerivedMark.marked_at).order_by(
                        DerivedMark.module
                    )
                ).all()
            assert [tuple(row) for row in found] == [("e1", "badge", marked), ("e1", "due", marked)]

    on_database(database, tmp_path, check)


@pytest.mark.parametrize("database", ["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def test_0018_places_each_enterprise_in_an_industry_and_republishes_it(tmp_path, database):
    """nonferrous: flag to industry; metal smelting: metallurgy; any other waits for the bureau."""
    profiles = {
        "e1": ["confined_space", "gas", "metal_smelting"],
        "e2": ["dust_explosion", "nonferrous"],
        "e3": ["dust_explosion"],
    }
    usccs = {"e1": "91350100M000100Y43", "e2": "91512081MA62K0260E", "e3": "91110000100000000R"}
    registered = datetime(2026, 1, 1, tzinfo=UTC)

    def check(url: str, connect_args: dict | None = None) -> None:
        with at_revision(url, tmp_path, "0017", connect_args) as engine:
            with engine.begin() as connection:
                counter = tables.counter
                connection.execute(counter.update().where(counter.c.id == 1).values(position=10))
                for position, (key, flags) in enumerate(profiles.items(), start=1):
                    connection.execute(
                        sa_text(
                            "INSERT INTO enterprises (id, uscc, name, flags, address, created_at, history) "
                            "VALUES (:id, :uscc, '甲', :flags, '', :at, '[]')"
                        ).bindparams(
                            bindparam("flags", type_=JSON), bindparam("at", type_=DateTime(timezone=True))
                        ),
                        {"id": key, "uscc": usccs[key], "flags": flags, "at": registered},
                    )
                    connection.execute(
                        tables.entities.insert().values(
                            entity="enterprise",
                            id=key,
                            scope=f"ent:{key}",
                            version=2,
                            deleted=False,
                            data={"id": key, "name": "甲", "flags": flags},
                            position=position,
                            updated_at=registered,
                        )
                    )
            up = flask(url, tmp_path, "db", "upgrade", "0018")
            assert up.returncode == 0, up.stderr
            with engine.connect() as connection:
                stored = dict(connection.execute(sa_text("SELECT id, industry FROM enterprises")).all())
                e = tables.entities.c
                documents = {
                    row.id: row
                    for row in connection.execute(select(e.id, e.data, e.version, e.position)).all()
                }
                marks = connection.execute(
                    select(DerivedMark.enterprise_id, DerivedMark.module).order_by(
                        DerivedMark.enterprise_id, DerivedMark.module
                    )
                ).all()
                top = connection.execute(select(tables.counter.c.position)).scalar_one()
            assert stored == {"e1": "metallurgy", "e2": "nonferrous", "e3": None}
            assert {key: (d.data["industry"], d.data["flags"]) for key, d in documents.items()} == {
                # Confined spaces keep Art.13 until the bureau says there is no poisoning risk.
                "e1": ("metallurgy", ["confined_space", "confined_space_toxic", "gas", "metal_smelting"]),
                "e2": ("nonferrous", ["dust_explosion"]),
                "e3": (None, ["dust_explosion"]),
            }
            # A fresh position each, above the old top, and a new version: every phone pulls the change.
            assert sorted(d.position for d in documents.values()) == [11, 12, 13] and top == 13
            assert {d.version for d in documents.values()} == {3}
            assert [tuple(m) for m in marks] == [
                (key, module) for key in ("e1", "e2", "e3") for module in ("checklist", "due")
            ]

    on_database(database, tmp_path, check)


@pytest.mark.parametrize("database", ["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def test_0019_places_everything_in_jiaocheng_and_moves_the_bureau_scopes(tmp_path, database):
    """Enterprises and bureaus from before jurisdictions lie in 141122 交城县; synced scopes follow; downgrade
    puts the old scopes back."""
    registered = datetime(2026, 1, 1, tzinfo=UTC)
    rows = [
        ("enterprise", "e1", "ent:e1", {"id": "e1", "name": "甲"}),
        ("notice", "n1", "bureau", {"id": "n1", "title": "t"}),
        ("notice_receipt", "r1", "ent:e1", {"id": "r1", "notice_id": "n1", "enterprise_id": "e1"}),
        ("user", "b1", "bureau", {"id": "b1", "role": "bureau"}),
        ("user", "w1", "ent:e1", {"id": "w1", "role": "worker"}),
    ]

    def check(url: str, connect_args: dict | None = None) -> None:
        with at_revision(url, tmp_path, "0018", connect_args) as engine:
            with engine.begin() as connection:
                counter = tables.counter
                connection.execute(counter.update().where(counter.c.id == 1).values(position=10))
                connection.execute(
                    sa_text(
                        "INSERT INTO enterprises (id, uscc, name, flags, address, created_at, history) "
                        "VALUES ('e1', '91350100M000100Y43', '甲', '[]', '', :at, '[]')"
                    ).bindparams(bindparam("at", type_=DateTime(timezone=True))),
                    {"at": registered},
                )
                for username, role, enterprise in (("b", "bureau", None), ("w", "worker", "e1")):
                    connection.execute(
                        sa_text(
                            "INSERT INTO users (id, username, display_name, role, enterprise_id, "
                            "employment_type, password_hash, active, created_at, history) VALUES "
                            "(:id, :name, :name, :role, :enterprise, 'own', 'x', true, :at, '[]')"
                        ).bindparams(bindparam("at", type_=DateTime(timezone=True))),
                        {
                            "id": f"{username}1",
                            "name": username,
                            "role": role,
                            "enterprise": enterprise,
                            "at": registered,
                        },
                    )
                connection.execute(
                    sa_text(
                        "INSERT INTO office_channels (id, enterprise_id, kind, name, url, active) VALUES "
                        "('o1', NULL, 'wecom', '', 'https://x', true), "
                        "('o2', 'e1', 'wecom', '', 'https://y', true)"
                    )
                )
                for position, (entity, key, scope, data) in enumerate(rows, start=1):
                    connection.execute(
                        tables.entities.insert().values(
                            entity=entity,
                            id=key,
                            scope=scope,
                            version=1,
                            deleted=False,
                            data=data,
                            position=position,
                            updated_at=registered,
                        )
                    )
            up = flask(url, tmp_path, "db", "upgrade")
            assert up.returncode == 0, up.stderr
            e = tables.entities.c
            with engine.connect() as connection:
                regions = dict(connection.execute(sa_text("SELECT id, region_code FROM enterprises")).all())
                bureaus = dict(connection.execute(sa_text("SELECT id, region_code FROM users")).all())
                offices = dict(
                    connection.execute(sa_text("SELECT id, region_code FROM office_channels")).all()
                )
                scopes = dict(connection.execute(select(e.id, e.scope)).all())
                enterprise = connection.execute(select(e.data, e.position).where(e.id == "e1")).one()
                marks = connection.execute(select(DerivedMark.enterprise_id, DerivedMark.module)).all()
            assert regions == {"e1": "141122"}
            assert bureaus == {"b1": "141122", "w1": None}
            assert offices == {"o1": "141122", "o2": None}
            assert scopes == {
                "e1": "ent:e1",
                "n1": "region:141122",
                "r1": "region:141122",
                "b1": "user:b1",
                "w1": "ent:e1",
            }
            # The enterprise document says its county, at a fresh position: every phone pulls it.
            assert enterprise.data["region_code"] == "141122" and enterprise.position == 11
            assert [tuple(m) for m in marks] == [("e1", "enterprise_summary")]
            back = flask(url, tmp_path, "db", "downgrade", "0018")
            assert back.returncode == 0, back.stderr
            with engine.connect() as connection:
                scopes = dict(connection.execute(select(e.id, e.scope)).all())
                columns = {c["name"] for c in inspect(connection).get_columns("enterprises")}
            assert scopes == {"e1": "ent:e1", "n1": "bureau", "r1": "ent:e1", "b1": "bureau", "w1": "ent:e1"}
            assert "region_code" not in columns

    on_database(database, tmp_path, check)
