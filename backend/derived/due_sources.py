"""When each cadence obligation was last done, read from an enterprise's records (Asia/Shanghai days)."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

from ..records import records_of
from ..rules.drill_rules import DRILL_TYPES
from ..rules.training_kinds import TRAINING_KINDS
from .clock import local_day, parse_day

DONE_DRILL_STATUSES = ("ended", "evaluated")
DONE_INSPECTION = {"kind": "principal", "status": "finished"}
DONE_TRAINING_STATUSES = ("closed",)
LEDGER_EVENTS = ("enterprise.register", "enterprise.update", "enterprise.confirm_ledger")


def drill_fulfils() -> dict[str, tuple[str, ...]]:
    """Return drill type → the cadence obligation keys one of it fulfils (drill rules, as data)."""
    return {drill_type.key: drill_type.fulfils for drill_type in DRILL_TYPES}


def _latest(days: Iterable[date | None]) -> date | None:
    return max((day for day in days if day is not None), default=None)


def drills_done(session, enterprise_id: str) -> dict[str, date | None]:
    """Return the latest end day of a finished drill for each obligation the drills fulfil."""
    fulfils = drill_fulfils()
    latest: dict[str, date | None] = {}
    for drill in records_of(session, "drill", enterprise_id):
        if drill.get("status") not in DONE_DRILL_STATUSES:
            continue
        ended = local_day(drill.get("ended_at"))
        for key in fulfils.get(drill.get("type"), ()):
            latest[key] = _latest((latest.get(key), ended))
    return latest


def _matches(data: dict, wanted: dict) -> bool:
    return all(data.get(field) == value for field, value in wanted.items())


def principal_inspection_done(session, enterprise_id: str) -> date | None:
    """Return the day of the latest finished principal-led inspection."""
    inspections = records_of(session, "inspection", enterprise_id)
    return _latest(local_day(i.get("finished_at")) for i in inspections if _matches(i, DONE_INSPECTION))


def trainings_done(session, enterprise_id: str) -> dict[str, date | None]:
    """Return the day of the latest closed session for each obligation its kind fulfils (confined space)."""
    fulfils = {kind.key: kind.fulfils for kind in TRAINING_KINDS}
    latest: dict[str, date | None] = {}
    for held in records_of(session, "training_session", enterprise_id):
        if held.get("status") not in DONE_TRAINING_STATUSES:
            continue
        day = local_day(held.get("scheduled_at"))
        for key in fulfils.get(held.get("kind"), ()):
            latest[key] = _latest((latest.get(key), day))
    return latest


def ledger_done(enterprise: dict) -> date | None:
    """Return the latest ledger update: confirmation, the bureau's update, or registration."""
    events = (
        local_day(e.get("at")) for e in enterprise.get("history") or [] if e.get("type") in LEDGER_EVENTS
    )
    return _latest(
        (
            parse_day(enterprise.get("ledger_confirmed_on")),
            parse_day(enterprise.get("registered_on")),
            *events,
        )
    )


def last_done(session, enterprise: dict) -> dict[str, date | None]:
    """Return obligation key → last day done; hazard statistics have no record type yet, so none."""
    done: dict[str, date | None] = dict(drills_done(session, enterprise["id"]))
    done["principal_inspection"] = principal_inspection_done(session, enterprise["id"])
    done["ledger_update"] = ledger_done(enterprise)
    done.update(trainings_done(session, enterprise["id"]))
    return done
