"""A push marks what it made stale (enterprise, derived entity type); it recomputes nothing itself."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import delete, insert, select, tuple_

from sync import Change
from sync.wire import utc_now

from ..models import DerivedMark
from .differs import DERIVED_ENTITIES, enterprise_of_scope


def stale(changes: list[Change]) -> list[tuple[str, str]]:
    """Return, sorted, the (enterprise, derived entity type) pairs these changes make stale."""
    from . import MODULES

    found = set()
    # A push of 500 reports holds one (scope, entity type) pair: decide per pair, not per change.
    for scope, entity in {(change.scope, change.entity) for change in changes}:
        enterprise_id = enterprise_of_scope(scope)
        if entity in DERIVED_ENTITIES or not enterprise_id:
            continue
        for module in MODULES:
            if module.SOURCES is None or entity in module.SOURCES:
                found.add((enterprise_id, module.ENTITY))
    return sorted(found)


def mark(session, pairs: list[tuple[str, str]], now: datetime | None = None) -> None:
    """Insert one mark per (enterprise, derived type), in one statement; rows of other pushes are untouched.

    An upsert of one row per pair locked that row until the push committed, so the pushes of one
    enterprise queued behind each other and behind the position counter each of them waits for at its
    commit (with 200 devices PostgreSQL logged 100–300 ms waits, and a deadlock against the job).
    Plain inserts take no lock another push waits on.
    """
    if not pairs:
        return
    now = now or utc_now()
    rows = [{"enterprise_id": e, "module": m, "marked_at": now} for e, m in sorted(set(pairs))]
    session.execute(insert(DerivedMark), rows)


def on_push(session, actor, changes: list[Change]) -> list[Change]:
    """The push's listener: mark what it touched, inside its transaction; derive nothing."""
    mark(session, stale(changes))
    return []


def take(session, limit: int) -> dict[str, set[str]]:
    """Delete the marks of up to limit (enterprise, type) pairs, oldest first; return enterprise → types.

    Called in the transaction that records the recomputation: a crash rolls the delete back with it. A
    mark committed after this statement is not deleted, so the next drain recomputes what it marked. On
    PostgreSQL another host's job skips the rows this one holds (and recomputes whatever else is marked).
    """
    # PostgreSQL: rows another host's job holds are skipped, not waited for.
    skip = {"skip_locked": True} if session.connection().dialect.name == "postgresql" else None
    oldest = select(DerivedMark.enterprise_id, DerivedMark.module).order_by(DerivedMark.id).limit(limit)
    if skip:
        oldest = oldest.with_for_update(**skip)
    picked = select(DerivedMark.id).where(tuple_(DerivedMark.enterprise_id, DerivedMark.module).in_(oldest))
    if skip:
        picked = picked.with_for_update(**skip)
    taken = session.execute(
        delete(DerivedMark)
        .where(DerivedMark.id.in_(picked))
        .returning(DerivedMark.enterprise_id, DerivedMark.module)
        .execution_options(synchronize_session=False)
    )
    found: dict[str, set[str]] = {}
    for enterprise_id, module in taken:
        found.setdefault(enterprise_id, set()).add(module)
    return found
