"""Push: apply a client's commands in seq order, once each, with an outcome stored per command."""

from __future__ import annotations

from collections.abc import Callable, Container
from datetime import datetime
from typing import Any

from sqlalchemy import insert, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from . import faults, store, tables, text_hygiene
from .bulk_insert import insert_rows
from .registry import CommandRegistry
from .types import Actor, Change, Command, CommandContext, EntityState, Rejection, SyncError, Text
from .wire import parse_push

MAX_COMMANDS = 500
MAX_BYTES = 2 * 1024 * 1024

TOO_LARGE = Text("一次同步的内容过多", "Too many commands or bytes in one push")
OWNED = Text("该客户端属于另一位用户", "This client_id belongs to another user")
NOT_FOUND = Text("记录不存在", "No such record")
UNKNOWN = Text("未知的操作类型", "Unknown command type")
REUSED = Text("该命令已用另一个序号提交", "This command id was already pushed under another seq")
FORGOTTEN = Text(
    "这条操作很久以前已提交，服务器已不再保存它的结果：请查看该记录，如未生效请重新操作",
    "This command was received long ago and its outcome is no longer kept: check the record and redo it "
    "if it is missing",
)


def claim_client(session: Session, client_id: str, user_id: str, now: datetime) -> int:
    """Lock the client's row (creating it for its first user) and return its last seq."""
    query = select(tables.clients).where(tables.clients.c.id == client_id).with_for_update()
    row = session.execute(query).first()
    if row is None:
        try:
            with session.begin_nested():
                session.execute(
                    insert(tables.clients).values(id=client_id, user_id=user_id, last_seq=0, created_at=now)
                )
        except IntegrityError:
            pass
        row = session.execute(query).first()
    if row.user_id != user_id:
        raise SyncError(409, "client_owned_by_other_user", OWNED)
    return row.last_seq


def outcome_of(row: Any, replayed: bool = False) -> dict[str, Any]:
    """Turn a stored command row into the outcome object of the push answer."""
    outcome: dict[str, Any] = {
        "seq": row.seq,
        "id": row.id,
        "status": row.status,
        "entity_id": row.entity_id,
    }
    if row.status == "applied":
        outcome["version"] = row.version
    else:
        outcome["code"] = row.code
        outcome["message"] = row.message
        if row.fields:
            outcome["fields"] = row.fields
    if replayed:
        outcome["replayed"] = True
    return outcome


def forgotten_outcome(command: Command) -> dict[str, Any]:
    """Answer a re-sent seq whose stored outcome compaction dropped: settled, and never applied again.

    Whether it was applied or rejected is no longer known. `applied` could tell a person that a refused
    change went through; a final rejection makes the device drop it, show the message and take the
    server's state of the record, which holds whatever the command did.
    """
    return {
        "seq": command.seq,
        "id": command.id,
        "status": "rejected",
        "entity_id": command.entity_id,
        "code": "outcome_expired",
        "message": FORGOTTEN.as_dict(),
        "replayed": True,
    }


