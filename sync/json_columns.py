"""How JSON columns are written and read: orjson, falling back to the standard library for what it refuses."""

from __future__ import annotations

import json
from typing import Any

import orjson


def dumps(value: Any) -> str:
    """Serialise compactly as UTF-8 text (orjson); lone surrogates and non-string keys take json's path.

    That path escapes every non-ASCII character: a lone surrogate cannot be encoded as UTF-8 text.
    """
    try:
        return orjson.dumps(value).decode()
    except (TypeError, orjson.JSONEncodeError):
        return json.dumps(value)


def loads(text: str | bytes) -> Any:
    """Parse stored JSON (orjson); text it refuses, such as an escaped lone surrogate, goes to json."""
    try:
        return orjson.loads(text)
    except orjson.JSONDecodeError:
        return json.loads(text)


def engine_options() -> dict[str, Any]:
    """Return the create_engine options that make every JSON column use these."""
    return {"json_serializer": dumps, "json_deserializer": loads}
