"""Text the server refuses at its boundary, and the repair of text stored before it was refused."""

from __future__ import annotations

import re
from typing import Any

from .types import Rejection, Text

# Lone UTF-16 surrogates cannot be encoded as UTF-8 (every answer and PostgreSQL would fail on them), and
# PostgreSQL text cannot hold NUL. Other C0 controls have no place in a record; tab, line feed and the
# carriage return of a textarea's CRLF stay allowed. JSON decoding joins a valid surrogate pair into one
# character, so any surrogate left in a decoded string is a lone one.
ALLOWED_CONTROLS = "\t\n\r"
REFUSED = re.compile(
    "[" + "".join(re.escape(chr(c)) for c in range(0x20) if chr(c) not in ALLOWED_CONTROLS) + "\ud800-\udfff]"
)
SURROGATE = re.compile("[\ud800-\udfff]")
REPLACEMENT = "\ufffd"

INVALID_TEXT = Text(
    "文字中含有不允许的字符（控制字符或残缺的代理字符）",
    "The text holds characters that are not allowed (control characters or unpaired UTF-16 surrogates)",
)
FIELD_PROBLEM = "must not contain control characters other than tab and line breaks, or unpaired surrogates"


def is_clean(text: str) -> bool:
    """Tell whether a string holds no refused character."""
    return REFUSED.search(text) is None


def refused_fields(value: Any, path: str = "") -> dict[str, list[str]]:
    """Return {dotted path: [problem]} for each string or key in a JSON value that holds refused text."""
    found: dict[str, list[str]] = {}
    # A stack, not recursion: a body nested as deep as the JSON parser allows must not exhaust Python's.
    pending: list[tuple[str, Any]] = [(path, value)]
    while pending:
        where, item = pending.pop()
        if isinstance(item, str):
            if not is_clean(item):
                found[where or "_body"] = [FIELD_PROBLEM]
        elif isinstance(item, dict):
            for key, inner in item.items():
                name = f"{where}.{key}" if where else str(key)
                if isinstance(key, str) and not is_clean(key):
                    found[scrubbed(name)] = [FIELD_PROBLEM]
                else:
                    pending.append((name, inner))
        elif isinstance(item, list):
            pending.extend((f"{where}.{i}" if where else str(i), inner) for i, inner in enumerate(item))
    return dict(sorted(found.items()))


def check_args(args: Any) -> None:
    """Reject a command whose args hold refused text anywhere, naming each field."""
    fields = refused_fields(args)
    if fields:
        raise Rejection("invalid", INVALID_TEXT, fields)


def scrubbed(value: Any) -> Any:
    """Return the value with every refused character replaced by U+FFFD (the same object when clean)."""
    if isinstance(value, str):
        return value if is_clean(value) else REFUSED.sub(REPLACEMENT, repaired(value))
    if not isinstance(value, dict | list) or not refused_fields(value):
        return value
    copy = _empty_like(value)
    pending = [(value, copy)]
    while pending:
        source, target = pending.pop()
        for key, item in source.items() if isinstance(source, dict) else enumerate(source):
            inner = _empty_like(item) if isinstance(item, dict | list) else scrubbed(item)
            if isinstance(item, dict | list):
                pending.append((item, inner))
            if isinstance(target, dict):
                target[scrubbed(key)] = inner
            else:
                target.append(inner)
    return copy


def _empty_like(container: dict | list) -> dict | list:
    return {} if isinstance(container, dict) else []


def repaired(text: str) -> str:
    """Return text whose lone surrogates became U+FFFD, a split surrogate pair joined into its character."""
    if SURROGATE.search(text) is None:
        return text
    return text.encode("utf-16-le", "surrogatepass").decode("utf-16-le", "replace")
