"""What every command handler needs: rejections, argument loading, history events, document changes."""

from __future__ import annotations

import copy
from typing import Any

from marshmallow import Schema, ValidationError

from sync import Change, CommandContext, Rejection, Text
from sync.wire import format_time

from ..schemas.fast_load import ASK_MARSHMALLOW, fast_load
from ..scopes import enterprise_scope

REJECTION_TEXT = {
    "forbidden": Text("你无权执行此操作", "You may not do this"),
    "conflict": Text("记录当前状态不允许此操作", "Not allowed in the record's current state"),
    "invalid": Text("输入不正确", "Invalid arguments"),
    "not_found": Text("记录不存在", "No such record"),
}


def reject(code: str, message: Text | None = None, fields: dict[str, list[str]] | None = None) -> Rejection:
    """Build a rejection with the code's default message."""
    return Rejection(code, message or REJECTION_TEXT[code], fields)


def load_args(schema: Schema, args: dict[str, Any]) -> dict[str, Any]:
    """Validate args, or reject as invalid with field messages."""
    # Valid args of simple schemas skip marshmallow's machinery; anything else (every error) goes through it.
    loaded = fast_load(schema, args)
    if loaded is not ASK_MARSHMALLOW:
        return loaded
    try:
        return schema.load(args)
    except ValidationError as error:
        raise reject("invalid", fields=_flatten(error.messages)) from None


def _flatten(messages: Any, prefix: str = "") -> dict[str, list[str]]:
    if isinstance(messages, list):
        return {prefix or "_args": [str(m) for m in messages]}
    flat: dict[str, list[str]] = {}
    for key, value in messages.items():
        name = f"{prefix}.{key}" if prefix else str(key)
        flat.update(_flatten(value, name))
    return flat


def history_event(ctx: CommandContext, **details: Any) -> dict[str, Any]:
    """Return the history entry of an applied command: type, by, at (captured), received_at, details."""
    return {
        "type": ctx.command.type,
        "by": ctx.actor.id,
        "at": format_time(ctx.command.captured_at),
        "received_at": format_time(ctx.received_at),
        **details,
    }


def document_change(
    ctx: CommandContext, entity: str, data: dict[str, Any], blobs: tuple[str, ...] = (), **details: Any
) -> Change:
    """Append the command to a document entity's history and return its new whole state."""
    data = {**data, "history": [*data.get("history", []), history_event(ctx, **details)]}
    return Change(entity, data["id"], enterprise_scope(data["enterprise_id"]), data, blobs=tuple(blobs))


def current_data(ctx: CommandContext) -> dict[str, Any]:
    """Return a copy of the entity's stored state (handlers never mutate the stored dict)."""
    return copy.deepcopy(ctx.current.data) if ctx.current else {}


def require(allowed: bool, code: str = "forbidden", message: Text | None = None) -> None:
    """Reject with code unless allowed."""
    if not allowed:
        raise reject(code, message)
