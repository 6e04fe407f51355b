"""The sync engine: push, pull and out-of-band changes over one SQLAlchemy session."""

from __future__ import annotations

from collections.abc import Callable, Container
from datetime import datetime
from typing import Any

from sqlalchemy.orm import Session

from . import faults, positions, pull, store
from .push import PushRun
from .registry import CommandRegistry, CommandSpec, ReadPolicy, ScopePolicy
from .types import Actor, Change, SyncError, Text
from .wire import is_uuid, utc_now

# Called once per push with every change it applied, before commit; returns derived changes to record
# (e.g. an enterprise's obligations recomputed after a drill ended).
AfterPush = Callable[[Session, Actor, list[Change]], list[Change]]


# Called once per push after its commit, with every change it applied (e.g. to wake a derived-state job).
AfterCommit = Callable[[Actor, list[Change]], None]

# Whether a command captured at the first time and received at the second arrived late (flagged on its row).
LatePolicy = Callable[[datetime, datetime], bool]


# Names what a reader may see; a cursor made under another fingerprint answers reset_required. Scopes
# that only ever gain members whose changes are all newer than any cursor may share one fingerprint.
FingerprintPolicy = Callable[[Actor, set[str]], str]


class SyncEngine:
    """Protocol v1 semantics; the application registers command types and who sees which scope."""

    def __init__(
        self,
        scope_policy: ReadPolicy | ScopePolicy,
        clock: Callable[[], datetime] = utc_now,
        fingerprint_policy: FingerprintPolicy | None = None,
        pull_policy: ScopePolicy | None = None,
    ):
        self.registry = CommandRegistry()
        self.scope_policy = scope_policy
        # What a reader's pull carries, when narrower than what they may read and act on (a bureau pulls
        # summaries and reads records online); by default the same scopes, which must then be a list.
        self.pull_policy = pull_policy or scope_policy
        self.fingerprint_policy = fingerprint_policy or pull.scope_fingerprint
        self.clock = clock
        self.after_push: list[AfterPush] = []
        self.after_commit: list[AfterCommit] = []
        self.is_late: LatePolicy = lambda captured, received: False
        positions.install()

    def register(self, spec: CommandSpec) -> None:
        """Add a command type."""
        self.registry.register(spec)

    def scopes_for(self, session: Session, actor: Actor) -> Container[str]:
        """Return the scopes an actor may read and act on (ask `scope in it`; it need not list them)."""
        return self.scope_policy(session, actor)

    def pull_scopes_for(self, session: Session, actor: Actor) -> set[str]:
        """Return the scopes an actor's pull carries."""
        return set(self.pull_policy(session, actor))

    def push(
        self, session: Session, actor: Actor, body: Any, body_bytes: int, text_clean: bool = False
    ) -> dict[str, Any]:
        """Apply a push in one transaction and return the answer once it is committed.

        text_clean: the caller knows no string of the body holds refused text (see text_hygiene).

        A transient database failure (deadlock, lost connection, busy SQLite) rolls the whole push back and
        runs it again, a bounded number of times; the last failure propagates for a 503.
        """
        now = self.clock()
        answer, changes = faults.retrying(
            lambda: self._push_once(session, actor, body, body_bytes, now, text_clean)
        )
        if changes:
            for listener in self.after_commit:
                listener(actor, changes)
        return answer

    def _push_once(
        self, session: Session, actor: Actor, body: Any, body_bytes: int, now: datetime, text_clean: bool
    ) -> tuple[dict[str, Any], list[Change]]:
        run = PushRun(self.registry, session, actor, lambda: self.scopes_for(session, actor), now)
        run.is_late = self.is_late
        run.text_clean = text_clean
        try:
            answer = run.run(body, body_bytes)
            if run.changes:
                for listener in self.after_push:
                    for change in listener(session, actor, list(run.changes)):
                        self.record_change(session, change)
            session.commit()
        except BaseException:
            session.rollback()
            raise
        return answer, run.changes

    def pull(
        self, session: Session, actor: Actor, cursor: str | None, limit: int | None, client_id: str | None
    ) -> dict[str, Any]:
        """Return one page of changes the actor may see, and the client's last seq."""
        return self.pull_page(session, actor, cursor, limit, client_id).as_dict()

    def pull_page(
        self, session: Session, actor: Actor, cursor: str | None, limit: int | None, client_id: str | None
    ) -> pull.Page:
        """Return one page of changes as stored (Page.as_json writes the answer without decoding data)."""
        limit = pull.DEFAULT_LIMIT if limit is None else limit
        if not 1 <= limit <= pull.MAX_LIMIT:
            raise SyncError(
                400,
                "invalid",
                Text("每页条数必须在 1 到 1000 之间", "limit must be 1..1000"),
                fields={"limit": ["must be between 1 and 1000"]},
            )
        if client_id is not None and not is_uuid(client_id):
            raise SyncError(
                400,
                "invalid",
                Text("客户端编号格式不正确", "client_id must be a UUID"),
                fields={"client_id": ["must be a UUID string"]},
            )
        header = pull.read_header(session, actor, client_id)
        scopes = self.pull_scopes_for(session, actor)
        fingerprint = self.fingerprint_policy(actor, scopes)
        return pull.read_page(session, scopes, cursor, limit, fingerprint, header)

    def record_change(self, session: Session, change: Change) -> int:
        """Write a change made outside a push (admin screens, seeding); positioned at commit."""
        current = store.load_entity(session, change.entity, change.id, lock=True)
        return store.save_change(session, change, current, self.clock())

    def load(self, session: Session, entity: str, entity_id: str):
        """Return an entity's stored state, or None."""
        return store.load_entity(session, entity, entity_id)
