"""Handlers of the lockout commands (docs/commands.md): TO BE WRITTEN."""

SPECS = ()
