"""Pull: every change the reader may see since an opaque cursor, latest state only, in position order."""

from __future__ import annotations

import base64
import hashlib
import json
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from . import positions, tables
from .types import Actor, SyncError, Text

DEFAULT_LIMIT = 500
MAX_LIMIT = 1000
RESET = Text("需要重新同步全部数据", "Start again without a cursor")


def scope_fingerprint(actor: Actor, scopes: set[str]) -> str:
    """Name what a reader may see; a cursor made under another fingerprint is useless."""
    text = actor.role + "|" + ",".join(sorted(scopes))
    return hashlib.sha256(text.encode()).hexdigest()[:16]


def encode_cursor(position: int, fingerprint: str, horizon: int = 0) -> str:
    """Make the opaque cursor text: the position reached and the horizon when the page was read."""
    data = {"v": 1, "p": position, "f": fingerprint}
    if horizon:
        data["h"] = horizon
    raw = json.dumps(data, separators=(",", ":")).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def decode_cursor(cursor: str) -> tuple[int, str, int]:
    """Read a cursor back as (position, fingerprint, horizon); anything unreadable means start over."""
    try:
        padded = cursor + "=" * (-len(cursor) % 4)
        data = json.loads(base64.urlsafe_b64decode(padded.encode()))
        position, fingerprint, horizon = data["p"], data["f"], data.get("h", 0)
        if (
            data.get("v") != 1
            or not all(isinstance(n, int) and not isinstance(n, bool) for n in (position, horizon))
            or not isinstance(fingerprint, str)
        ):
            raise ValueError
        return position, fingerprint, horizon
    except (ValueError, KeyError, TypeError, AttributeError, UnicodeError, json.JSONDecodeError):
        raise SyncError(410, "reset_required", RESET) from None


def read_changes(
    session: Session,
    actor: Actor,
    scopes: set[str],
    cursor: str | None,
    limit: int,
    fingerprint: str | None = None,
    mark: tuple[int, int] | None = None,
) -> dict[str, Any]:
    """Return one page of changes after the cursor, with the next cursor and whether more remain.

    mark is (top, horizon) read before the reader's scopes were: the page covers positions up to that
    top only, so a scope that appeared since (a new enterprise) is never passed over. A cursor may have
    missed a tombstone compaction dropped when both its position and the horizon it was made under lie
    below the current horizon (sync/compaction.py); the horizon is read again after the rows, because a
    compaction committing in between may have dropped one of them.
    """
    fingerprint = fingerprint or scope_fingerprint(actor, scopes)
    top, horizon = mark or positions.current_position(session)
    after = 0
    if cursor:
        after, made_for, made_under = decode_cursor(cursor)
        if made_for != fingerprint or not 0 <= after <= top or made_under > top:
            raise SyncError(410, "reset_required", RESET)
        _check_horizon(after, made_under, horizon)
    rows = []
    if scopes:
        e = tables.entities.c
        rows = session.execute(
            select(e.entity, e.id, e.version, e.deleted, e.data, e.position)
            .where(e.scope.in_(sorted(scopes)), e.position > after, e.position <= top)
            .order_by(e.position)
            .limit(limit + 1)
        ).all()
    if cursor:
        _check_horizon(after, made_under, positions.current_position(session)[1])
    more = len(rows) > limit
    rows = rows[:limit]
    # A last page has seen everything up to top: the cursor moves there even when the reader's scopes
    # were quiet, so a device that keeps pulling stays ahead of the horizon.
    reached = rows[-1].position if more else top
    changes = [
        {"entity": r.entity, "id": r.id, "version": r.version, "deleted": r.deleted, "data": r.data}
        for r in rows
    ]
    return {"changes": changes, "cursor": encode_cursor(reached, fingerprint, horizon), "more": more}


def _check_horizon(after: int, made_under: int, horizon: int) -> None:
    """Refuse a cursor that may have missed a tombstone dropped since it was made."""
    if max(after, made_under) < horizon:
        raise SyncError(410, "reset_required", RESET)
