"""Recompute every derived entity of some enterprises and record those that changed (jobs call this)."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable

from sqlalchemy import text

from sync import SyncEngine
from sync.store import begin_writes

from . import MODULES
from .differs import only_changed

# The first key of the PostgreSQL advisory locks that serialise recomputations of one enterprise.
LOCK_CLASS = 0x0DE7


def refresh(
    session, engine: SyncEngine, enterprise_ids: Iterable[str], only: dict[str, set[str]] | None = None
) -> Counter:
    """Record, without committing, each derived entity of these enterprises that differs; count by entity.

    only: enterprise → the derived types to recompute (the marks a push left); absent: every type.
    """
    enterprise_ids = list(dict.fromkeys(enterprise_ids))
    lock(session, enterprise_ids)
    recorded: Counter = Counter()
    for enterprise_id in enterprise_ids:
        wanted = None if only is None else only.get(enterprise_id, set())
        for module in MODULES:
            if wanted is not None and module.ENTITY not in wanted:
                continue
            # Recorded one by one: a later module (due) reads what an earlier one (checklist) wrote.
            for change in only_changed(session, module.rebuild(session, enterprise_id)):
                engine.record_change(session, change)
                recorded[change.entity] += 1
    return recorded


def lock(session, enterprise_ids: list[str]) -> None:
    """Hold these enterprises for this transaction, so two recomputations of one never interleave.

    The derived job (on any host) and the cadence tick may pick the same enterprise at once; both would
    read "no checklist yet" and both insert it. SQLite: the write lock, taken before reading. PostgreSQL:
    an advisory lock per enterprise, taken in key order so two batches never wait on each other in a cycle.
    """
    begin_writes(session)
    if session.connection().dialect.name != "postgresql":
        return
    # One statement: locked in the order of their keys, whatever order the ids came in.
    session.execute(
        text(
            "SELECT pg_advisory_xact_lock(:kind, key) FROM (SELECT DISTINCT hashtext(id) AS key"
            " FROM unnest(CAST(:ids AS text[])) AS id ORDER BY key) AS keys"
        ),
        {"kind": LOCK_CLASS, "ids": enterprise_ids},
    )
