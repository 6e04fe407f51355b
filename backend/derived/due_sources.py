"""When each cadence obligation was last done, read from an enterprise's records (Asia/Shanghai days)."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from functools import lru_cache

from sqlalchemy import Select, bindparam, select

from sync import tables

from ..rules.drill_rules import DRILL_TYPES
from ..rules.training_kinds import TRAINING_KINDS
from ..scopes import enterprise_scope
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


def latest_by_kind(session, entity: str, enterprise_id: str, statuses, kinds) -> dict[str, str]:
    """Return kind → the latest moment (RFC 3339 text) of records in these statuses, where a kind has one.

    One statement of one probe per (status, kind): the last entry of its range on the (entity, scope,
    status, kind, moment) index, so the cost does not grow with the history of the enterprise.
    """
    pairs = tuple((status, kind) for status in sorted(statuses) for kind in sorted(kinds))
    if not pairs:
        return {}
    row = session.execute(_latest_statement(entity, pairs), {"scope": enterprise_scope(enterprise_id)}).one()
    latest: dict[str, str] = {}
    for (_, kind), moment in zip(pairs, row, strict=True):
        if moment is not None and (kind not in latest or moment > latest[kind]):
            latest[kind] = moment
    return latest


@lru_cache(maxsize=32)
def _latest_statement(entity: str, pairs: tuple[tuple[str, str], ...]) -> Select:
    """Build latest_by_kind's statement once per shape (the scope is a parameter).

    Built afresh on every call, its 40-odd probes cost 10 ms of Python per `due` recomputation, most of
    the recomputation; the derived job runs in the web workers' processes, where that time is taken
    from requests.
    """
    e = tables.entities.c
    scope = bindparam("scope")
    probes = [
        select(e.moment)
        .where(
            e.entity == entity,
            e.scope == scope,
            e.status == status,
            e.kind == kind,
            e.moment.is_not(None),
            # A deleted record keeps its row: the walk passes it to the next live one.
            e.deleted.is_(False),
        )
        # Not max(): a LIMIT 1 in index order is the end of the range whatever the statistics say.
        .order_by(e.moment.desc())
        .limit(1)
        .scalar_subquery()
        for status, kind in pairs
    ]
    return select(*probes)


def drills_done(session, enterprise_id: str) -> dict[str, date | None]:
    """Return the latest end day of a finished drill for each obligation the drills fulfil."""
    fulfils = drill_fulfils()
    latest: dict[str, date | None] = {}
    ended = latest_by_kind(session, "drill", enterprise_id, DONE_DRILL_STATUSES, fulfils)
    for drill_type, ended_at in ended.items():
        for key in fulfils.get(drill_type, ()):
            latest[key] = _latest((latest.get(key), local_day(ended_at)))
    return latest


def principal_inspection_done(session, enterprise_id: str) -> date | None:
    """Return the day of the latest finished principal-led inspection."""
    statuses = (DONE_INSPECTION["status"],)
    finished = latest_by_kind(session, "inspection", enterprise_id, statuses, (DONE_INSPECTION["kind"],))
    return local_day(finished.get(DONE_INSPECTION["kind"]))


def trainings_done(session, enterprise_id: str) -> dict[str, date | None]:
    """Return the day of the latest closed session for each obligation its kind fulfils (confined space)."""
    fulfils = {kind.key: kind.fulfils for kind in TRAINING_KINDS}
    latest: dict[str, date | None] = {}
    held = latest_by_kind(session, "training_session", enterprise_id, DONE_TRAINING_STATUSES, fulfils)
    for kind, scheduled_at in held.items():
        for key in fulfils.get(kind, ()):
            latest[key] = _latest((latest.get(key), local_day(scheduled_at)))
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
