"""Test databases: a SQLite file, or a throwaway schema on the real PostgreSQL server."""

from __future__ import annotations

import os
import uuid
from contextlib import contextmanager
from urllib.parse import quote

import pytest
from sqlalchemy import create_engine, text

PG_URL = os.environ.get("TEST_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test")
IN_CI = os.environ.get("CI", "").lower() == "true"
_pg_answers: bool | None = None


def postgres_answers() -> bool:
    """Tell whether the PostgreSQL server answers (asked once per run)."""
    global _pg_answers
    if _pg_answers is None:
        try:
            engine = create_engine(PG_URL, connect_args={"connect_timeout": 3})
            with engine.connect() as connection:
                connection.execute(text("select 1"))
            engine.dispose()
            _pg_answers = True
        except Exception:
            _pg_answers = False
    return _pg_answers


def require_postgres() -> None:
    """Skip when no PostgreSQL answers, except in CI, where that is a failure."""
    if postgres_answers():
        return
    if IN_CI:
        pytest.fail(f"PostgreSQL must answer at {PG_URL} in CI")
    pytest.skip("no PostgreSQL server answers here")


@contextmanager
def postgres_schema():
    """Yield a URL whose connections use a fresh schema; drop it afterwards."""
    require_postgres()
    schema = "t_" + uuid.uuid4().hex[:12]
    admin = create_engine(PG_URL)
    with admin.begin() as connection:
        connection.execute(text(f'CREATE SCHEMA "{schema}"'))
    try:
        yield PG_URL, {"options": f"-csearch_path={schema}"}
    finally:
        with admin.begin() as connection:
            connection.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()


@contextmanager
def postgres_schema_url():
    """Yield one URL that carries a fresh schema in its options, for servers started in another process."""
    with postgres_schema() as (url, connect_args):
        yield f"{url}{'&' if '?' in url else '?'}options={quote(connect_args['options'])}"
