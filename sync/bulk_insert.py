"""Many rows into one table in one statement; on SQLite straight to the driver's executemany.

SQLAlchemy's executemany builds each row's parameters in Python (a fifth of a 500-command push on
SQLite). Here each value goes through its column's bind processor (JSON text, SQLite's datetime text)
and nothing else; a value repeated from the row before (the push's receive time) is processed once.
"""

from __future__ import annotations

import functools
from typing import Any

from sqlalchemy import Table, insert
from sqlalchemy.orm import Session


def insert_rows(session: Session, table: Table, rows: list[dict[str, Any]]) -> None:
    """Insert rows that all have the same keys, inside the session's transaction."""
    if not rows:
        return
    connection = session.connection()
    dialect = connection.dialect
    if dialect.name != "sqlite":
        # PostgreSQL: SQLAlchemy sends them as multi-row VALUES (insertmanyvalues), already batched.
        session.execute(insert(table), rows)
        return
    names = tuple(rows[0])
    compiled = _compiled(table, names, dialect)
    if compiled is None:
        session.execute(insert(table), rows)
        return
    sql, processors, defaults = compiled
    values = [[*(row[name] for name in names), *defaults] for row in rows]
    for index, process in enumerate(processors):
        if process is None:
            continue
        last, done = object(), None
        for row in values:
            value = row[index]
            if value is not last:
                last, done = value, process(value)
            row[index] = done
    connection.exec_driver_sql(sql, [tuple(row) for row in values])


@functools.cache
def _compiled(table: Table, names: tuple[str, ...], dialect) -> tuple[str, list, list] | None:
    """Build once per table, columns and dialect: the INSERT text, each column's bind processor, and the
    constant defaults of columns the rows leave out; None when one left out has a computed default."""
    missing = [column for column in table.c if column.name not in names and column.default is not None]
    if any(not column.default.is_scalar for column in missing):
        return None
    columns = [*names, *(column.name for column in missing)]
    quote = dialect.identifier_preparer.quote
    sql = (
        f"INSERT INTO {quote(table.name)} ({', '.join(quote(name) for name in columns)})"
        f" VALUES ({', '.join('?' for _ in columns)})"
    )
    processors = [table.c[name].type.dialect_impl(dialect).bind_processor(dialect) for name in columns]
    return sql, processors, [column.default.arg for column in missing]
