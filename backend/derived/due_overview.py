"""The bureau's overview in `due`: open major hazards, overdue hazards, active lockouts, late entries."""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy import select

from sync import tables

from ..models import Hazard
from ..records import records_of
from ..rules.cadence import state_of
from ..rules.cadence_table import MAJOR_HAZARD_DUE_SOON_DAYS
from ..rules.late_entry import LATE_ENTRY_LIMIT, delay_hours, in_lookback, is_late
from ..scopes import enterprise_scope
from .clock import local_day, parse_moment

OPEN_STATUSES = ("reported", "assigned", "rectified")
# An assigned hazard past its due date is overdue; a rectified one waits for verification, not for work.
OVERDUE_STATUSES = ("assigned",)
ACTIVE_LOCKOUT_EXCLUDES = ("released",)
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


def open_hazards(session, enterprise_id: str) -> list[Hazard]:
    """Return the enterprise's hazards not yet closed or dismissed."""
    query = select(Hazard).where(Hazard.enterprise_id == enterprise_id, Hazard.status.in_(OPEN_STATUSES))
    return list(session.scalars(query.order_by(Hazard.captured_at, Hazard.id)))


def major_hazard_row(hazard: Hazard, today: date) -> dict[str, Any]:
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
    hazards = open_hazards(session, enterprise_id)
    majors = [major_hazard_row(h, today) for h in hazards if h.severity == "major"]
    overdue = [h for h in hazards if h.status in OVERDUE_STATUSES and h.due_date and h.due_date < today]
    return {"open_major_hazards": len(majors), "overdue_hazards": len(overdue), "major_hazards": majors}


def active_lockouts(session, enterprise_id: str) -> int:
    """Count the enterprise's lockouts not yet released."""
    lockouts = records_of(session, "lockout", enterprise_id)
    return sum(1 for lockout in lockouts if lockout.get("status") not in ACTIVE_LOCKOUT_EXCLUDES)


def late_entries(session, enterprise_id: str, today: date) -> list[dict[str, Any]]:
    """Return the commands of the last 90 days received more than 24 hours after capture, newest first."""
    e = tables.entities.c
    query = select(e.entity, e.id, e.data).where(
        e.scope == enterprise_scope(enterprise_id), e.entity.in_(sorted(TITLE_FIELDS)), e.deleted.is_(False)
    )
    rows = []
    for entity, entity_id, data in session.execute(query):
        for event in data.get("history") or []:
            captured, received = parse_moment(event.get("at")), parse_moment(event.get("received_at"))
            if captured is None or received is None or not is_late(captured, received):
                continue
            if not in_lookback(local_day(captured), today):
                continue
            rows.append(
                {
                    "entity": entity,
                    "id": entity_id,
                    "title": data.get(TITLE_FIELDS[entity]) or "",
                    "type": event.get("type"),
                    "captured_at": event["at"],
                    "received_at": event["received_at"],
                    "delay_hours": round(delay_hours(captured, received), 1),
                }
            )
    rows.sort(key=lambda row: (row["captured_at"], row["entity"], row["id"], row["type"]), reverse=True)
    return rows[:LATE_ENTRY_LIMIT]
