"""Handlers of the inspection commands (docs/commands.md): TO BE WRITTEN."""

SPECS = ()
