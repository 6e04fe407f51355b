"""What every command handler needs: rejections with stable codes and argument loading."""

from __future__ import annotations

from typing import Any

from marshmallow import Schema, ValidationError

from sync import Rejection, Text

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
