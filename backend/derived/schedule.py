"""Each enterprise's next time-driven day (`derived_schedule`), kept by whoever records derived entities."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

from sqlalchemy import insert, select, update

from ..models import DerivedSchedule
from ..models.derived_schedule import DUE_NOW
from . import MODULES

schedule = DerivedSchedule.__table__.c


def next_change_on(session, enterprise_id: str, today: date) -> date | None:
    """Return the first day after today on which a stored derived entity of the enterprise changes by time."""
    days = (module.next_change_on(session, enterprise_id, today) for module in MODULES)
    return min((day for day in days if day is not None), default=None)


def reschedule(session, enterprise_ids: Iterable[str], today: date, partial: bool = False) -> None:
    """Store, without committing, the next derived day of these enterprises, freshly recorded as of today.

    Call after recording all their derived entities (refresh); after recording only some of them (a push's
    listeners), pass partial=True: the day then only moves earlier, never past a recomputation still owed.
    Their reminders and daily digest are looked at again by the next notify tick, which sets their own days.
    """
    for enterprise_id in dict.fromkeys(enterprise_ids):
        next_on = next_change_on(session, enterprise_id, today)
        stored = session.get(DerivedSchedule, enterprise_id)
        if stored is None:
            days = {"next_on": DUE_NOW if partial else next_on, "remind_on": today, "digest_on": today}
            session.execute(insert(DerivedSchedule).values(enterprise_id=enterprise_id, **days))
            continue
        if partial and stored.next_on is not None:
            next_on = min(stored.next_on, next_on or stored.next_on)
        days = {"next_on": next_on, "remind_on": today, "digest_on": today}
        session.execute(update(DerivedSchedule).where(schedule.enterprise_id == enterprise_id).values(days))


def due_on(session, column, today: date, limit: int) -> list[str]:
    """Return up to `limit` enterprise ids whose day in this schedule column has come (an indexed range)."""
    query = select(schedule.enterprise_id).where(column <= today).order_by(column, schedule.enterprise_id)
    return list(session.scalars(query.limit(limit)))


def set_day(session, column, enterprise_id: str, day: date | None) -> None:
    """Store one enterprise's next day in a schedule column (None: nothing pending)."""
    session.execute(
        update(DerivedSchedule).where(schedule.enterprise_id == enterprise_id).values({column.key: day})
    )
