"""The people commands of docs/commands.md: enterprises, users and special-operation certificates."""

from . import certificate_commands, enterprise_commands, user_commands

MODULES = (enterprise_commands, user_commands, certificate_commands)

SPECS = tuple(spec for module in MODULES for spec in module.SPECS)

ARGS = {command_type: schema for module in MODULES for command_type, schema in module.ARGS.items()}
