"""Pull: every change the reader may see since an opaque cursor, latest state only, in position order."""

from __future__ import annotations

import base64
import functools
import hashlib
import json
from dataclasses import dataclass
from typing import Any

from sqlalchemy import CompoundSelect, Select, bindparam, select, union_all
from sqlalchemy.orm import Session

from . import positions, tables
from .pull_json import change_wire, page_json
from .push import OWNED
from .types import Actor, SyncError, Text

DEFAULT_LIMIT = 500
MAX_LIMIT = 1000
RESET = Text("需要重新同步全部数据", "Start again without a cursor")
# Up to this many scopes, each scope's changes are read in position order from the (scope, position) index
# and merged; past it one scan in position order filters by scope. A province bureau pulls ~130 region
# scopes (1 province, 11 cities, 117 counties of Shanxi): merged, its pull never walks the enterprises'
# records; scanned, every page would read the province's whole history.
MERGE_MAX_SCOPES = 256


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


@dataclass(frozen=True)
class Header:
    """What a pull reads first, in one statement, before the reader's scopes: counter and client row."""

    top: int
    horizon: int
    owner: str | None
    last_seq: int | None


@dataclass(frozen=True)
class Page:
    """One page of changes as stored: each row is (the change as JSON, from change_wire; position)."""

    rows: list[Any]
    cursor: str
    more: bool
    last_seq: int | None

    def as_dict(self) -> dict[str, Any]:
        """Return the answer as Python values (data decoded)."""
        changes = [json.loads(r[0]) for r in self.rows]
        return {"changes": changes, "cursor": self.cursor, "more": self.more, "last_seq": self.last_seq}

    def as_json(self) -> bytes:
        """Return the answer as UTF-8 JSON bytes, each row's stored data spliced in without decoding it."""
        return page_json([r[0] for r in self.rows], self.cursor, self.last_seq, self.more)


def read_header(session: Session, actor: Actor, client_id: str | None) -> Header:
    """Read the counter and the client row in one round trip; refuse another user's client_id.

    Read before the reader's scopes: a scope the reader gains after this point (a new enterprise) only
    holds positions above `top`, so a page that stops at `top` never passes over it.
    """
    if client_id is None:
        top, horizon = session.execute(_header_statement(False)).one()
        return Header(top or 0, horizon or 0, None, None)
    top, horizon, owner, last_seq = session.execute(
        _header_statement(True), {"client_id": client_id.lower()}
    ).one()
    if owner is not None and owner != actor.id:
        raise SyncError(409, "client_owned_by_other_user", OWNED)
    return Header(top or 0, horizon or 0, owner, last_seq or 0)


def read_page(
    session: Session, scopes: set[str], cursor: str | None, limit: int, fingerprint: str, header: Header
) -> Page:
    """Return one page of changes after the cursor, up to the header's top, with the next cursor.

    A cursor may have missed a tombstone compaction dropped when both its position and the horizon it was
    made under lie below the current horizon (sync/compaction.py); the horizon is read again after the
    rows, because a compaction committing in between may have dropped one of them.
    """
    top, horizon = header.top, header.horizon
    after = made_under = 0
    if cursor:
        after, made_for, made_under = decode_cursor(cursor)
        if made_for != fingerprint or not 0 <= after <= top or made_under > top:
            raise SyncError(410, "reset_required", RESET)
        _check_horizon(after, made_under, horizon)
    rows = _changes(session, scopes, after, top, limit + 1) if scopes else []
    if cursor:
        _check_horizon(after, made_under, positions.current_position(session)[1])
    more = len(rows) > limit
    rows = rows[:limit]
    # A last page has seen everything up to top: the cursor moves there even when the reader's scopes
    # were quiet, so a device that keeps pulling stays ahead of the horizon.
    reached = rows[-1][1] if more else top
    return Page(rows, encode_cursor(reached, fingerprint, horizon), more, header.last_seq)


def _check_horizon(after: int, made_under: int, horizon: int) -> None:
    """Refuse a cursor that may have missed a tombstone dropped since it was made."""
    if max(after, made_under) < horizon:
        raise SyncError(410, "reset_required", RESET)


@functools.cache
def _header_statement(with_client: bool) -> Select:
    """Build once: the counter's position and horizon, and the client's owner and last seq if asked."""
    c, k = tables.counter.c, tables.clients.c
    columns = [
        select(c.position).where(c.id == 1).scalar_subquery(),
        select(c.horizon).where(c.id == 1).scalar_subquery(),
    ]
    if with_client:
        client_id = bindparam("client_id")
        columns.append(select(k.user_id).where(k.id == client_id).scalar_subquery())
        columns.append(select(k.last_seq).where(k.id == client_id).scalar_subquery())
    return select(*columns)


def _changes(session: Session, scopes: set[str], after: int, top: int, count: int) -> list[Any]:
    """Return up to count changes of the scopes in (after, top], in position order, data as JSON text."""
    ordered = sorted(scopes)
    params: dict[str, Any] = {"after": after, "top": top, "count": count}
    if len(ordered) > MERGE_MAX_SCOPES:
        params["scopes"] = ordered
        return session.execute(_scan_statement(), params).all()
    params.update((f"scope{i}", scope) for i, scope in enumerate(ordered))
    return session.execute(_merge_statement(len(ordered)), params).all()


def _columns() -> tuple[Any, ...]:
    e = tables.entities.c
    return (change_wire().label("wire"), e.position)


@functools.cache
def _scan_statement() -> Select:
    """Build once: one scan of the position index, keeping the scopes' rows (for readers of many scopes)."""
    e = tables.entities.c
    return (
        select(*_columns())
        .where(
            e.scope.in_(bindparam("scopes", expanding=True)),
            e.position > bindparam("after"),
            e.position <= bindparam("top"),
        )
        .order_by(e.position)
        .limit(bindparam("count"))
        .with_hint(tables.entities, "INDEXED BY ix_sync_entities_position", "sqlite")
    )


@functools.cache
def _merge_statement(scope_count: int) -> Select | CompoundSelect:
    """Build once per scope count: each scope's rows in (scope, position) index order, merged lazily.

    A plain `scope IN (...) ORDER BY position` reads and sorts every remaining row of the scopes for each
    page; a UNION ALL of ordered index ranges under one ORDER BY ... LIMIT is a merge that stops at the
    limit (SQLite's MERGE of co-routines, PostgreSQL's Merge Append).
    """
    e = tables.entities.c
    after, top = bindparam("after"), bindparam("top")
    arms = [
        select(*_columns()).where(e.scope == bindparam(f"scope{i}"), e.position > after, e.position <= top)
        for i in range(scope_count)
    ]
    merged = arms[0] if scope_count == 1 else union_all(*arms)
    return merged.order_by(merged.selected_columns.position).limit(bindparam("count"))
