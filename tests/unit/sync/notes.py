"""A toy "note" entity registered into the sync engine, so the engine is tested without the app."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

from sync import Actor, Change, CommandContext, CommandSpec, Rejection, SyncEngine, Text
from sync.registry import SHA256_HEX

ALICE = Actor("00000000-0000-4000-8000-00000000000a", "worker", "ent-a")
BOB = Actor("00000000-0000-4000-8000-00000000000b", "officer", "ent-a")
VIEWER = Actor("00000000-0000-4000-8000-00000000000c", "viewer", "ent-a")
CAROL = Actor("00000000-0000-4000-8000-00000000000d", "worker", "ent-b")
NOBODY = Actor("00000000-0000-4000-8000-00000000000e", "worker", None)
SHA = "ab" * 32
OTHER_SHA = "cd" * 32


def scope_of(actor: Actor) -> str:
    """Name the one scope an enterprise user writes into and reads."""
    return f"enterprise:{actor.enterprise_id}"


def note_scopes(_session: Any, actor: Actor) -> set[str]:
    """Let enterprise users see their enterprise's notes; people of no enterprise see nothing."""
    return {scope_of(actor)} if actor.enterprise_id else set()


def _reject(code: str, **extra: Any) -> Rejection:
    return Rejection(code, Text(f"拒绝：{code}", f"rejected: {code}"), **extra)


def _text_of(ctx: CommandContext) -> str:
    text = ctx.command.args.get("text")
    if not isinstance(text, str) or not text:
        raise _reject("invalid", fields={"text": ["must be a non-empty string"]})
    return text


def _note(ctx: CommandContext, **data: Any) -> Change:
    base = dict(ctx.current.data) if ctx.current else {"author": ctx.actor.id}
    base.update(data, edited_by=ctx.actor.id)
    scope = ctx.current.scope if ctx.current else scope_of(ctx.actor)
    blobs = tuple(sha for sha in base.get("photos", ()) if isinstance(sha, str) and SHA256_HEX.match(sha))
    return Change("note", ctx.command.entity_id, scope, base, blobs=blobs)


def create(ctx: CommandContext) -> Change:
    """Create a note; an id already taken is a conflict."""
    if ctx.actor.role == "viewer":
        raise _reject("forbidden")
    if ctx.current is not None:
        raise _reject("conflict")
    return _note(ctx, text=_text_of(ctx), locked=False)


def edit(ctx: CommandContext) -> Change:
    """Change the text; checks forbidden, then conflict (locked), then invalid, like the protocol's order."""
    if ctx.actor.role == "viewer":
        raise _reject("forbidden")
    if ctx.current.data.get("locked"):
        raise _reject("conflict")
    return _note(ctx, text=_text_of(ctx))


def lock(ctx: CommandContext) -> Change:
    """Lock a note so later edits conflict."""
    return _note(ctx, locked=True)


def delete(ctx: CommandContext) -> Change:
    """Delete a note: a tombstone."""
    return Change(
        "note", ctx.command.entity_id, ctx.current.scope, {"id": ctx.command.entity_id}, deleted=True
    )


def attach(ctx: CommandContext) -> Change:
    """Attach photos (sha256 list) to a note."""
    return _note(ctx, photos=list(ctx.command.args.get("photos", [])))


def explode(_ctx: CommandContext) -> Change:
    """Fail like a bug or a lost connection would: not a Rejection."""
    raise RuntimeError("handler crashed")


def make_engine(
    hooks: dict[str, Callable[[CommandContext], None]] | None = None,
    clock: Callable[[], datetime] | None = None,
) -> SyncEngine:
    """Build an engine with the note commands; hooks run inside note.hook (for concurrency tests)."""
    engine = SyncEngine(note_scopes, clock) if clock else SyncEngine(note_scopes)
    engine.register(CommandSpec("note.create", "note", create, creates=True))
    engine.register(CommandSpec("note.edit", "note", edit))
    engine.register(CommandSpec("note.lock", "note", lock))
    engine.register(CommandSpec("note.delete", "note", delete))
    engine.register(CommandSpec("note.attach", "note", attach, blob_args=("photos",)))
    engine.register(CommandSpec("note.explode", "note", explode))

    def hooked(ctx: CommandContext) -> Change:
        (hooks or {})[ctx.command.args["hook"]](ctx)
        return _note(ctx, text=ctx.command.args.get("text", "hooked"))

    engine.register(CommandSpec("note.hook", "note", hooked, creates=True))
    return engine


def now_text(moment: datetime | None = None) -> str:
    """Format a time as protocol text."""
    moment = moment or datetime.now(UTC)
    return moment.isoformat(timespec="milliseconds").replace("+00:00", "Z")


def new_id() -> str:
    """Return a fresh UUID string."""
    return str(uuid.uuid4())


class Device:
    """One client installation: numbers its commands and builds push bodies."""

    def __init__(self, engine: SyncEngine, session_factory, actor: Actor, client_id: str | None = None):
        self.engine, self.sessions, self.actor = engine, session_factory, actor
        self.client_id = client_id or new_id()
        self.seq = 0

    def command(self, type_: str, entity_id: str | None = None, **args: Any) -> dict[str, Any]:
        """Build the next command."""
        self.seq += 1
        return {
            "seq": self.seq,
            "id": new_id(),
            "type": type_,
            "entity_id": entity_id or new_id(),
            "captured_at": now_text(),
            "args": args,
        }

    def body(self, *commands: dict[str, Any], sent_at: str | None = None) -> dict[str, Any]:
        """Wrap commands in a push body."""
        return {"client_id": self.client_id, "sent_at": sent_at or now_text(), "commands": list(commands)}

    def push(self, *commands: dict[str, Any], body_bytes: int = 1000, **body_extra: Any) -> dict[str, Any]:
        """Push commands in a fresh session; return the answer."""
        with self.sessions() as session:
            return self.engine.push(session, self.actor, self.body(*commands, **body_extra), body_bytes)

    def do(self, type_: str, entity_id: str | None = None, **args: Any) -> dict[str, Any]:
        """Push one command; return its outcome."""
        return self.push(self.command(type_, entity_id, **args))["outcomes"][-1]

    def pull(self, cursor: str | None = None, limit: int | None = None, client_id: str | None = None):
        """Pull one page in a fresh session."""
        with self.sessions() as session:
            return self.engine.pull(session, self.actor, cursor, limit, client_id)

    def pull_all(self, limit: int = 500) -> tuple[list[dict[str, Any]], str]:
        """Follow the cursor from the start until more is false; return every change and the cursor."""
        seen: list[dict[str, Any]] = []
        cursor = None
        while True:
            page = self.pull(cursor, limit)
            seen.extend(page["changes"])
            cursor = page["cursor"]
            if not page["more"]:
                return seen, cursor
