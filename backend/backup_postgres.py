"""pg_dump and pg_restore of the app's schema, connected as the app is (DATABASE_URL), one snapshot."""

from __future__ import annotations

import os
import re
import subprocess
import tempfile
from collections.abc import Callable
from pathlib import Path

from sqlalchemy import Engine, text

# libpq reads these from the environment: the password never shows in a process listing.
QUERY_TO_LIBPQ = {
    "host": "PGHOST",
    "port": "PGPORT",
    "sslmode": "PGSSLMODE",
    "sslrootcert": "PGSSLROOTCERT",
    "sslcert": "PGSSLCERT",
    "sslkey": "PGSSLKEY",
    "options": "PGOPTIONS",
    "connect_timeout": "PGCONNECT_TIMEOUT",
}


class BackupError(Exception):
    """A backup or restore refused or failed, with a message for the operator."""


def libpq_env(engine: Engine, connect_args: dict) -> dict[str, str]:
    """Return the environment that points pg_dump and pg_restore at the app's database."""
    url = engine.url
    env = {**os.environ}
    for name, value in (
        ("PGHOST", url.host),
        ("PGPORT", url.port),
        ("PGUSER", url.username),
        ("PGPASSWORD", url.password),
        ("PGDATABASE", url.database),
    ):
        if value is not None:
            env[name] = str(value)
    query = {key: value if isinstance(value, str) else value[-1] for key, value in url.query.items()}
    if "options" in connect_args and "options" not in query:
        query["options"] = connect_args["options"]
    for key, name in QUERY_TO_LIBPQ.items():
        if key in query:
            env[name] = str(query[key])
    return env


def run(command: list[str], env: dict[str, str]) -> str:
    """Run a PostgreSQL client tool; raise BackupError with its own words when it fails."""
    try:
        done = subprocess.run(command, env=env, capture_output=True, text=True, check=False)
    except FileNotFoundError:
        raise BackupError(
            f"{command[0]} not found: install postgresql-client of the server's version"
        ) from None
    if done.returncode != 0:
        raise BackupError(f"{command[0]} failed: {done.stderr.strip() or done.stdout.strip()}")
    return done.stdout


def app_schema(connection) -> str:
    """Return the schema the app's tables live in: the first of its search_path, existing or not."""
    current = connection.execute(text("select current_schema()")).scalar()
    if current:
        return current
    path = connection.execute(text("show search_path")).scalar() or ""
    names = [name.strip().strip('"') for name in path.split(",") if name.strip() and "$user" not in name]
    if not names:
        raise BackupError("the connection's search_path names no schema")
    return names[0]


def tables_of(connection, schema: str) -> list[str]:
    """Return the base tables of a schema, by name."""
    query = text(
        "select table_name from information_schema.tables "
        "where table_schema = :schema and table_type = 'BASE TABLE' order by table_name"
    )
    return list(connection.execute(query, {"schema": schema}).scalars())


def count_rows(connection, schema: str, tables: list[str]) -> dict[str, int]:
    """Count every table's rows (in the caller's snapshot)."""
    return {
        table: connection.execute(text(f'select count(*) from "{schema}"."{table}"')).scalar()
        for table in tables
    }


def dump(engine: Engine, env: dict[str, str], target: Path, read_more: Callable) -> dict:
    """pg_dump the app's schema to target in one snapshot; count its rows and call read_more in it too.

    The counts, whatever read_more reads (the blob list) and the dump all see the same committed state,
    so a backup taken while phones push is still one consistent moment.
    """
    with engine.connect().execution_options(isolation_level="REPEATABLE READ") as connection:
        with connection.begin():
            snapshot = connection.execute(text("select pg_export_snapshot()")).scalar()
            schema = app_schema(connection)
            tables = tables_of(connection, schema)
            if not tables:
                raise BackupError(f"schema {schema!r} holds no tables: nothing to back up")
            counts = count_rows(connection, schema, tables)
            extra = read_more(connection)
            run(["pg_dump", "-Fc", "-n", schema, f"--snapshot={snapshot}", "-f", str(target)], env)
    return {"schema": schema, "tables": counts, **extra}


def refuse_unless_empty(engine: Engine, schema: str) -> bool:
    """Refuse a target schema holding any table; tell whether the (empty) schema exists already."""
    with engine.connect() as connection:
        target = app_schema(connection)
        if target != schema:
            raise BackupError(
                f"恢复目标的模式 {target!r} 与备份的 {schema!r} 不同 (the target "
                f"schema is {target!r}, the backup's is {schema!r}: point DATABASE_URL at the same name)"
            )
        tables = tables_of(connection, schema)
        if tables:
            raise BackupError(
                f"恢复目标数据库不是空的：模式 {schema!r} 已有 {len(tables)} 张表"
                f"（{', '.join(tables[:5])}…），只能恢复到空数据库。 "
                f"(The target database is not empty: schema {schema!r} holds "
                f"{len(tables)} tables. Restore only into an empty database.)"
            )
        exists = "select 1 from information_schema.schemata where schema_name = :schema"
        return connection.execute(text(exists), {"schema": schema}).first() is not None


def restore(env: dict[str, str], source: Path, schema: str, schema_exists: bool) -> None:
    """pg_restore a dump into the target database (its schema created unless it exists, empty)."""
    listing = run(["pg_restore", "-l", str(source)], env)
    if schema_exists:
        # The dump creates its schema; an existing empty one (public in a new database) is used as it is.
        entry = re.compile(rf"^\d+; \d+ \d+ SCHEMA - {re.escape(schema)} ")
        listing = "\n".join(line for line in listing.splitlines() if not entry.match(line))
    database = env.get("PGDATABASE") or env.get("PGUSER") or "postgres"
    with tempfile.NamedTemporaryFile("w", suffix=".list") as chosen:
        chosen.write(listing)
        chosen.flush()
        command = ["pg_restore", "--no-owner", "--no-acl", "--exit-on-error", "-L", chosen.name]
        run([*command, "-d", database, str(source)], env)
