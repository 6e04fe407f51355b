"""Publishes every command type's argument schema in the OpenAPI document as `args.<type>`."""

from __future__ import annotations

from flask_smorest import Api

from .commands import drill, hazard, inspection, lockout, notification, people, training

# Each command module maps its command types to their argument schemas (class docstring = who/effect).
MODULES = (hazard, people, drill, lockout, training, inspection, notification)


def publish_command_schemas(api: Api) -> None:
    """Add args.<type> component schemas, described by their schema's docstring."""
    for module in MODULES:
        for command_type, schema in getattr(module, "ARGS", {}).items():
            description = (schema.__doc__ or "").strip()
            api.spec.components.schema(
                f"args.{command_type}", component={"description": description}, schema=schema
            )
