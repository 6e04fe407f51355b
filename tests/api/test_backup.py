"""flask backup create / restore on real PostgreSQL, photos on local disk or the S3 server: the same pulls
and photo bytes after a restore into an empty database and store; anything not empty is refused."""

from __future__ import annotations

import logging
import shutil
import warnings
from contextlib import contextmanager
from pathlib import Path

import pytest
from flask_migrate import upgrade
from sqlalchemy import create_engine, text

from backend import config, create_app, demo
from backend.extensions import db

from ..api_client import Device
from ..databases import PG_URL, postgres_schema_url
from ..s3_server import s3_settings

VIEWERS = ("officer-a", "worker-b1", "bureau")


@pytest.fixture(params=["local", "s3"])
def store_settings(request) -> dict:
    """Where the deployment keeps its photos: local disk, or a fresh bucket of the S3 test server."""
    return {} if request.param == "local" else s3_settings(request.getfixturevalue("s3_bucket"))


BUILT: list = []


@pytest.fixture(autouse=True)
def _close_apps():
    """Close every app's connections after its test (before the schema goes)."""
    yield
    while BUILT:
        with BUILT.pop().app_context():
            db.session.remove()
            db.engine.dispose()


def build_app(url: str, folder: Path, settings: dict, migrate: bool = False):
    """An app on url whose photos are under folder/blobs or in the settings' bucket."""
    folder.mkdir(parents=True, exist_ok=True)
    settled = config.TestConfig(url, folder)
    for name, value in settings.items():
        setattr(settled, name, value)
    app = create_app(settled)
    BUILT.append(app)
    if migrate:
        # migrations/env.py calls Flask-SQLAlchemy's deprecated get_engine (as `flask db upgrade` does).
        with app.app_context(), warnings.catch_warnings(), logging_kept():
            warnings.simplefilter("ignore", DeprecationWarning)
            upgrade()
    return app


@contextmanager
def logging_kept():
    """Undo alembic.ini's logging setup (it disables every logger existing then, backend.requests too)."""
    root = logging.getLogger()
    handlers, level = list(root.handlers), root.level
    disabled = {
        name: logger.disabled
        for name, logger in logging.Logger.manager.loggerDict.items()
        if isinstance(logger, logging.Logger)
    }
    try:
        yield
    finally:
        root.handlers[:], root.level = handlers, level
        for name, was in disabled.items():
            logging.getLogger(name).disabled = was


def empty_store(app) -> None:
    """Lose every photo: the folder removed, or every object of the bucket deleted."""
    store = app.extensions["blob_store"]
    if not hasattr(store, "bucket"):
        shutil.rmtree(store.root)
        return
    for page in store.client.get_paginator("list_objects_v2").paginate(Bucket=store.bucket):
        keys = [{"Key": item["Key"]} for item in page.get("Contents", [])]
        if keys:
            store.client.delete_objects(Bucket=store.bucket, Delete={"Objects": keys, "Quiet": True})


def cli(app, *args):
    return app.test_cli_runner().invoke(args=["backup", *args])


def what_each_viewer_sees(app) -> dict:
    """Each viewer's full pull (changes by entity and id) and the bytes of every photo they can fetch."""
    client, seen = app.test_client(), {}
    for username in VIEWERS:
        device = Device(client, username)
        changes = device.pull_all()
        photos = sorted(
            {sha for change in changes.values() for sha in (change.get("data") or {}).get("photos", []) or []}
        )
        fetched = {}
        for sha in photos:
            for suffix in ("", "?variant=thumb"):
                answer = client.get(f"/api/v1/blobs/{sha}{suffix}", headers=device.headers)
                assert answer.status_code == 200, answer.get_json()
                fetched[sha + suffix] = answer.get_data()
        seen[username] = (changes, fetched)
    return seen


def schema_tables(url: str) -> int:
    engine = create_engine(url)
    with engine.connect() as connection:
        count = connection.execute(
            text("select count(*) from information_schema.tables where table_schema = current_schema()")
        ).scalar()
    engine.dispose()
    return count or 0


