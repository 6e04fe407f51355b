"""Computed badge entities (docs/commands.md): TO BE WRITTEN."""

from __future__ import annotations

from sync import Change


def on_push(session, actor, changes: list[Change]) -> list[Change]:
    """Return the badge changes that follow from a push's changes."""
    return []


def rebuild(session, enterprise_id: str) -> list[Change]:
    """Return the badge entities of one enterprise, computed afresh."""
    return []
