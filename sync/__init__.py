"""Sync engine for protocol v1: commands in, changes out. Knows SQLAlchemy, never Flask or backend."""

from .engine import SyncEngine
from .registry import CommandSpec
from .tables import metadata
from .types import Actor, Change, Command, CommandContext, EntityState, Rejection, SyncError, Text

__all__ = [
    "Actor",
    "Change",
    "Command",
    "CommandContext",
    "CommandSpec",
    "EntityState",
    "Rejection",
    "SyncEngine",
    "SyncError",
    "Text",
    "metadata",
]
