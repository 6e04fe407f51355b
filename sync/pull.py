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


def encode_cursor(position: int, fingerprint: str) -> str:
    """Make the opaque cursor text."""
    raw = json.dumps({"v": 1, "p": position, "f": fingerprint}, separators=(",", ":")).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def decode_cursor(cursor: str) -> tuple[int, str]:
    """Read a cursor back; anything unreadable means the client must start over."""
    try:
        padded = cursor + "=" * (-len(cursor) % 4)
        data = json.loads(base64.urlsafe_b64decode(padded.encode()))
        position, fingerprint = data["p"], data["f"]
        if data.get("v") != 1 or not isinstance(position, int) or not isinstance(fingerprint, str):
            raise ValueError
        return position, fingerprint
    except (ValueError, KeyError, TypeError, UnicodeError, json.JSONDecodeError):
        raise SyncError(410, "reset_required", RESET) from None


def read_changes(
    session: Session,
    actor: Actor,
    scopes: set[str],
    cursor: str | None,
    limit: int,
    fingerprint: str | None = None,
) -> dict[str, Any]:
    """Return one page of changes after the cursor, with the next cursor and whether more remain."""
    fingerprint = fingerprint or scope_fingerprint(actor, scopes)
    top, horizon = positions.current_position(session)
    after = 0
    if cursor:
        after, made_for = decode_cursor(cursor)
        if made_for != fingerprint or after < horizon or after > top or after < 0:
            raise SyncError(410, "reset_required", RESET)
    rows = []
    if scopes:
        e = tables.entities.c
        rows = session.execute(
            select(e.entity, e.id, e.version, e.deleted, e.data, e.position)
            .where(e.scope.in_(sorted(scopes)), e.position > after)
            .order_by(e.position)
            .limit(limit + 1)
        ).all()
    more = len(rows) > limit
    rows = rows[:limit]
    if rows:
        after = rows[-1].position
    changes = [
        {"entity": r.entity, "id": r.id, "version": r.version, "deleted": r.deleted, "data": r.data}
        for r in rows
    ]
    return {"changes": changes, "cursor": encode_cursor(after, fingerprint), "more": more}
