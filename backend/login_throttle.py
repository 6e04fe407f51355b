"""Login throttling a factory behind one NAT can live with: failures counted per (username, address)."""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import delete, func, select

from .extensions import db
from .models import LoginAttempt
from .models.types import utcnow

WINDOW = timedelta(minutes=15)


@dataclass(frozen=True)
class Limit:
    """At `failures` failed sign-ins within WINDOW sharing `keys`, further attempts wait."""

    keys: tuple[str, ...]
    failures: int


LIMITS = (
    # Five guesses at one person's password from one place; the right password waits too, so a
    # throttled answer never confirms a guess. The same person elsewhere is not locked out.
    Limit(("username", "address"), 5),
    # A whole factory signs in through one NAT at shift start (300 phones): 200 failures leave room
    # for two in three of them to mistype once, while one address still gets at most 200 guesses.
    Limit(("address",), 200),
)


def seconds_to_wait(username: str, address: str) -> int | None:
    """Return the seconds until this username may try from this address again; None when it may now."""
    now = utcnow()
    waits = [_wait(limit, {"username": username[:64], "address": address[:64]}, now) for limit in LIMITS]
    throttled = [wait for wait in waits if wait is not None]
    return max(throttled) if throttled else None


def _wait(limit: Limit, values: dict[str, str], now: datetime) -> int | None:
    where = [getattr(LoginAttempt, key) == values[key] for key in limit.keys]
    where.append(LoginAttempt.at > now - WINDOW)
    counted = db.session.scalar(select(func.count()).select_from(LoginAttempt).where(*where))
    if counted < limit.failures:
        return None
    # The throttle lifts once enough failures have left the window to bring the count below the limit:
    # with exactly `failures` counted, when the oldest one does.
    oldest_first = select(LoginAttempt.at).where(*where).order_by(LoginAttempt.at)
    freeing = db.session.scalar(oldest_first.offset(counted - limit.failures).limit(1))
    if freeing is None:  # forgotten meanwhile: the count is below the limit now
        return None
    return max(1, math.ceil((freeing + WINDOW - now).total_seconds()))


def record_failure(username: str, address: str) -> None:
    """Count a failed sign-in for its username and address; the caller commits."""
    db.session.add(LoginAttempt(username=username[:64], address=address[:64], at=utcnow()))


def forget_old_failures() -> None:
    """Drop failures older than the window (they no longer count); the caller commits."""
    db.session.execute(delete(LoginAttempt).where(LoginAttempt.at <= utcnow() - WINDOW))
