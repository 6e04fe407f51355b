"""Handlers of the drill commands (docs/commands.md): TO BE WRITTEN."""

SPECS = ()
