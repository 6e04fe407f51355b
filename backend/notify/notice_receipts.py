"""A notice's receipts: per-enterprise counts (synced as `notice_receipt`) and one row per recipient."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import bindparam, select, update
from sqlalchemy.orm import Session

from sync import Change

from ..models import Enterprise, NoticeEnterprise, NoticeRecipient, User
from ..scopes import region_scope

NOTICE_RECEIPT = "notice_receipt"
COUNTS = ("recipients", "read", "acknowledged")


def receipt_id(notice_id: str, enterprise_id: str) -> str:
    """Name an enterprise's receipt of a notice (UUIDv5 of the two, like its self-check task)."""
    return str(uuid.uuid5(uuid.UUID(notice_id), f"receipt:{enterprise_id}"))


def receipt_change(notice_id: str, enterprise_id: str, county: str, counts: dict[str, int]) -> Change:
    """Return the synced receipt, in the scope of the enterprise's county: the bureaus over it pull it."""
    data = {
        "id": receipt_id(notice_id, enterprise_id),
        "notice_id": notice_id,
        "enterprise_id": enterprise_id,
        **{name: int(counts.get(name, 0)) for name in COUNTS},
    }
    return Change(NOTICE_RECEIPT, data["id"], region_scope(county), data)


def counties_of(session: Session, enterprise_ids) -> dict[str, str]:
    """Return the county of each of these enterprises, in one query."""
    ids = sorted(set(enterprise_ids))
    if not ids:
        return {}
    query = select(Enterprise.id, Enterprise.region_code).where(Enterprise.id.in_(ids))
    return dict(session.execute(query).all())


def add_to_counts(session: Session, notice_id: str, enterprise_id: str, **deltas: int) -> Change:
    """Add to an enterprise's counts in one locked UPDATE and return its receipt as it now stands."""
    table = NoticeEnterprise.__table__
    values = {name: table.c[name] + delta for name, delta in deltas.items() if delta}
    row = session.execute(
        update(table)
        .where(table.c.notice_id == notice_id, table.c.enterprise_id == enterprise_id)
        .values(**values)
        .returning(*(table.c[name] for name in COUNTS))
    ).one()
    county = counties_of(session, [enterprise_id])[enterprise_id]
    return receipt_change(notice_id, enterprise_id, county, row._asdict())


def add_recipients(session: Session, notice_id: str, per_enterprise: dict[str, int]) -> list[Change]:
    """Add newly reached people to several enterprises' counts in one batch; return their receipts."""
    if not per_enterprise:
        return []
    table = NoticeEnterprise.__table__
    session.execute(
        update(table)
        .where(table.c.notice_id == bindparam("n"), table.c.enterprise_id == bindparam("e"))
        .values(recipients=table.c.recipients + bindparam("added")),
        # Sorted: two writers lock the rows they share in one order, so neither waits on the other in a cycle.
        [{"n": notice_id, "e": e, "added": per_enterprise[e]} for e in sorted(per_enterprise)],
    )
    rows = session.execute(
        select(table.c.enterprise_id, *(table.c[name] for name in COUNTS)).where(
            table.c.notice_id == notice_id, table.c.enterprise_id.in_(sorted(per_enterprise))
        )
    ).all()
    county = counties_of(session, [row.enterprise_id for row in rows])
    return [
        receipt_change(notice_id, row.enterprise_id, county[row.enterprise_id], row._asdict()) for row in rows
    ]


def record_reading(
    session: Session, notice_id: str, user_id: str, read_at: datetime | None, acknowledged_at: datetime | None
) -> Change | None:
    """Note a recipient's first read and/or acknowledgement; return their enterprise's receipt (None: no row).

    O(1) whatever the notice's size: one recipient row and one counts row change, never a growing document.
    """
    table = NoticeRecipient.__table__
    values: dict[str, Any] = {}
    if read_at is not None:
        values["read_at"] = read_at
    if acknowledged_at is not None:
        values["acknowledged_at"] = acknowledged_at
    enterprise_id = session.execute(
        update(table)
        .where(table.c.notice_id == notice_id, table.c.user_id == user_id)
        .values(**values)
        .returning(table.c.enterprise_id)
    ).scalar()
    if enterprise_id is None:
        return None
    return add_to_counts(
        session,
        notice_id,
        enterprise_id,
        read=int(read_at is not None),
        acknowledged=int(bool(acknowledged_at)),
    )


def recipients_page(
    session: Session, notice_id: str, enterprise_id: str, after: str | None, limit: int
) -> tuple[list[dict[str, Any]], str | None]:
    """Return one page of an enterprise's recipients by user id after `after`, and the next page's key."""
    r = NoticeRecipient
    query = (
        select(r.user_id, r.enterprise_id, r.read_at, r.acknowledged_at, User.display_name)
        .join(User, User.id == r.user_id)
        .where(r.notice_id == notice_id, r.enterprise_id == enterprise_id)
        .order_by(r.user_id)
        .limit(limit + 1)
    )
    if after:
        query = query.where(r.user_id > after)
    rows = session.execute(query).all()
    items = [row._asdict() for row in rows[:limit]]
    return items, (items[-1]["user_id"] if len(rows) > limit else None)