def drop_schema(app, recreate: bool = False) -> str:
    """Drop the app's schema with everything in it (and create it again, empty, when asked)."""
    with app.app_context():
        schema = db.session.execute(text("select current_schema()")).scalar()
        db.session.remove()
        db.engine.dispose()
    admin = create_engine(PG_URL)
    with admin.begin() as connection:
        connection.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        if recreate:
            connection.execute(text(f'CREATE SCHEMA "{schema}"'))
    admin.dispose()
    return schema


def recreate_for_cleanup(schema: str) -> None:
    admin = create_engine(PG_URL)
    with admin.begin() as connection:
        connection.execute(text(f'CREATE SCHEMA IF NOT EXISTS "{schema}"'))
    admin.dispose()


def test_backup_then_restore_into_an_empty_database_and_store_serves_the_same(tmp_path, store_settings):
    with postgres_schema_url() as url:
        source = build_app(url, tmp_path / "source", store_settings, migrate=True)
        with source.app_context():
            assert "seeded" in demo.seed()
        before = what_each_viewer_sees(source)
        assert sum(len(fetched) for _, fetched in before.values()) >= 4  # photos and thumbnails seen

        made = cli(source, "create", str(tmp_path / "backup"))
        assert made.exit_code == 0, made.output
        assert "photos" in made.output and "thumbnails" in made.output
        assert (tmp_path / "backup" / "manifest.json").is_file()
        assert cli(source, "verify", str(tmp_path / "backup")).exit_code == 0

        # The disaster: the schema and every photo gone.
        schema = drop_schema(source)
        empty_store(source)
        assert schema_tables(url) == 0

        restored = build_app(url, tmp_path / "restored", store_settings)
        done = cli(restored, "restore", str(tmp_path / "backup"))
        assert done.exit_code == 0, done.output
        after = what_each_viewer_sees(restored)
        for username in VIEWERS:
            assert after[username][0] == before[username][0], username  # the same pull, change for change
            assert after[username][1] == before[username][1], username  # the same photo bytes

        # A second restore over the restored deployment is refused and changes nothing.
        tables = schema_tables(url)
        again = cli(restored, "restore", str(tmp_path / "backup"))
        assert again.exit_code != 0 and "恢复目标数据库不是空的" in again.output
        assert "Restore only into an empty database" in again.output
        assert schema_tables(url) == tables
        recreate_for_cleanup(schema)


def test_a_store_holding_photos_is_refused_before_the_database_is_touched(tmp_path, store_settings):
    with postgres_schema_url() as url:
        source = build_app(url, tmp_path / "source", store_settings, migrate=True)
        with source.app_context():
            demo.seed()
        assert cli(source, "create", str(tmp_path / "backup")).exit_code == 0
        drop_schema(source, recreate=True)  # like a new database's empty `public`
        target = build_app(url, tmp_path / "source", store_settings)
        refused = cli(target, "restore", str(tmp_path / "backup"))
        assert refused.exit_code != 0 and "照片存储不是空的" in refused.output
        assert schema_tables(url) == 0  # nothing restored
        empty_store(target)
        done = cli(target, "restore", str(tmp_path / "backup"))  # into the existing, empty schema
        assert done.exit_code == 0, done.output
        assert schema_tables(url) > 20


def test_a_damaged_backup_is_refused_naming_the_file(tmp_path):
    with postgres_schema_url() as url:
        source = build_app(url, tmp_path / "source", {}, migrate=True)
        with source.app_context():
            demo.seed()
        assert cli(source, "create", str(tmp_path / "backup")).exit_code == 0
        photo = next(
            p for p in (tmp_path / "backup" / "blobs").rglob("*") if p.is_file() and "." not in p.name
        )
        photo.write_bytes(photo.read_bytes()[:-1] + b"\x00")
        checked = cli(source, "verify", str(tmp_path / "backup"))
        assert checked.exit_code != 0 and photo.name in checked.output and "已损坏" in checked.output
        busy = cli(source, "create", str(tmp_path / "backup"))
        assert busy.exit_code != 0 and "不是空的" in busy.output  # never written over


def test_sqlite_is_refused_with_the_way_to_back_it_up(app, tmp_path):
    refused = cli(app, "create", str(tmp_path / "backup"))
    assert refused.exit_code != 0 and "copy instance/" in refused.output
