"""The cadence tick: recompute the derived entities of the enterprises whose next time-driven day has come."""

from __future__ import annotations

from collections import Counter
from datetime import date

from sync import SyncEngine

from . import clock
from .refresh import refresh
from .schedule import due_on, reschedule, schedule

# Enterprises recomputed and committed together: bounds a transaction and the memory it holds.
BATCH = 200


def tick(session, engine: SyncEngine, today: date | None = None, batch: int = BATCH) -> Counter:
    """Refresh every enterprise due by `derived_schedule`, batch by batch; commit each; count by entity."""
    from ..region_entities import publish_regions  # here: it imports the derived package

    today = today or clock.today_in_shanghai()
    recorded: Counter = Counter()
    enterprises = 0
    try:
        # Region data ships with the code: an upgrade's corrected names reach the bureaus at the next tick.
        if regions := publish_regions(session, engine):
            recorded["region"] = regions
        session.commit()
    except BaseException:
        session.rollback()
        raise
    while True:
        try:
            due = due_on(session, schedule.next_on, today, batch)
            if not due:
                session.commit()
                break
            recorded.update(refresh(session, engine, due))
            # reschedule stores days after today only, so a batch never comes back the same day.
            reschedule(session, due, today)
            session.commit()
        except BaseException:
            session.rollback()
            raise
        enterprises += len(due)
    recorded["enterprises"] = enterprises
    return recorded


def summary(recorded: Counter) -> str:
    """Describe a tick's work in one line."""
    enterprises = recorded.get("enterprises", 0)
    changed = {entity: n for entity, n in sorted(recorded.items()) if entity != "enterprises"}
    if not changed:
        return f"cadence tick: {enterprises} enterprises due, nothing changed"
    counts = ", ".join(f"{entity} {n}" for entity, n in changed.items())
    return f"cadence tick: {enterprises} enterprises due, recorded {counts}"
