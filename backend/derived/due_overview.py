"""The bureau's overview in `due`: open major hazards, overdue hazards, active lockouts, late entries."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from sqlalchemy import func, select

from sync import tables
from sync.wire import format_time

from ..hazard_records import HazardView
from ..rules.cadence import state_of
from ..rules.cadence_table import MAJOR_HAZARD_DUE_SOON_DAYS, MAJOR_HAZARD_LIST_LIMIT
from ..rules.late_entry import LATE_ENTRY_LIMIT, LATE_ENTRY_LOOKBACK_DAYS, delay_hours
from ..rules.lockout_rules import ACTIVE_STATUSES
from ..scopes import enterprise_scope
from .clock import day_start, local_day

OPEN_STATUSES = ("reported", "assigned", "rectified")
# An assigned hazard past its due date is overdue; a rectified one waits for verification, not for work.
OVERDUE_STATUSES = ("assigned",)
# The field that names a record in the late-entry list, per record type.
TITLE_FIELDS = {
    "hazard": "title",
    "drill": "scenario",
    "lockout": "reason",
    "equipment": "name",
    "training_session": "topic",
    "inspection": "summary",
    "certificate": "number",
}


def _hazards(session, enterprise_id: str, statuses):
    e = tables.entities.c
    return select(e.data).where(
        e.entity == "hazard",
        e.scope == enterprise_scope(enterprise_id),
        e.status.in_(sorted(statuses)),
        e.deleted.is_(False),
    )


def _majors(session, enterprise_id: str):
    e = tables.entities.c
    return _hazards(session, enterprise_id, OPEN_STATUSES).where(e.kind == "major")


def open_major_hazards(session, enterprise_id: str) -> list[HazardView]:
    """Return the enterprise's oldest open major hazards, at most the list limit (status index)."""
    e = tables.entities.c
    query = _majors(session, enterprise_id).order_by(e.data["captured_at"].as_string(), e.id)
    return [HazardView(data) for data in session.execute(query.limit(MAJOR_HAZARD_LIST_LIMIT)).scalars()]


def open_major_hazard_count(session, enterprise_id: str) -> int:
    """Count every open major hazard of the enterprise, in the database."""
    query = _majors(session, enterprise_id)
    return session.execute(select(func.count()).select_from(query.subquery())).scalar_one()


def overdue_hazard_count(session, enterprise_id: str, today: date) -> int:
    """Count assigned hazards whose due date (YYYY-MM-DD text) is before today, in the database."""
    e = tables.entities.c
    due = e.data["due_date"].as_string()
    query = _hazards(session, enterprise_id, OVERDUE_STATUSES).where(due < today.isoformat())
    return session.execute(select(func.count()).select_from(query.subquery())).scalar_one()


def major_hazard_row(hazard: HazardView, today: date) -> dict[str, Any]:
    """Describe one open major hazard against the deadline of its plan."""
    reported_on = local_day(hazard.captured_at)
    deadline = hazard.due_date
    # A rectified hazard met (or missed) its deadline on the day it was fixed; verification is pending.
    judged_on = local_day((hazard.rectification or {}).get("at")) if hazard.status == "rectified" else None
    return {
        "id": hazard.id,
        "title": hazard.title,
        "status": hazard.status,
        "reported_on": reported_on.isoformat(),
        "due_date": deadline.isoformat() if deadline else None,
        "days_open": (today - reported_on).days,
        "days_to_deadline": (deadline - today).days if deadline else None,
        # No plan yet, no deadline: null, and the hazard still counts as an open major one.
        "state": state_of(deadline, judged_on or today, MAJOR_HAZARD_DUE_SOON_DAYS) if deadline else None,
    }


def hazard_summary(session, enterprise_id: str, today: date) -> dict[str, Any]:
    """Return the counts and the major-hazard list of the overview."""
    majors = [major_hazard_row(h, today) for h in open_major_hazards(session, enterprise_id)]
    return {
        "open_major_hazards": open_major_hazard_count(session, enterprise_id),
        "overdue_hazards": overdue_hazard_count(session, enterprise_id, today),
        "major_hazards": majors,
    }


def active_lockouts(session, enterprise_id: str) -> int:
    """Count the enterprise's lockouts not yet released (status index)."""
    e = tables.entities.c
    query = select(func.count()).where(
        e.entity == "lockout",
        e.scope == enterprise_scope(enterprise_id),
        e.status.in_(ACTIVE_STATUSES),
        e.deleted.is_(False),
    )
    return session.execute(query).scalar_one()


def late_entries(session, enterprise_id: str, today: date) -> list[dict[str, Any]]:
    """Return the commands captured in the last 90 days and received over 24 hours later, newest first.

    The push flags a late command on its row (it knows capture and receive time), so this reads the
    (scope, late, captured_at) index: at most LATE_ENTRY_LIMIT rows, whatever the history.
    """
    c, e = tables.commands.c, tables.entities.c
    first_day = today - timedelta(days=LATE_ENTRY_LOOKBACK_DAYS)
    query = (
        select(c.entity, c.entity_id, c.type, c.captured_at, c.received_at, e.data)
        .join(tables.entities, (e.entity == c.entity) & (e.id == c.entity_id))
        .where(
            c.scope == enterprise_scope(enterprise_id),
            c.late.is_(True),
            c.captured_at >= day_start(first_day),
            c.captured_at < day_start(today + timedelta(days=1)),
            c.entity.in_(sorted(TITLE_FIELDS)),
            e.deleted.is_(False),
        )
        .order_by(c.captured_at.desc(), c.entity.desc(), c.entity_id.desc(), c.type.desc())
        .limit(LATE_ENTRY_LIMIT)
    )
    return [
        {
            "entity": row.entity,
            "id": row.entity_id,
            "title": row.data.get(TITLE_FIELDS[row.entity]) or "",
            "type": row.type,
            "captured_at": format_time(row.captured_at),
            "received_at": format_time(row.received_at),
            "delay_hours": round(delay_hours(row.captured_at, row.received_at), 1),
        }
        for row in session.execute(query)
    ]
