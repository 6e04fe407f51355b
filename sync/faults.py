"""Failures that are not the sender's fault: passing database trouble is retried, a handler's bug is stored.

A deadlock, a serialization failure, a lost connection or a busy SQLite say nothing about the commands:
the same request may succeed a moment later, so it is retried whole and then answered 503 with
Retry-After. Any other exception inside one command's handler is a bug: storing it as that command's
final outcome (`server_error`) lets the device's outbox move on instead of retrying that seq for ever.
"""

from __future__ import annotations

import logging
import random
import time
import uuid
from collections.abc import Callable
from typing import Any, TypeVar

from sqlalchemy import text
from sqlalchemy.exc import DBAPIError, OperationalError, SQLAlchemyError
from sqlalchemy.exc import TimeoutError as PoolTimeout
from sqlalchemy.orm import Session

from .types import Command, Text

log = logging.getLogger(__name__)
T = TypeVar("T")

ATTEMPTS = 3
BACKOFF_SECONDS = 0.05  # before the 2nd attempt; doubled before each later one, jittered ±50 %
RETRY_AFTER_SECONDS = 2

# SQLSTATE classes: 08 connection exception, 40 transaction rollback (40001 serialization, 40P01 deadlock).
TRANSIENT_SQLSTATE_CLASSES = ("08", "40")
# 55P03 lock not available, 57P01-03 server shutting down or starting, 53300 too many connections.
TRANSIENT_SQLSTATES = frozenset({"55P03", "57P01", "57P02", "57P03", "53300"})
# SQLite says it is busy only in words; its other OperationalErrors (no such table, …) are bugs.
SQLITE_BUSY = ("database is locked", "database table is locked", "database is busy")


def is_transient(error: BaseException) -> bool:
    """Tell whether a failure is passing database trouble that a retry of the whole request may cure."""
    for cause in _causes(error):
        if isinstance(cause, PoolTimeout):
            return True
        if isinstance(cause, DBAPIError) and cause.connection_invalidated:
            return True
        sqlstate = getattr(cause, "sqlstate", None)
        if isinstance(sqlstate, str) and (
            sqlstate[:2] in TRANSIENT_SQLSTATE_CLASSES or sqlstate in TRANSIENT_SQLSTATES
        ):
            return True
        if isinstance(cause, OperationalError):
            if type(cause.orig).__module__ != "sqlite3":
                # A server database's OperationalError is the connection or the server, never the query.
                return True
            return any(words in str(cause.orig) for words in SQLITE_BUSY)
    return False


def _causes(error: BaseException) -> list[BaseException]:
    """Return the error, the driver error it wraps, and the errors it was raised from."""
    found: list[BaseException] = []
    pending: list[BaseException | None] = [error]
    while pending:
        cause = pending.pop()
        if cause is None or any(cause is seen for seen in found):
            continue
        found.append(cause)
        pending.extend([getattr(cause, "orig", None), cause.__cause__, cause.__context__])
    return found


def retrying(attempt: Callable[[], T], sleep: Callable[[float], None] = time.sleep) -> T:
    """Run attempt, again after a short jittered pause while it fails transiently, at most ATTEMPTS times."""
    for number in range(1, ATTEMPTS + 1):
        try:
            return attempt()
        except Exception as error:
            if number == ATTEMPTS or not is_transient(error):
                raise
            log.warning("transient database error, attempt %d of %d: %s", number, ATTEMPTS, error)
            sleep(BACKOFF_SECONDS * 2 ** (number - 1) * random.uniform(0.5, 1.5))
    raise AssertionError("unreachable")  # the loop returns or raises


def server_error(session: Session, command: Command, error: Exception) -> dict[str, Any]:
    """Return the stored outcome of a command whose handler failed; re-raise what is not the command's."""
    if is_transient(error) or not _usable(session):
        raise error
    error_id = uuid.uuid4().hex[:12]
    log.error(
        "command %s (%s, seq %d) failed; error id %s",
        command.id,
        command.type,
        command.seq,
        error_id,
        exc_info=error,
    )
    message = Text(
        f"服务器处理这条记录时出错，已记录（错误编号 {error_id}），请联系管理员",
        f"The server failed on this command and logged it (error id {error_id}); contact the administrator",
    )
    return {"status": "rejected", "code": "server_error", "message": message.as_dict(), "fields": None}


def _usable(session: Session) -> bool:
    """Tell whether the push's transaction still takes statements once the command's savepoint is undone."""
    try:
        session.execute(text("SELECT 1"))
    except SQLAlchemyError:
        return False
    return True
