"""Handlers of the people commands (docs/commands.md): TO BE WRITTEN."""

SPECS = ()
