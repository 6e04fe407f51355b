"""Computed checklist entities (docs/commands.md): TO BE WRITTEN."""

from __future__ import annotations

from sync import Change


def on_push(session, actor, changes: list[Change]) -> list[Change]:
    """Return the checklist changes that follow from a push's changes."""
    return []


def rebuild(session, enterprise_id: str) -> list[Change]:
    """Return the checklist entities of one enterprise, computed afresh."""
    return []
