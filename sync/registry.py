"""The command types and visibility rules an application registers into the engine."""

from __future__ import annotations

import re
from collections.abc import Callable, Container, Iterable
from dataclasses import dataclass
from typing import Any

from .types import Actor, Change, CommandContext

SHA256_HEX = re.compile(r"^[0-9a-f]{64}$")

# A handler returns the entity's new state, or a list whose first item is the command's own entity
# followed by other entities the command changed.
Handler = Callable[[CommandContext], Change | list[Change]]
ScopePolicy = Callable[[Any, Actor], Iterable[str]]
# What a person may read and act on: a set, or any container that answers `scope in it` (a bureau's
# province holds thousands of enterprises, each looked up when asked rather than listed).
ReadPolicy = Callable[[Any, Actor], Container[str]]


@dataclass(frozen=True)
class CommandSpec:
    """One command type: the entity it acts on, its handler, and the args naming photos.

    also_changes names the other entity types its handler may return changes of (pull documents them).
    batched: the handler writes nothing itself and reads no synced entity but its own (ctx.current), so
    the push decides it in memory, without a savepoint, and writes its change with the others in one
    statement. Handlers that write tables or read other entities leave it False.
    """

    type: str
    entity: str
    handler: Handler
    creates: bool = False
    blob_args: tuple[str, ...] = ()
    secret_args: tuple[str, ...] = ()
    also_changes: tuple[str, ...] = ()
    batched: bool = False

    def referenced_blobs(self, args: dict[str, Any]) -> list[str]:
        """Return the well-formed sha256 values the args reference (the handler checks the rest)."""
        found: list[str] = []
        for name in self.blob_args:
            value = args.get(name)
            if isinstance(value, list):
                found.extend(v for v in value if isinstance(v, str) and SHA256_HEX.match(v))
        return list(dict.fromkeys(found))


class CommandRegistry:
    """Command types by name."""

    def __init__(self) -> None:
        self._specs: dict[str, CommandSpec] = {}

    def register(self, spec: CommandSpec) -> None:
        """Add a command type; registering one name twice is a programming error."""
        if spec.type in self._specs:
            raise ValueError(f"command type {spec.type} registered twice")
        self._specs[spec.type] = spec

    def get(self, command_type: str) -> CommandSpec | None:
        """Return the spec for a type, or None when unknown."""
        return self._specs.get(command_type)

    def types(self) -> list[str]:
        """Return every registered type name, sorted."""
        return sorted(self._specs)
