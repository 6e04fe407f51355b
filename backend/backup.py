"""Backup and restore of a deployment: its PostgreSQL schema (pg_dump) and every photo, with a manifest.

A backup is a folder: database.dump (pg_dump -Fc), blobs/ab/cd/<sha>[.thumb], and manifest.json (written
last: a folder without it is an unfinished backup) holding row counts, blob counts and every file's sha256.
A restore checks every file against the manifest, refuses a target database or store that holds anything,
loads both, then checks the row counts and blobs it loaded against the manifest.
"""

from __future__ import annotations

import hashlib
import json
from datetime import UTC, datetime
from pathlib import Path

from flask import Flask
from sqlalchemy import select

from sync import tables

from . import backup_blobs, backup_postgres
from .backup_postgres import BackupError
from .extensions import db

FORMAT = 1
MANIFEST = "manifest.json"
DUMP = "database.dump"


def create(app: Flask, folder: Path) -> str:
    """Back the deployment up into a new (or empty) folder; return a one-line summary."""
    folder = Path(folder)
    if folder.exists() and any(folder.iterdir()):
        raise BackupError(f"备份目录 {folder} 不是空的 (the backup folder {folder} is not empty)")
    folder.mkdir(parents=True, exist_ok=True)
    engine, store = _engine(app), app.extensions["blob_store"]
    env = backup_postgres.libpq_env(engine, _connect_args(app))

    def blob_list(connection) -> dict:
        shas = connection.execute(select(tables.blobs.c.sha256).order_by(tables.blobs.c.sha256)).scalars()
        return {"shas": list(shas)}

    database = backup_postgres.dump(engine, env, folder / DUMP, blob_list)
    blobs = backup_blobs.copy_out(store, database.pop("shas"), folder)
    manifest = {
        "format": FORMAT,
        "created_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "database": {**database, "file": DUMP, "sha256": file_sha256(folder / DUMP)},
        "blobs": blobs,
    }
    (folder / MANIFEST).write_text(json.dumps(manifest, indent=1, sort_keys=True))
    return summary("backed up", manifest)


def verify(folder: Path) -> dict:
    """Check every file of a backup against its manifest; return the manifest."""
    folder = Path(folder)
    try:
        manifest = json.loads((folder / MANIFEST).read_text())
    except FileNotFoundError:
        raise BackupError(
            f"{folder / MANIFEST} 不存在：备份未完成或目录不对 (no manifest: not a finished backup)"
        ) from None
    if manifest.get("format") != FORMAT:
        raise BackupError(f"unknown backup format {manifest.get('format')!r} (this version reads {FORMAT})")
    expected = {manifest["database"]["file"]: manifest["database"]["sha256"], **manifest["blobs"]["files"]}
    for relative, digest in expected.items():
        path = folder / relative
        if not path.is_file():
            raise BackupError(f"备份缺少文件 {relative} (the backup lacks {relative})")
        if file_sha256(path) != digest:
            raise BackupError(
                f"备份文件 {relative} 已损坏：校验值不符 ({relative} does not match its sha256)"
            )
    return manifest


def restore(app: Flask, folder: Path) -> str:
    """Restore a verified backup into an empty database and an empty blob store; return a summary."""
    folder = Path(folder)
    manifest = verify(folder)
    engine, store = _engine(app), app.extensions["blob_store"]
    schema = manifest["database"]["schema"]
    schema_exists = backup_postgres.refuse_unless_empty(engine, schema)
    if not backup_blobs.store_is_empty(store):
        raise BackupError(
            "恢复目标的照片存储不是空的：只能恢复到空的存储桶或目录 "
            "(the target blob store is not empty: restore only into an empty bucket or folder)"
        )
    env = backup_postgres.libpq_env(engine, _connect_args(app))
    backup_postgres.restore(env, folder / manifest["database"]["file"], schema, schema_exists)
    backup_blobs.copy_in(store, folder, manifest["blobs"]["files"])
    _check_restored(engine, store, manifest)
    return summary("restored", manifest)


def _check_restored(engine, store, manifest: dict) -> None:
    """Compare what was loaded with the manifest: every table's rows, every blob present."""
    schema = manifest["database"]["schema"]
    with engine.connect() as connection:
        counts = backup_postgres.count_rows(connection, schema, list(manifest["database"]["tables"]))
    if counts != manifest["database"]["tables"]:
        wrong = {
            t: (n, counts.get(t)) for t, n in manifest["database"]["tables"].items() if counts.get(t) != n
        }
        raise BackupError(f"restored row counts differ from the manifest (expected, found): {wrong}")
    missing = [
        name for name in manifest["blobs"]["files"] if "." not in name and not store.has(Path(name).name)
    ]
    if missing:
        raise BackupError(
            f"{len(missing)} photos missing from the store after the restore, e.g. {missing[0]}"
        )


def summary(done: str, manifest: dict) -> str:
    """Say what a backup holds in one line."""
    database, blobs = manifest["database"], manifest["blobs"]
    rows = sum(database["tables"].values())
    return (
        f"{done}: schema {database['schema']} ({len(database['tables'])} tables, {rows} rows), "
        f"{blobs['count']} photos ({blobs['bytes'] / 1024 / 1024:.1f} MiB) and {blobs['variants']} thumbnails"
    )


def file_sha256(path: Path) -> str:
    """Hash a file a megabyte at a time."""
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        while chunk := handle.read(1024 * 1024):
            digest.update(chunk)
    return digest.hexdigest()


def _engine(app: Flask):
    with app.app_context():
        engine = db.engine
    if engine.dialect.name != "postgresql":
        raise BackupError(
            "flask backup 需要 PostgreSQL；嵌入式 SQLite 默认请停止服务后复制 instance/ 目录 "
            "(backup needs PostgreSQL; for the embedded SQLite default, stop the server and copy instance/)"
        )
    return engine


def _connect_args(app: Flask) -> dict:
    return app.config.get("SQLALCHEMY_ENGINE_OPTIONS", {}).get("connect_args", {})
