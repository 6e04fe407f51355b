"""A bureau's online reading of an enterprise's records: which enterprise it may open, pages by position.

A bureau's phone pulls summaries only (backend/scopes.py); an enterprise's records are read here, a page
at a time, newest change first, from the (scope, entity, position) index: one index range per page,
however long the enterprise's history.
"""

from __future__ import annotations

import base64
import binascii
import json
from typing import Any

from sqlalchemy import select

from sync import tables

from .models import Enterprise
from .rules.regions import within
from .scopes import bureau_region, enterprise_scope

DEFAULT_LIMIT = 50
MAX_LIMIT = 200
# Entity types a bureau never reads here: its own pulled ones, a person's own (inbox, settings, badge),
# and the managers' training QR keys.
NOT_DETAILS = frozenset(
    {
        "enterprise_summary",
        "region",
        "notice",
        "notice_receipt",
        "notification",
        "notification_settings",
        "badge",
        "training_key",
    }
)


def detail_entities(entity_types) -> tuple[str, ...]:
    """Return, sorted, the record types of an enterprise's scope a bureau may read online."""
    return tuple(sorted(set(entity_types) - NOT_DETAILS))


class CursorError(ValueError):
    """An opaque cursor that this enterprise and record type never handed out."""


def bureau_enterprise(session, actor, enterprise_id: str) -> Enterprise | None:
    """Return the enterprise if it lies in the bureau's region; None when unknown or outside (the same)."""
    enterprise = session.get(Enterprise, enterprise_id)
    region = bureau_region(session, actor)
    if enterprise is None or region is None or not within(enterprise.region_code, region):
        return None
    return enterprise


def encode_cursor(enterprise_id: str, entity: str, position: int) -> str:
    """Make the opaque cursor of the next page: below this position, of this enterprise and type."""
    raw = json.dumps({"v": 1, "e": enterprise_id, "t": entity, "p": position}, separators=(",", ":"))
    return base64.urlsafe_b64encode(raw.encode()).decode().rstrip("=")


def decode_cursor(cursor: str, enterprise_id: str, entity: str) -> int:
    """Return the position a cursor stops below; CursorError unless it was made for this page series."""
    try:
        padded = cursor + "=" * (-len(cursor) % 4)
        data = json.loads(base64.urlsafe_b64decode(padded.encode()))
        position = data["p"]
        if (
            data.get("v") != 1
            or data.get("e") != enterprise_id
            or data.get("t") != entity
            or not isinstance(position, int)
            or isinstance(position, bool)
        ):
            raise ValueError
        return position
    except (ValueError, KeyError, TypeError, AttributeError, UnicodeError, binascii.Error):
        raise CursorError(cursor) from None


def records_page(
    session, enterprise_id: str, entity: str, limit: int, cursor: str | None
) -> tuple[list[dict[str, Any]], str | None]:
    """Return one page of an enterprise's records of a type, newest change first, and the next cursor."""
    e = tables.entities.c
    query = select(e.id, e.data, e.position).where(
        e.scope == enterprise_scope(enterprise_id),
        e.entity == entity,
        e.position.is_not(None),
        e.deleted.is_(False),
    )
    if cursor:
        query = query.where(e.position < decode_cursor(cursor, enterprise_id, entity))
    rows = session.execute(query.order_by(e.position.desc()).limit(limit + 1)).all()
    records = [{"entity": entity, "id": row.id, "data": row.data} for row in rows[:limit]]
    more = len(rows) > limit
    return records, encode_cursor(enterprise_id, entity, rows[limit - 1].position) if more else None


def one_record(session, enterprise_id: str, entity: str, record_id: str) -> dict[str, Any] | None:
    """Return one record of the enterprise, or None (unknown, deleted, or another enterprise's)."""
    e = tables.entities.c
    row = session.execute(
        select(e.id, e.data).where(
            e.entity == entity,
            e.id == record_id,
            e.scope == enterprise_scope(enterprise_id),
            e.deleted.is_(False),
        )
    ).first()
    return None if row is None else {"entity": entity, "id": row.id, "data": row.data}