class PushRun:
    """One push request: checks, then commands applied in order inside the caller's transaction."""

    def __init__(
        self,
        registry: CommandRegistry,
        session: Session,
        actor: Actor,
        scopes: Callable[[], Container[str]],
        now: datetime,
    ):
        self.registry = registry
        self.session = session
        self.actor = actor
        self.read_scopes = scopes
        self.scopes = scopes()
        self.now = now
        self.records: list[dict[str, Any]] = []
        self.changes: list[Change] = []
        # The entities this push acts on, as they stand after its latest applied command.
        self.current: dict[tuple[str, str], EntityState] = {}
        # Keys with a row in the database; changes of batched commands wait in `pending` until flushed.
        self.stored: set[tuple[str, str]] = set()
        self.pending: dict[tuple[str, str], tuple[Change, int]] = {}
        # Keys already looked for in the database (found or not).
        self.looked_up: set[tuple[str, str]] = set()
        self.is_late: Callable[[datetime, datetime], bool] = lambda captured, received: False
        # Set when the caller saw no escape that could carry refused text: the per-command check is skipped.
        self.text_clean = False
        self.fresh: list[Command] = []

    def run(self, body: Any, body_bytes: int) -> dict[str, Any]:
        """Check the push as a whole, then apply each new command; return the answer."""
        client_id, sent_at, commands = parse_push(body)
        if body_bytes > MAX_BYTES or len(commands) > MAX_COMMANDS:
            raise SyncError(413, "too_large", TOO_LARGE, max_commands=MAX_COMMANDS, max_bytes=MAX_BYTES)
        store.begin_writes(self.session)
        last_seq = claim_client(self.session, client_id, self.actor.id, self.now)
        old = [c for c in commands if c.seq <= last_seq]
        stored = store.stored_outcomes(self.session, client_id, [c.seq for c in old])
        for command in old:
            row = stored.get(command.seq)
            # No row: compaction dropped it; the id can no longer be compared (see forgotten_outcome).
            if row is not None and row.id != command.id:
                raise SyncError(
                    409,
                    "seq_mismatch",
                    Text("序号已被另一条命令使用", "This seq was used by another command"),
                    seq=command.seq,
                )
        fresh = self.fresh = [c for c in commands if c.seq > last_seq]
        # A command id reused under a new seq is a seq_mismatch, which the protocol answers before seq_gap.
        # Within this push it is seen here; against the log, only where a gap is to be answered: otherwise
        # the log's unique id refuses it when the outcomes are written (write_records), undoing the push.
        reused = _repeated_in(fresh)
        gap = _first_gap(fresh, last_seq)
        if reused is None and gap is not None:
            reused = self._logged_seq(fresh)
        if reused is not None:
            raise SyncError(409, "seq_mismatch", REUSED, seq=reused)
        if gap is not None:
            raise SyncError(
                409, "seq_gap", Text("序号不连续", "Commands are missing before this seq"), expected=gap
            )
        offset_ms = int((self.now - sent_at).total_seconds() * 1000)
        keys = self._entity_keys(fresh)
        self.current = store.load_entities(self.session, keys)
        self.stored = set(self.current)
        self.looked_up = set(keys)
        outcomes = [
            outcome_of(stored[c.seq], replayed=True) if c.seq in stored else forgotten_outcome(c) for c in old
        ]
        blocked = None
        for command in fresh:
            missing = self._missing_blobs(command)
            if missing:
                blocked = {"seq": command.seq, "code": "blob_missing", "missing": missing}
                break
            outcomes.append(self._apply(client_id, command, offset_ms))
            last_seq = command.seq
        self.flush()
        self.write_records()
        self.session.execute(
            update(tables.clients)
            .where(tables.clients.c.id == client_id)
            .values(last_seq=last_seq, last_push_at=self.now)
        )
        return {"last_seq": last_seq, "outcomes": outcomes, "blocked": blocked}

    def _logged_seq(self, fresh: list[Command]) -> int | None:
        """Return the seq of the first of these commands whose id the command log already holds."""
        ids = {command.id: command.seq for command in fresh}
        if not ids:
            return None
        taken = (
            self.session.execute(select(tables.commands.c.id).where(tables.commands.c.id.in_(list(ids))))
            .scalars()
            .all()
        )
        return min((ids[id_] for id_ in taken), default=None)

    def _entity_keys(self, fresh: list[Command]) -> list[tuple[str, str]]:
        specs = [(self.registry.get(command.type), command.entity_id) for command in fresh]
        return [(spec.entity, entity_id) for spec, entity_id in specs if spec is not None]

    def _missing_blobs(self, command: Command) -> list[str]:
        spec = self.registry.get(command.type)
        if spec is None:
            return []
        return store.missing_blobs(
            self.session, spec.referenced_blobs(command.args), self.actor.id, self.scopes
        )

    def _apply(self, client_id: str, command: Command, offset_ms: int) -> dict[str, Any]:
        record: dict[str, Any] = {
            "client_id": client_id,
            "seq": command.seq,
            "id": command.id,
            "user_id": self.actor.id,
            "type": command.type,
            "entity_id": command.entity_id,
            # A command rejected for refused text is logged with U+FFFD in place of that text.
            "args": command.args if self.text_clean else text_hygiene.scrubbed(command.args),
            "captured_at": command.captured_at,
            "received_at": self.now,
            "clock_offset_ms": offset_ms,
            "late": False,
            **dict.fromkeys(("code", "message", "fields", "entity", "version", "scope")),
        }
        try:
            record.update(self._decide(command, offset_ms))
        except Rejection as rejection:
            record.update(
                status="rejected",
                code=rejection.code,
                message=rejection.message.as_dict(),
                fields=rejection.fields,
            )
        except Exception as error:
            # A bug in one handler: its savepoint undid its writes (a batched one wrote nothing); store it
            # so the outbox moves on.
            record.update(faults.server_error(self.session, command, error))
        if record["status"] == "applied":
            record["late"] = self.is_late(command.captured_at, self.now)
        spec = self.registry.get(command.type)
        if spec is not None and spec.secret_args:
            # Passwords and the like reach the handler, never the stored command log.
            record["args"] = {k: ("***" if k in spec.secret_args else v) for k, v in record["args"].items()}
        self.records.append(record)
        return outcome_of(_Row(record))

    def write_records(self) -> None:
        """Store every outcome of this push in one statement, inside its transaction."""
        if not self.records:
            return
        try:
            with self.session.begin_nested():
                insert_rows(self.session, tables.commands, self.records)
        except IntegrityError:
            # A command id already in the log under another seq (pushed before, or by a concurrent push):
            # never apply twice. The push's transaction is undone by the caller.
            seq = self._logged_seq(self.fresh)
            seq = self.records[0]["seq"] if seq is None else seq
            raise SyncError(409, "seq_mismatch", REUSED, seq=seq) from None

    def _decide(self, command: Command, offset_ms: int) -> dict[str, Any]:
        spec = self.registry.get(command.type)
        if spec is None:
            raise Rejection("unknown_type", UNKNOWN)
        if not self.text_clean:
            text_hygiene.check_args(command.args)
        current = self._current(spec.entity, command.entity_id)
        if current is not None and current.scope not in self.scopes and self.changes:
            # An earlier command of this push may have widened what the sender sees (a new enterprise).
            self.scopes = self.read_scopes()
        if not spec.creates and (current is None or current.deleted or current.scope not in self.scopes):
            raise Rejection("not_found", NOT_FOUND)
        if spec.batched:
            return self._decide_in_memory(spec, command, current, offset_ms)
        # The handler reads or writes the database itself: it must see every earlier change, and a
        # savepoint undoes its writes if it rejects.
        self.flush()
        with self.session.begin_nested():
            context = CommandContext(self.session, self.actor, command, self.now, current, offset_ms)
            primary, *others = self._changes_of(spec.handler(context))
            version = store.save_change(self.session, primary, current, self.now)
            for change in others:
                # Entities a command also creates or updates (e.g. hazards from an inspection's failed items).
                store.save_change(self.session, change, self._current(change.entity, change.id), self.now)
        for change in (primary, *others):
            self._remember(change, stored=True)
        self.changes.extend([primary, *others])
        return {"status": "applied", "entity": primary.entity, "version": version, "scope": primary.scope}

    def _decide_in_memory(self, spec, command: Command, current: EntityState | None, offset_ms: int):
        context = CommandContext(self.session, self.actor, command, self.now, current, offset_ms)
        changes = self._changes_of(spec.handler(context))
        for change in changes:
            version = self._remember(change, stored=False)
            self.pending[(change.entity, change.id)] = (change, version)
        self.changes.extend(changes)
        primary = changes[0]
        return {
            "status": "applied",
            "entity": primary.entity,
            "version": self.current[(primary.entity, primary.id)].version,
            "scope": primary.scope,
        }

    @staticmethod
    def _changes_of(result: Change | list[Change] | tuple[Change, ...]) -> list[Change]:
        return list(result) if isinstance(result, list | tuple) else [result]

    def _current(self, entity: str, entity_id: str) -> EntityState | None:
        """Return an entity as this push has left it so far (loaded once, up front, or on first need)."""
        key = (entity, entity_id)
        if key not in self.looked_up:
            found = store.load_entities(self.session, [key])
            self.current.update(found)
            self.stored.update(found)
            self.looked_up.add(key)
        return self.current.get(key)

    def _remember(self, change: Change, stored: bool) -> int:
        """Record an applied change as the entity's current state; return its new version."""
        key = (change.entity, change.id)
        before = self.current.get(key)
        version = 1 if before is None else before.version + 1
        self.current[key] = EntityState(
            change.entity, change.id, change.scope, version, change.deleted, change.data
        )
        if stored:
            self.stored.add(key)
            self.pending.pop(key, None)
        return version

    def flush(self) -> None:
        """Write the waiting changes of batched commands: one insert, one update, one blob-reference pass."""
        if not self.pending:
            return
        fresh, changed = [], []
        for key, (change, version) in self.pending.items():
            row = store.entity_values(change, version, self.now)
            (changed if key in self.stored else fresh).append(row)
        store.write_entities(self.session, fresh, changed)
        store.add_blob_refs(self.session, [change for change, _ in self.pending.values()])
        self.stored.update(self.pending)
        self.pending = {}


def _repeated_in(fresh: list[Command]) -> int | None:
    """Return the seq of the first command whose id an earlier command of the same push carries."""
    seen: set[str] = set()
    for command in fresh:
        if command.id in seen:
            return command.seq
        seen.add(command.id)
    return None


def _first_gap(fresh: list[Command], last_seq: int) -> int | None:
    """Return the seq expected where the fresh commands stop following on from last_seq, else None."""
    expected = last_seq + 1
    for command in fresh:
        if command.seq != expected:
            return expected
        expected += 1
    return None


class _Row:
    """Attribute access over a just-written command record, shaped like a stored row."""

    def __init__(self, record: dict[str, Any]):
        self.__dict__.update({"code": None, "message": None, "fields": None, "version": None})
        self.__dict__.update(record)
