"""Handlers of the training commands (docs/commands.md): TO BE WRITTEN."""

SPECS = ()
