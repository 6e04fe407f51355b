"""Each enterprise's next time-driven day (`derived_schedule`), kept by whoever records derived entities."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

from sqlalchemy import insert, select, update

from ..models import DerivedSchedule
from . import MODULES

schedule = DerivedSchedule.__table__.c


def next_change_on(session, enterprise_id: str, today: date) -> date | None:
    """Return the first day after today on which a stored derived entity of the enterprise changes by time."""
    days = (module.next_change_on(session, enterprise_id, today) for module in MODULES)
    return min((day for day in days if day is not None), default=None)


def reschedule(session, enterprise_ids: Iterable[str], today: date) -> None:
    """Store, without committing, the next derived day of these enterprises, freshly recorded as of today.

    Call after recording their derived entities (refresh, a push): their reminders and daily digest are
    looked at again by the next notify tick, which then sets their own next days.
    """
    for enterprise_id in dict.fromkeys(enterprise_ids):
        days = {
            "next_on": next_change_on(session, enterprise_id, today),
            "remind_on": today,
            "digest_on": today,
        }
        done = session.execute(
            update(DerivedSchedule).where(schedule.enterprise_id == enterprise_id).values(days)
        )
        if done.rowcount == 0:
            session.execute(insert(DerivedSchedule).values(enterprise_id=enterprise_id, **days))


def due_on(session, column, today: date, limit: int) -> list[str]:
    """Return up to `limit` enterprise ids whose day in this schedule column has come (an indexed range)."""
    query = select(schedule.enterprise_id).where(column <= today).order_by(column, schedule.enterprise_id)
    return list(session.scalars(query.limit(limit)))


def set_day(session, column, enterprise_id: str, day: date | None) -> None:
    """Store one enterprise's next day in a schedule column (None: nothing pending)."""
    session.execute(
        update(DerivedSchedule).where(schedule.enterprise_id == enterprise_id).values({column.key: day})
    )


def on_push(session, actor, changes) -> list:
    """Reschedule the enterprises whose records a push changed (their derived entities are recorded now)."""
    from . import clock
    from .due import touched_enterprises
    from .person_record import touched_people

    touched = [*touched_enterprises(changes), *touched_people(changes)]
    if touched:
        reschedule(session, touched, clock.today_in_shanghai())
    return []
