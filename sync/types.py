"""Values passed between the sync engine and the application that registers into it."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any


@dataclass(frozen=True)
class Text:
    """A message in both UI languages; the HTTP layer picks one by Accept-Language."""

    zh: str
    en: str

    def as_dict(self) -> dict[str, str]:
        return {"zh-CN": self.zh, "en": self.en}


@dataclass(frozen=True)
class Actor:
    """Who sends a push or pulls: enough to decide rules and visibility."""

    id: str
    role: str
    enterprise_id: str | None


@dataclass(frozen=True)
class EntityState:
    """The stored latest state of one entity, as handlers see it."""

    entity: str
    id: str
    scope: str
    version: int
    deleted: bool
    data: dict[str, Any]


@dataclass(frozen=True)
class Command:
    """One command of a push, already shape-checked by the engine."""

    seq: int
    id: str
    type: str
    entity_id: str
    captured_at: datetime
    args: dict[str, Any]


@dataclass
class CommandContext:
    """What a handler gets: the command, who sent it, the entity as it stands, the session."""

    session: Any
    actor: Actor
    command: Command
    received_at: datetime
    current: EntityState | None
    # Server time minus the device's sent_at: add it to captured_at for the device's true time.
    clock_offset_ms: int = 0

    def true_captured_at(self) -> datetime:
        """Return captured_at corrected by the device clock offset estimated for this push."""
        return self.command.captured_at + timedelta(milliseconds=self.clock_offset_ms)


@dataclass(frozen=True)
class Change:
    """What a handler returns when it applies a command: the entity's new whole state."""

    entity: str
    id: str
    scope: str
    data: dict[str, Any]
    deleted: bool = False
    blobs: tuple[str, ...] = field(default_factory=tuple)


class Rejection(Exception):
    """Raised by a handler: the command is rejected with a stable code."""

    def __init__(self, code: str, message: Text, fields: dict[str, list[str]] | None = None):
        super().__init__(code)
        self.code = code
        self.message = message
        self.fields = fields


class SyncError(Exception):
    """A whole-request failure: HTTP status, stable code, message and extra fields."""

    def __init__(self, status: int, code: str, message: Text, **extra: Any):
        super().__init__(code)
        self.status = status
        self.code = code
        self.message = message
        self.extra = extra
